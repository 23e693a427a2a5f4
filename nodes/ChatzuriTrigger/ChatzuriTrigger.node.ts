import { createTriggerNode } from '../shared/createTrigger';
import { chatzuri } from './chatzuri.definition';

/** Everything this node does is declared in chatzuri.definition.ts. */
export class ChatzuriTrigger extends createTriggerNode(chatzuri) {}
