import { createTriggerNode } from '../shared/createTrigger';
import { tracebuzz } from './tracebuzz.definition';

/** Everything this node does is declared in tracebuzz.definition.ts. */
export class TracebuzzTrigger extends createTriggerNode(tracebuzz) {}
