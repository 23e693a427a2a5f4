import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The Redis a trigger's "Dedupe Store: Redis" option claims delivery keys in (nodes/shared/redisStore.ts).
 * The fields and their names are those of n8n's own Redis credential (`redis`), which a community
 * node may not use: n8n's lint (no-credential-reuse) allows only credentials of the node's package.
 */
export class VerifiedWebhooksRedisApi implements ICredentialType {
	name = 'verifiedWebhooksRedisApi';

	displayName = 'Verified Webhooks Redis API';

	icon = { light: 'file:../nodes/VerifiedWebhookTrigger/verifiedwebhook.svg', dark: 'file:../nodes/VerifiedWebhookTrigger/verifiedwebhook.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#queue-mode';

	properties: INodeProperties[] = [
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			hint: 'Leave blank for password-only auth',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 6379,
		},
		{
			displayName: 'Database Number',
			name: 'database',
			type: 'number',
			default: 0,
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'boolean',
			default: false,
		},
		{
			displayName: 'Disable TLS Verification (Insecure)',
			name: 'disableTlsVerification',
			type: 'boolean',
			displayOptions: { show: { ssl: [true] } },
			default: false,
			description: 'Whether to accept a certificate that cannot be verified (self-signed)',
		},
	];
}
