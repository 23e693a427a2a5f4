import { createTriggerNode } from '../shared/createTrigger';
import { buzzBip } from './buzzbip.definition';

/** Everything this node does is declared in buzzbip.definition.ts. */
export class BuzzBipTrigger extends createTriggerNode(buzzBip) {}
