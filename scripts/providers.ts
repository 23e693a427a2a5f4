/**
 * What tooling (the benchmarks, the end-to-end suite) needs to run a provider's trigger in a real
 * n8n, derived from the registry alone: node and credential types, credential data for a secret of
 * its own, and the sample text field to pad.
 */
import type { RegisteredProvider } from '../nodes/shared/definition';
import { PROVIDERS } from '../nodes/shared/providers';

/** The package name n8n prefixes node types with. */
export const PACKAGE_NAME = 'n8n-nodes-verified-webhooks';

export interface E2eTarget {
	provider: string;
	nodeType: string;
	displayName: string;
	credentialType: string;
	/** Credential data for n8n (the definition's field names). */
	credential: Record<string, string>;
	/** The secret a genuine sender uses, and the previous one (rotation). */
	secret: { secret: string; headerName?: string };
	previousSecret: { secret: string; headerName?: string };
}

/** A provider's node in n8n with a credential whose secrets start with `prefix`. */
export function e2eTarget(definition: RegisteredProvider, prefix: string, headerName = `X-${definition.displayName.replace(/[^A-Za-z0-9]/g, '')}-Secret`): E2eTarget {
	const { credential } = definition;
	const current = `${prefix}-${definition.provider}-current`;
	const previous = `${prefix}-${definition.provider}-previous`;
	const named = credential.headerName ? headerName : undefined;
	return {
		provider: definition.provider,
		nodeType: `${PACKAGE_NAME}.${definition.nodeName}`,
		displayName: definition.displayName,
		credentialType: credential.name,
		credential: { ...(credential.headerName ? { [credential.headerName]: headerName } : {}), [credential.secret]: current, [credential.previousSecret]: previous },
		secret: { secret: current, headerName: named },
		previousSecret: { secret: previous, headerName: named },
	};
}

/** Every registered provider as a target, in the registry's order. */
export function e2eTargets(prefix: string): E2eTarget[] {
	return Object.values(PROVIDERS).map((definition) => e2eTarget(definition, prefix));
}
