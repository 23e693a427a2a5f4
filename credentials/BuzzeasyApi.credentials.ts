import type { ICredentialType } from 'n8n-workflow';

import { buzzeasy } from '../nodes/BuzzeasyTrigger/buzzeasy.definition';
import { providerCredential } from '../nodes/shared/credential';

/** The form comes from buzzeasy.credential (n8n's lint reads the literals below here). */
export class BuzzeasyApi extends providerCredential(buzzeasy.credential) implements ICredentialType {
	name = 'buzzeasyApi';

	displayName = 'Buzzeasy Webhook API';

	icon = { light: 'file:../nodes/BuzzeasyTrigger/buzzeasy.svg', dark: 'file:../nodes/BuzzeasyTrigger/buzzeasy.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#buzzeasy';
}
