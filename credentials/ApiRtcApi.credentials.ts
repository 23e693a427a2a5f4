import type { ICredentialType } from 'n8n-workflow';

import { apiRtc } from '../nodes/ApiRtcTrigger/apirtc.definition';
import { providerCredential } from '../nodes/shared/credential';

/** The form comes from apiRtc.credential (n8n's lint reads the literals below here). */
export class ApiRtcApi extends providerCredential(apiRtc.credential) implements ICredentialType {
	name = 'apiRtcApi';

	displayName = 'ApiRTC Webhook API';

	icon = { light: 'file:../nodes/ApiRtcTrigger/apirtc.svg', dark: 'file:../nodes/ApiRtcTrigger/apirtc.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks#apirtc';
}
