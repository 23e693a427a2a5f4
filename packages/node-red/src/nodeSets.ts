/**
 * The Node-RED node types of the package, derived from the provider registry
 * (nodes/shared/providers.ts) and the Verified Webhook Trigger: one trigger node and one config
 * node (its secrets) per provider, and one pair for the presets and custom scheme. The runtime
 * (runtime.ts) and the editor files (editor.ts, at build time) are both made from this list.
 */
import { CREDENTIAL } from '../../../nodes/VerifiedWebhookTrigger/verifiedWebhook.definition';
import type { ProviderDefinition, RegisteredProvider } from '../../../nodes/shared/definition';
import { PROVIDERS } from '../../../nodes/shared/providers';

export interface NodeSet {
	/** The node set's name (package.json `node-red.nodes`), and its files' base name. */
	id: string;
	/** The trigger node's type. */
	type: string;
	/** The config node's type (the secrets). */
	secretsType: string;
	displayName: string;
	/** The icon file, as nodes/<Class>/ holds it; copied into the package's icons/. */
	icon: string;
	/** The provider's definition; undefined for the Verified Webhook Trigger (made from the node's settings). */
	definition?: ProviderDefinition;
	/** The credential fields: the names credentialSecrets reads. */
	credential: RegisteredProvider['credential'];
	/** The default path the node listens on. */
	defaultPath: string;
}

export const GENERIC_ID = 'verified-webhook';

export function nodeSets(): NodeSet[] {
	const sets: NodeSet[] = Object.values(PROVIDERS).map((definition) => ({
		id: `${definition.provider}-webhook`,
		type: `${definition.provider}-webhook`,
		secretsType: `${definition.provider}-webhook-secrets`,
		displayName: definition.displayName,
		icon: definition.icon,
		definition: definition as ProviderDefinition,
		credential: definition.credential,
		defaultPath: `/${definition.provider}`,
	}));
	sets.push({
		id: GENERIC_ID,
		type: GENERIC_ID,
		secretsType: `${GENERIC_ID}-secrets`,
		displayName: 'Verified Webhook',
		icon: 'verifiedwebhook.svg',
		credential: CREDENTIAL,
		defaultPath: '/verified-webhook',
	});
	return sets;
}

export function nodeSet(id: string): NodeSet {
	const found = nodeSets().find((set) => set.id === id);
	if (!found) throw new Error(`no Node-RED node set "${id}"`);
	return found;
}
