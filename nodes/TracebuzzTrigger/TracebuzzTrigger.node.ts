import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildDescription, providerTrigger } from '../shared/createTrigger';
import { tracebuzz } from './tracebuzz.definition';

/** The Tracebuzz Trigger: everything it does is declared in tracebuzz.definition.ts (n8n's lint reads the literals below here). */
export class TracebuzzTrigger extends providerTrigger(tracebuzz) implements INodeType {
	description: INodeTypeDescription = {
		...buildDescription(tracebuzz),
		icon: { light: 'file:tracebuzz.svg', dark: 'file:tracebuzz.dark.svg' },
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		credentials: [{ name: 'tracebuzzApi', required: true, testedBy: 'tracebuzzApiTest' }, { name: 'verifiedWebhooksRedisApi', required: false, testedBy: 'verifiedWebhooksRedisApiTest', displayOptions: { show: { 'options.dedupeStore': ['redis'] } } }],
	};
}
