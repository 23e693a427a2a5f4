import { createTriggerNode } from '../shared/createTrigger';
import { apiRtc } from './apirtc.definition';

/** Everything this node does is declared in apirtc.definition.ts. */
export class ApiRtcTrigger extends createTriggerNode(apiRtc) {}
