import type { ICredentialType } from 'n8n-workflow';

import { tracebuzz } from '../nodes/TracebuzzTrigger/tracebuzz.definition';
import { providerCredential } from '../nodes/shared/credential';

/** The form comes from tracebuzz.credential (n8n's lint reads the literals below here). */
export class TracebuzzApi extends providerCredential(tracebuzz.credential) implements ICredentialType {
	name = 'tracebuzzApi';

	displayName = 'Tracebuzz Webhook API';

	icon = { light: 'file:../nodes/TracebuzzTrigger/tracebuzz.svg', dark: 'file:../nodes/TracebuzzTrigger/tracebuzz.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#tracebuzz';
}
