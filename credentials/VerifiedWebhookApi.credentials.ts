import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class VerifiedWebhookApi implements ICredentialType {
	name = 'verifiedWebhookApi';

	displayName = 'Verified Webhook API';

	icon = { light: 'file:../nodes/VerifiedWebhookTrigger/verifiedwebhook.svg', dark: 'file:../nodes/VerifiedWebhookTrigger/verifiedwebhook.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#verified-webhook-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The signing secret (or API key) from the sender\'s webhook settings: e.g. GitHub\'s webhook secret, Stripe\'s whsec_… endpoint secret, Slack\'s signing secret, Shopify\'s app secret, a Standard Webhooks whsec_… secret',
		},
		{
			displayName: 'Previous Secret',
			name: 'previousSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. While you roll the secret at the sender, requests signed with this old secret are accepted too. Empty it once the rotation is done.',
		},
	];
}
