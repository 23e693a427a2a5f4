import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class TracebuzzApi implements ICredentialType {
	name = 'tracebuzzApi';

	displayName = 'Tracebuzz Webhook API';

	icon = { light: 'file:../nodes/TracebuzzTrigger/tracebuzz.svg', dark: 'file:../nodes/TracebuzzTrigger/tracebuzz.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#tracebuzz';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-Webhook-Secret',
			required: true,
			description: 'In Tracebuzz, Profile → Webhooks → Custom header name. Any case is accepted.',
		},
		{
			displayName: 'Header Value',
			name: 'headerValue',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret content of that header, the same in Tracebuzz and here. Use a long random value.',
		},
		{
			displayName: 'Previous Header Value',
			name: 'previousHeaderValue',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. While you change the value in Tracebuzz, requests with this old value are accepted too. Empty it once the rotation is done.',
		},
	];
}
