import { createTriggerNode } from '../shared/createTrigger';
import { buzzeasy } from './buzzeasy.definition';

/** Everything this node does is declared in buzzeasy.definition.ts. */
export class BuzzeasyTrigger extends createTriggerNode(buzzeasy) {}
