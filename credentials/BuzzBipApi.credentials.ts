import type { ICredentialType } from 'n8n-workflow';

import { buzzBip } from '../nodes/BuzzBipTrigger/buzzbip.definition';
import { providerCredential } from '../nodes/shared/credential';

/** The form comes from buzzBip.credential (n8n's lint reads the literals below here). */
export class BuzzBipApi extends providerCredential(buzzBip.credential) implements ICredentialType {
	name = 'buzzBipApi';

	displayName = 'BuzzBip Webhook API';

	icon = { light: 'file:../nodes/BuzzBipTrigger/buzzbip.svg', dark: 'file:../nodes/BuzzBipTrigger/buzzbip.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#buzzbip';
}
