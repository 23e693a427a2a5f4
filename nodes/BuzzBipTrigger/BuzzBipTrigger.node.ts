import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildDescription, providerTrigger } from '../shared/createTrigger';
import { buzzBip } from './buzzbip.definition';

/** The BuzzBip Trigger: everything it does is declared in buzzbip.definition.ts (n8n's lint reads the literals below here). */
export class BuzzBipTrigger extends providerTrigger(buzzBip) implements INodeType {
	description: INodeTypeDescription = {
		...buildDescription(buzzBip),
		icon: { light: 'file:buzzbip.svg', dark: 'file:buzzbip.dark.svg' },
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		credentials: [{ name: 'buzzBipApi', required: true, testedBy: 'buzzBipApiTest' }, { name: 'verifiedWebhooksRedisApi', required: false, testedBy: 'verifiedWebhooksRedisApiTest', displayOptions: { show: { 'options.dedupeStore': ['redis'] } } }],
	};
}
