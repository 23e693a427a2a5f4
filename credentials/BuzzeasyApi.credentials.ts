import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class BuzzeasyApi implements ICredentialType {
	name = 'buzzeasyApi';

	displayName = 'Buzzeasy Webhook API';

	icon = { light: 'file:../nodes/BuzzeasyTrigger/buzzeasy.svg', dark: 'file:../nodes/BuzzeasyTrigger/buzzeasy.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#buzzeasy';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A secret you choose, entered in the Buzzeasy portal under Integration → Service Hooks. Buzzeasy sends it in the x-api-key header of every callback.',
		},
		{
			displayName: 'Previous API Key',
			name: 'previousApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. While you change the key in Buzzeasy, requests with this old key are accepted too. Empty it once the rotation is done.',
		},
	];
}
