/**
 * The registered providers with their real node and credential classes, loaded from the files the
 * registry names (providerFiles): every suite that runs "each provider" takes its list from here,
 * so that a provider added to nodes/shared/providers.ts is tested everywhere, and one whose files
 * are missing fails loudly instead of being skipped.
 */
import { existsSync } from 'fs';
import { join } from 'path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { providerFiles, type RegisteredProvider } from '../../nodes/shared/definition';
import { PROVIDERS } from '../../nodes/shared/providers';

export const REPO_ROOT = join(__dirname, '..', '..');

/** The class a file exports under `name`; throws, naming the file, when either is missing. */
export function loadClass<T>(file: string, name: string, provider: string): new () => T {
	const path = join(REPO_ROOT, file);
	if (!existsSync(path)) throw new Error(`provider "${provider}": ${file} is missing (npm run new-provider scaffolds it)`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = (require(path) as Record<string, unknown>)[name];
	if (typeof exported !== 'function') throw new Error(`provider "${provider}": ${file} does not export the class ${name} (n8n loads only the export named after the file)`);
	return exported as new () => T;
}

export interface RegisteredNode {
	id: string;
	definition: RegisteredProvider;
	node: INodeType;
	files: ReturnType<typeof providerFiles>;
}

export function nodeOf(definition: RegisteredProvider): INodeType {
	const files = providerFiles(definition);
	return new (loadClass<INodeType>(files.nodeFile, files.nodeClass, definition.provider))();
}

export function credentialOf(definition: RegisteredProvider): ICredentialType {
	const files = providerFiles(definition);
	return new (loadClass<ICredentialType>(files.credentialFile, files.credentialClass, definition.provider))();
}

/** Every registered provider, in the registry's order, with an instance of its node file's class. */
export const REGISTERED: RegisteredNode[] = Object.entries(PROVIDERS).map(([id, definition]) => ({
	id,
	definition,
	node: nodeOf(definition),
	files: providerFiles(definition),
}));

/** The nodes by provider id. */
export const NODES: Record<string, INodeType> = Object.fromEntries(REGISTERED.map((entry) => [entry.id, entry.node]));
