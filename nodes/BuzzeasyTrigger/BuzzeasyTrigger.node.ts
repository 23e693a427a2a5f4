import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildDescription, providerTrigger } from '../shared/createTrigger';
import { buzzeasy } from './buzzeasy.definition';

/** The Buzzeasy Trigger: everything it does is declared in buzzeasy.definition.ts (n8n's lint reads the literals below here). */
export class BuzzeasyTrigger extends providerTrigger(buzzeasy) implements INodeType {
	description: INodeTypeDescription = {
		...buildDescription(buzzeasy),
		icon: { light: 'file:buzzeasy.svg', dark: 'file:buzzeasy.dark.svg' },
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		credentials: [{ name: 'buzzeasyApi', required: true, testedBy: 'buzzeasyApiTest' }, { name: 'verifiedWebhooksRedisApi', required: false, testedBy: 'verifiedWebhooksRedisApiTest', displayOptions: { show: { 'options.dedupeStore': ['redis'] } } }],
	};
}
