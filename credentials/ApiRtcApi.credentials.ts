import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class ApiRtcApi implements ICredentialType {
	name = 'apiRtcApi';

	displayName = 'ApiRTC Webhook API';

	icon = { light: 'file:../nodes/ApiRtcTrigger/apirtc.svg', dark: 'file:../nodes/ApiRtcTrigger/apirtc.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#apirtc';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-Webhook-Secret',
			required: true,
			description: 'In the ApiRTC Console, Company → Company account → Settings → WebHooks, the name of the HTTP header you add. Any case is accepted.',
		},
		{
			displayName: 'Header Value',
			name: 'headerValue',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret content of that header, the same in ApiRTC and here. Use a long random value.',
		},
		{
			displayName: 'Previous Header Value',
			name: 'previousHeaderValue',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. While you change the value in ApiRTC, requests with this old value are accepted too. Empty it once the rotation is done.',
		},
	];
}
