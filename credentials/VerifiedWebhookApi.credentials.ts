import type { ICredentialType } from 'n8n-workflow';

import { providerCredential } from '../nodes/shared/credential';
import { CREDENTIAL } from '../nodes/VerifiedWebhookTrigger/verifiedWebhook.definition';

/** The form comes from CREDENTIAL in verifiedWebhook.definition.ts (n8n's lint reads the literals below here). */
export class VerifiedWebhookApi extends providerCredential(CREDENTIAL) implements ICredentialType {
	name = 'verifiedWebhookApi';

	displayName = 'Verified Webhook API';

	icon = { light: 'file:../nodes/VerifiedWebhookTrigger/verifiedwebhook.svg', dark: 'file:../nodes/VerifiedWebhookTrigger/verifiedwebhook.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#verified-webhook-trigger';
}
