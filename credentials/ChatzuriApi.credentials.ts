import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class ChatzuriApi implements ICredentialType {
	name = 'chatzuriApi';

	displayName = 'Chatzuri Webhook API';

	icon = { light: 'file:../nodes/ChatzuriTrigger/chatzuri.svg', dark: 'file:../nodes/ChatzuriTrigger/chatzuri.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#chatzuri';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret key of your Chatzuri agent\'s webhook. Chatzuri signs every request with it (HMAC-SHA1 in the x-chatzuri-signature header).',
		},
		{
			displayName: 'Previous Secret Key',
			name: 'previousSecretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. While you change the key in Chatzuri, requests signed with this old key are accepted too. Empty it once the rotation is done.',
		},
	];
}
