import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildDescription, providerTrigger } from '../shared/createTrigger';
import { apiRtc } from './apirtc.definition';

/** The ApiRTC Trigger: everything it does is declared in apirtc.definition.ts (n8n's lint reads the literals below here). */
export class ApiRtcTrigger extends providerTrigger(apiRtc) implements INodeType {
	description: INodeTypeDescription = {
		...buildDescription(apiRtc),
		icon: { light: 'file:apirtc.svg', dark: 'file:apirtc.dark.svg' },
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		credentials: [{ name: 'apiRtcApi', required: true, testedBy: 'apiRtcApiTest' }, { name: 'verifiedWebhooksRedisApi', required: false, testedBy: 'verifiedWebhooksRedisApiTest', displayOptions: { show: { 'options.dedupeStore': ['redis'] } } }],
	};
}
