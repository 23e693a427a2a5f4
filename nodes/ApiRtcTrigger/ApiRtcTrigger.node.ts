import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { manualWebhookMethods, providerTrigger, triggerProperties } from '../shared/createTrigger';
import { apiRtc } from './apirtc.definition';

/**
 * What this node does is declared in apirtc.definition.ts. The description is spelled out here for
 * n8n's static checks; test/providers/descriptions.test.ts keeps it equal to what the definition gives.
 */
export class ApiRtcTrigger extends providerTrigger(apiRtc) implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ApiRTC Trigger',
		name: 'apiRtcTrigger',
		icon: { light: 'file:apirtc.svg', dark: 'file:apirtc.dark.svg' },
		group: ['trigger'],
		// 2: n8n evaluates an expression in its sandbox for every request to a version 1 webhook node
		// (the Webhook node v1's binaryData option); the behaviour is the same in both versions
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		description: 'Starts the workflow when ApiRTC (Apizee) sends a ticket, media or conversation event, after checking a custom header',
		// the node panel's search reads displayName and codex.alias: "Verified Webhooks" finds the six
		// nodes of this package and none of n8n's own
		codex: { alias: ['Verified Webhooks'] },
		defaults: { name: 'ApiRTC Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Event', 'Unrecognized'],
		credentials: [{ name: 'apiRtcApi', required: true, testedBy: 'apiRtcApiTest' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// n8n sends the webhookResponse the trigger returns, after it has stored the execution
				responseData: '',
				path: 'webhook',
			},
		],
		properties: triggerProperties(apiRtc),
	};

	// The provider's portal holds the URL: nothing to register or remove through an API.
	webhookMethods = manualWebhookMethods;
}
