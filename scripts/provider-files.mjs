/**
 * The files of one provider as `npm run new-provider` writes them: the thin node and credential
 * classes, whose few literals n8n's lint reads in the file itself. Everything else comes from the
 * provider's definition (nodes/shared/createTrigger.ts, nodes/shared/credential.ts).
 */

export const SUBTITLE = '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}';
export const README_URL = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks';

/** `p` as the names of one provider: id `zebra`, display name `Zebra` → ZebraTrigger, zebraApi, … */
export function names(id, displayName) {
	const words = displayName.split(/[^A-Za-z0-9]+/).filter(Boolean);
	const pascal = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
	const camel = pascal.charAt(0).toLowerCase() + pascal.slice(1);
	return {
		id,
		displayName,
		camel,
		nodeName: `${camel}Trigger`,
		nodeClass: `${pascal}Trigger`,
		credentialName: `${camel}Api`,
		credentialClass: `${pascal}Api`,
		icon: `${id}.svg`,
		darkIcon: `${id}.dark.svg`,
		anchor: displayName.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-'),
	};
}

export function nodeFile(n) {
	return `import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildDescription, providerTrigger } from '../shared/createTrigger';
import { ${n.camel} } from './${n.id}.definition';

/** The ${n.displayName} Trigger: everything it does is declared in ${n.id}.definition.ts (n8n's lint reads the literals below here). */
export class ${n.nodeClass} extends providerTrigger(${n.camel}) implements INodeType {
	description: INodeTypeDescription = {
		...buildDescription(${n.camel}),
		icon: { light: 'file:${n.icon}', dark: 'file:${n.darkIcon}' },
		subtitle: '${SUBTITLE}',
		credentials: [{ name: '${n.credentialName}', required: true, testedBy: '${n.credentialName}Test' }, { name: 'verifiedWebhooksRedisApi', required: false, testedBy: 'verifiedWebhooksRedisApiTest', displayOptions: { show: { 'options.dedupeStore': ['redis'] } } }],
	};
}
`;
}

export function credentialFile(n) {
	return `import type { ICredentialType } from 'n8n-workflow';

import { ${n.camel} } from '../nodes/${n.nodeClass}/${n.id}.definition';
import { providerCredential } from '../nodes/shared/credential';

/** The form comes from ${n.camel}.credential (n8n's lint reads the literals below here). */
export class ${n.credentialClass} extends providerCredential(${n.camel}.credential) implements ICredentialType {
	name = '${n.credentialName}';

	displayName = '${n.displayName} Webhook API';

	icon = { light: 'file:../nodes/${n.nodeClass}/${n.icon}', dark: 'file:../nodes/${n.nodeClass}/${n.darkIcon}' } as const;

	documentationUrl = '${README_URL}#${n.anchor}';
}
`;
}
