/**
 * The per-service packages, generated at release time from the provider registry (PROVIDERS in
 * nodes/shared/providers.ts, compiled in dist/) plus the Verified Webhook Trigger.
 *
 * Naming: `n8n-nodes-verified-webhooks-<provider id>` (the Verified Webhook Trigger:
 * `n8n-nodes-verified-webhooks-generic`). One prefix with the all-in-one package and the repository,
 * so the family sorts together on npm and none looks like the provider's own official node; the
 * provider's name stays in the package name and keywords for search.
 *
 * Credential types are global in n8n (keyed by their bare `name`, not by package), so each
 * per-service package renames its credential type: `chatzuriApi` (all-in-one) becomes
 * `verifiedWebhooksChatzuriApi` (class VerifiedWebhooksChatzuriApi). The node keeps its name
 * (`chatzuriTrigger`): node types are keyed by package, so
 * `n8n-nodes-verified-webhooks-chatzuri.chatzuriTrigger` cannot clash.
 *
 * Each package is made from the TypeScript sources: the node's import closure (its folder, the
 * shared core it imports) and its credential are copied to release/build/src/<package>, the
 * credential's type name rewritten there, compiled with tsc, and given the node folder's icons and
 * output schema from dist/, a package.json and a README of its own.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import readme from './readme.cjs';

const require = createRequire(import.meta.url);

export const PACKAGE_PREFIX = 'n8n-nodes-verified-webhooks-';

/**
 * The Redis dedupe store's credential, which every trigger offers: each per-service package carries
 * it too, renamed like its provider credential (`verifiedWebhooksRedisApi` becomes
 * `verifiedWebhooksChatzuriRedisApi`), so that packages installed side by side define no
 * credential type twice. The packages that import ioredis (n8n's own, found through NODE_PATH)
 * list it in devDependencies, as the all-in-one does: n8n's scanner allows those imports.
 */
export const REDIS_CREDENTIAL = { className: 'VerifiedWebhooksRedisApi', name: 'verifiedWebhooksRedisApi' };

function pascal(name) {
	return `${name[0].toUpperCase()}${name.slice(1)}`;
}

/** The credential class (file) of the repository whose `name = '<credentialName>'`. */
function credentialClassFor(root, credentialName) {
	for (const file of readdirSync(path.join(root, 'credentials'))) {
		if (!file.endsWith('.credentials.ts')) continue;
		const text = readFileSync(path.join(root, 'credentials', file), 'utf8');
		if (new RegExp(`\\bname = '${credentialName}';`).test(text)) return file.slice(0, -'.credentials.ts'.length);
	}
	throw new Error(`no credentials/*.credentials.ts defines ${credentialName}`);
}

/** One entry per per-service package, in the registry's order, then the Verified Webhook Trigger. */
export function servicePackages(root) {
	const { PROVIDERS } = require(path.join(root, 'dist', 'nodes', 'shared', 'providers.js'));
	const services = Object.values(PROVIDERS).map((definition) => ({
		id: definition.provider,
		displayName: definition.displayName,
		nodeName: definition.nodeName,
		nodeClass: pascal(definition.nodeName),
		credentialName: definition.credential.name,
		readmeHeading: `### ${definition.displayName}`,
		definition,
	}));
	const { CREDENTIAL } = require(path.join(root, 'dist', 'nodes', 'VerifiedWebhookTrigger', 'verifiedWebhook.definition.js'));
	services.push({
		id: 'generic',
		displayName: 'Verified Webhook',
		nodeName: 'verifiedWebhookTrigger',
		nodeClass: 'VerifiedWebhookTrigger',
		credentialName: CREDENTIAL.name,
		readmeHeading: '## Verified Webhook Trigger',
	});
	return services.map((service) => serviceEntry(service, credentialClassFor(root, service.credentialName)));
}

/**
 * A per-service package's names from its provider's (`id`, `displayName`, `nodeName`, `nodeClass`,
 * `credentialName`) and the class of its credential in this repository.
 */
export function serviceEntry(service, credentialClass) {
	{
		// chatzuriApi → VerifiedWebhooksChatzuriApi, buzzBipApi → VerifiedWebhooksBuzzBipApi; the generic
		// trigger's verifiedWebhookApi → VerifiedWebhooksGenericApi
		const base = service.id === 'generic' ? 'Generic' : pascal(service.credentialName.replace(/Api$/, ''));
		const newCredentialClass = `VerifiedWebhooks${base}Api`;
		const newRedisCredentialClass = `VerifiedWebhooks${base}RedisApi`;
		return {
			...service,
			name: `${PACKAGE_PREFIX}${service.id}`,
			credentialClass,
			newCredentialClass,
			newCredentialName: `${newCredentialClass[0].toLowerCase()}${newCredentialClass.slice(1)}`,
			newRedisCredentialClass,
			newRedisCredentialName: `${newRedisCredentialClass[0].toLowerCase()}${newRedisCredentialClass.slice(1)}`,
		};
	}
}

/** The repository's .ts files a source file imports, transitively (relative imports only). */
export function importClosure(root, entries) {
	const seen = new Set();
	const queue = entries.map((e) => path.resolve(root, e));
	while (queue.length) {
		const file = queue.pop();
		if (seen.has(file)) continue;
		seen.add(file);
		const text = readFileSync(file, 'utf8');
		for (const match of text.matchAll(/(?:from|import)\s*'(\.{1,2}\/[^']+)'/g)) {
			const target = path.resolve(path.dirname(file), `${match[1]}.ts`);
			if (!existsSync(target)) throw new Error(`${path.relative(root, file)} imports ${match[1]}, not found as .ts`);
			queue.push(target);
		}
	}
	return [...seen].map((f) => path.relative(root, f)).sort();
}

/** Replaces every whole-string literal `'from'` with `'to'`; returns the text and how many were replaced. */
function replaceLiteral(text, from, to) {
	let count = 0;
	const next = text.replace(new RegExp(`(['"\`])${from}\\1`, 'g'), (_m, q) => {
		count++;
		return `${q}${to}${q}`;
	});
	return { text: next, count };
}

/**
 * Writes the TypeScript source tree of one per-service package into `srcDir`: the node's folder
 * closure and its credential, the credential type renamed. Returns the list of copied sources.
 */
export function writeServiceSources(root, service, srcDir) {
	const nodeEntry = `nodes/${service.nodeClass}/${service.nodeClass}.node.ts`;
	const credentialEntry = `credentials/${service.credentialClass}.credentials.ts`;
	const redisEntry = `credentials/${REDIS_CREDENTIAL.className}.credentials.ts`;
	const sources = importClosure(root, [nodeEntry, credentialEntry, redisEntry]);
	const renames = [
		{ from: service.credentialName, to: service.newCredentialName, entry: credentialEntry, fromClass: service.credentialClass, toClass: service.newCredentialClass, count: 0 },
		{ from: REDIS_CREDENTIAL.name, to: service.newRedisCredentialName, entry: redisEntry, fromClass: REDIS_CREDENTIAL.className, toClass: service.newRedisCredentialClass, count: 0 },
	];
	// the Redis credential shows the provider credential's icon (the generic trigger's is not in the package)
	const iconLine = /^\ticon = .*$/m;
	const providerIcon = readFileSync(path.join(root, credentialEntry), 'utf8').match(iconLine)?.[0];
	if (!providerIcon) throw new Error(`${credentialEntry} has no icon line`);
	for (const source of sources) {
		let text = readFileSync(path.join(root, source), 'utf8');
		let target = source;
		if (source === redisEntry) text = text.replace(iconLine, providerIcon);
		for (const rename of renames) {
			const named = replaceLiteral(text, rename.from, rename.to);
			text = named.text;
			rename.count += named.count;
			// the credential test's name, as a string (testedBy) or as the method's own name
			text = text.replace(new RegExp(`\\b${rename.from}Test\\b`, 'g'), () => {
				rename.count++;
				return `${rename.to}Test`;
			});
			if (source === rename.entry) {
				const classPattern = new RegExp(`export class ${rename.fromClass}\\b`);
				if (!classPattern.test(text)) throw new Error(`${source} does not declare class ${rename.fromClass}`);
				text = text.replace(classPattern, `export class ${rename.toClass}`);
				target = `credentials/${rename.toClass}.credentials.ts`;
			}
		}
		mkdirSync(path.dirname(path.join(srcDir, target)), { recursive: true });
		writeFileSync(path.join(srcDir, target), text);
	}
	// the credential's name, the node's credentials[].name and (where spelled) the definition's name
	for (const rename of renames) if (rename.count < 2) throw new Error(`${service.name}: the credential type ${rename.from} was renamed in only ${rename.count} place(s)`);
	// icons beside the node, as the all-in-one package has them (its credential's icon points there)
	for (const file of readdirSync(path.join(root, 'nodes', service.nodeClass))) {
		if (/\.(svg|png)$/.test(file)) cpSync(path.join(root, 'nodes', service.nodeClass, file), path.join(srcDir, 'nodes', service.nodeClass, file));
	}
	return sources;
}

/** The package.json of a per-service package, from the all-in-one's. */
export function serviceManifest(rootPkg, service) {
	const keywords = ['n8n-community-node-package', 'n8n', 'webhook', 'hmac', 'signature'];
	if (service.id !== 'generic') keywords.push(service.id);
	else keywords.push('github', 'stripe', 'slack', 'shopify', 'standard-webhooks');
	const description =
		service.id === 'generic'
			? 'n8n trigger for signed webhooks (GitHub, Stripe, Slack, Shopify, Standard Webhooks or your own HMAC or secret-header scheme) that verifies every request and never starts a workflow twice for the same event.'
			: `n8n trigger for ${service.displayName} webhooks that verifies every request, validates and normalizes the payload, and never starts a workflow twice for the same event.`;
	return {
		name: service.name,
		version: rootPkg.version,
		description,
		keywords,
		license: rootPkg.license,
		homepage: rootPkg.homepage,
		// where this package.json is committed (manifests.mjs): n8n's scanner looks for it there
		repository: { ...rootPkg.repository, directory: `packages/${service.name}` },
		bugs: rootPkg.bugs,
		author: rootPkg.author,
		engines: rootPkg.engines,
		files: ['dist/nodes', 'dist/credentials', '!dist/**/*.map', '!dist/**/*.d.ts'],
		n8n: {
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: [`dist/credentials/${service.newCredentialClass}.credentials.js`, `dist/credentials/${service.newRedisCredentialClass}.credentials.js`],
			nodes: [`dist/nodes/${service.nodeClass}/${service.nodeClass}.node.js`],
		},
		peerDependencies: { 'n8n-workflow': '*' },
		// the Redis dedupe store's client is n8n's own (redisStore.ts): imported, never installed
		devDependencies: { ioredis: rootPkg.devDependencies.ioredis },
	};
}

/** The tsconfig that compiles every per-service source tree in one run (one tsc start, not six). */
export function writeTsconfig(root, buildDir) {
	const base = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
	const config = {
		compilerOptions: {
			...base.compilerOptions,
			declaration: false,
			sourceMap: false,
			rootDir: 'src',
			outDir: 'out',
			typeRoots: [path.join(root, 'node_modules', '@types')],
			// n8n-workflow and zod resolve from the repository's node_modules wherever the build folder is
			baseUrl: '.',
			paths: { '*': [path.join(root, 'node_modules', '*')] },
		},
		include: ['src/*/nodes/**/*.ts', 'src/*/credentials/**/*.ts'],
	};
	writeFileSync(path.join(buildDir, 'tsconfig.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** After tsc: the package folder, with dist/ (compiled, icons, schema), package.json, README, LICENSE. */
export function assemblePackage(root, rootPkg, service, buildDir) {
	const pkgDir = path.join(buildDir, 'pkg', service.name);
	mkdirSync(pkgDir, { recursive: true });
	cpSync(path.join(buildDir, 'out', service.name), path.join(pkgDir, 'dist'), { recursive: true });
	const nodeDist = path.join(root, 'dist', 'nodes', service.nodeClass);
	for (const file of readdirSync(nodeDist)) {
		if (/\.(svg|png)$/.test(file)) cpSync(path.join(nodeDist, file), path.join(pkgDir, 'dist', 'nodes', service.nodeClass, file));
	}
	if (existsSync(path.join(nodeDist, '__schema__'))) cpSync(path.join(nodeDist, '__schema__'), path.join(pkgDir, 'dist', 'nodes', service.nodeClass, '__schema__'), { recursive: true });
	const manifest = serviceManifest(rootPkg, service);
	writeFileSync(path.join(pkgDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	writeFileSync(path.join(pkgDir, 'README.md'), readme.renderReadme(readFileSync(path.join(root, 'README.md'), 'utf8'), service, rootPkg));
	cpSync(path.join(root, 'LICENSE'), path.join(pkgDir, 'LICENSE'));
	// the source tree the scanner's source pass lints, with the same package.json
	writeFileSync(path.join(buildDir, 'src', service.name, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	return pkgDir;
}

/**
 * Generates the per-service packages (all, or the ids in `only`) into `buildDir`: sources, one tsc
 * run, assembled package folders. Needs dist/ (npm run build). Returns [{ service, dir, sourceDir }].
 */
export function buildServicePackages(root, buildDir, only) {
	const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const services = servicePackages(root).filter((s) => !only || only.includes(s.id));
	if (only && services.length !== only.length) throw new Error(`unknown service id among ${only.join(', ')}`);
	mkdirSync(buildDir, { recursive: true });
	for (const service of services) writeServiceSources(root, service, path.join(buildDir, 'src', service.name));
	writeTsconfig(root, buildDir);
	execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(buildDir, 'tsconfig.json')], { cwd: buildDir, stdio: ['ignore', 'inherit', 'inherit'] });
	return services.map((service) => ({ service, dir: assemblePackage(root, rootPkg, service, buildDir), sourceDir: path.join(buildDir, 'src', service.name) }));
}
