import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class BuzzBipApi implements ICredentialType {
	name = 'buzzBipApi';

	displayName = 'BuzzBip Webhook API';

	icon = { light: 'file:../nodes/BuzzBipTrigger/buzzbip.svg', dark: 'file:../nodes/BuzzBipTrigger/buzzbip.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#buzzbip';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Shown by BuzzBip when you save a webhook (Settings → Developer → Webhooks). BuzzBip signs every request with it (HMAC-SHA256 in the X-BuzzBip-Signature header).',
		},
		{
			displayName: 'Previous Signing Secret',
			name: 'previousSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. While you roll the secret in BuzzBip, requests signed with this old secret are accepted too. Empty it once the rotation is done.',
		},
	];
}
