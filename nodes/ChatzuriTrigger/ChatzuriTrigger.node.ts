import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildDescription, providerTrigger } from '../shared/createTrigger';
import { chatzuri } from './chatzuri.definition';

/** The Chatzuri Trigger: everything it does is declared in chatzuri.definition.ts (n8n's lint reads the literals below here). */
export class ChatzuriTrigger extends providerTrigger(chatzuri) implements INodeType {
	description: INodeTypeDescription = {
		...buildDescription(chatzuri),
		icon: { light: 'file:chatzuri.svg', dark: 'file:chatzuri.dark.svg' },
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		credentials: [{ name: 'chatzuriApi', required: true, testedBy: 'chatzuriApiTest' }, { name: 'verifiedWebhooksRedisApi', required: false, testedBy: 'verifiedWebhooksRedisApiTest', displayOptions: { show: { 'options.dedupeStore': ['redis'] } } }],
	};
}
