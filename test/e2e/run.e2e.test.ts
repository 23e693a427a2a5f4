/**
 * The end-to-end run: ONE real n8n 2.41.1 (see harness.ts) for every suite, started before the
 * first test and stopped after the last whatever happens. The suites add their workflows to it and
 * register their tests in this order:
 * - providers.suite.ts: the five provider triggers (documented examples, rejections, duplicates,
 *   a restart);
 * - presets.suite.ts: the Verified Webhook Trigger (GitHub, Standard Webhooks, custom HMAC);
 * - community.suite.ts: Settings → Community nodes, the node panel's search, bodies n8n refuses (422);
 * - cli.suite.ts: the `send` command itself, run as a process against this n8n;
 * - sideBySide.suite.ts: two per-service packages installed beside the all-in-one one (n8n restarted
 *   to load them), one event to each of three triggers;
 * - load.suite.ts: reliability under load and across a restart (E2E_LOAD_EVENTS, ...).
 */
import { setHarness, type SuiteSetup } from './context';
import { N8nHarness } from './harness';
import { cliTests } from './cli.suite';
import { communityTests } from './community.suite';
import { loadTests } from './load.suite';
import { presetSetup, presetTests } from './presets.suite';
import { providerSetup, providerTests } from './providers.suite';
import { sideBySideTests } from './sideBySide.suite';

const PORT = Number(process.env.E2E_N8N_PORT || 5690);
// (jest's testTimeout is a global option: the e2e project's own value does not apply)
jest.setTimeout(5 * 60 * 1000);

const setups: SuiteSetup[] = [providerSetup(), presetSetup()];
let harness: N8nHarness | undefined;

beforeAll(async () => {
	harness = await N8nHarness.create({
		port: PORT,
		workflows: setups.flatMap((s) => s.workflows),
		credentials: setups.flatMap((s) => s.credentials),
		readiness: setups.flatMap((s) => s.readiness),
	});
	setHarness(harness);
}, 30 * 60 * 1000);

afterAll(async () => {
	setHarness(undefined);
	await harness?.stop();
}, 60 * 1000);

providerTests();
presetTests();
communityTests();
cliTests();
sideBySideTests();
loadTests();
