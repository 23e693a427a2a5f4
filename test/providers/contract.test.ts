/**
 * SPEC.md's request contract (test/helpers/contract.ts), run against every registered provider's
 * real node file with the body its fixture module names (test/fixtures/<provider>.ts `suites.sample`):
 * a provider added to the registry is held to it without a line here.
 */
import { fixturesOf } from '../fixtures';
import { describeTriggerContract } from '../helpers/contract';
import { REGISTERED } from '../helpers/registry';

for (const { id, node, definition } of REGISTERED) describeTriggerContract(node, definition, fixturesOf(id).suites.sample);
