import type { ICredentialType } from 'n8n-workflow';

import { chatzuri } from '../nodes/ChatzuriTrigger/chatzuri.definition';
import { providerCredential } from '../nodes/shared/credential';

/** The form comes from chatzuri.credential (n8n's lint reads the literals below here). */
export class ChatzuriApi extends providerCredential(chatzuri.credential) implements ICredentialType {
	name = 'chatzuriApi';

	displayName = 'Chatzuri Webhook API';

	icon = { light: 'file:../nodes/ChatzuriTrigger/chatzuri.svg', dark: 'file:../nodes/ChatzuriTrigger/chatzuri.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#chatzuri';
}
