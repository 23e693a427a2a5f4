#!/usr/bin/env node
/**
 * The committed package.json of every per-service package, packages/<name>/package.json.
 *
 * Why committed although the packages are generated at release time: n8n's scanner, run by name
 * (as n8n runs it before verifying a package), reads the commit from the package's npm provenance,
 * downloads the repository at that commit from GitHub and looks for the folder whose package.json
 * has the package's name (`findPackageRoot` in @n8n/scan-community-package's scanner.mjs); without
 * one it fails ("Could not fetch the source repository recorded in the package's npm provenance").
 * These manifests are that folder; their `repository.directory` says where they are. The packages'
 * sources are the repository's own nodes/ and credentials/ (release:check lints the generated tree).
 *
 *   node scripts/release/manifests.mjs           write them (after npm run build)
 *   node scripts/release/manifests.mjs --check   exit 1 when one is missing or differs
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { serviceManifest, servicePackages } from './services.mjs';

export function manifestPath(root, service) {
	return path.join(root, 'packages', service.name, 'package.json');
}

/** [{ service, file, expected, current }] for every per-service package. */
export function manifestStates(root) {
	const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	return servicePackages(root).map((service) => {
		const file = manifestPath(root, service);
		const expected = `${JSON.stringify(serviceManifest(rootPkg, service), null, 2)}\n`;
		const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
		return { service, file, expected, current };
	});
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
	const check = process.argv.includes('--check');
	let stale = 0;
	for (const state of manifestStates(root)) {
		if (state.current === state.expected) continue;
		stale++;
		if (check) console.error(`${path.relative(root, state.file)} is ${state.current === undefined ? 'missing' : 'out of date'}`);
		else {
			mkdirSync(path.dirname(state.file), { recursive: true });
			writeFileSync(state.file, state.expected);
			console.log(`wrote ${path.relative(root, state.file)}`);
		}
	}
	if (check && stale) console.error('run `npm run build && node scripts/release/manifests.mjs`');
	process.exitCode = check && stale ? 1 : 0;
}
