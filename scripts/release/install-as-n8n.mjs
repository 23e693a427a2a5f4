#!/usr/bin/env node
/**
 * Installs a package tarball into an n8n nodes folder (`<user folder>/.n8n/nodes`) the way n8n
 * 2.41.1 installs a community package (CommunityPackagesService.downloadPackage in
 * n8n/dist/modules/community-packages/community-packages.service.js): the tarball unpacked into
 * node_modules/<name> with --strip-components=1, devDependencies, peerDependencies and
 * optionalDependencies removed from its package.json, then `npm install --audit=false --fund=false
 * --bin-links=false --install-strategy=shallow --ignore-scripts=true --package-lock=false` in that
 * folder, and the package recorded in the nodes folder's package.json. (n8n fetches the tarball with
 * `npm pack <name>@<version>` from the registry first; here it is a local file.)
 *
 * Usage: node scripts/release/install-as-n8n.mjs <nodes folder> <tarball> [tarball ...]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const npmCli = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? process.env.npm_execpath : undefined;

function npm(argv, cwd) {
	const [command, full] = npmCli ? [process.execPath, [npmCli, ...argv]] : ['npm', argv];
	return execFileSync(command, full, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Returns the installed package's folder. */
export function installAsN8n(tarball, nodesFolder) {
	const manifest = JSON.parse(execFileSync('tar', ['-xzOf', path.resolve(tarball), 'package/package.json'], { encoding: 'utf8' }));
	const packageDir = path.join(nodesFolder, 'node_modules', manifest.name);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	execFileSync('tar', ['-xzf', path.resolve(tarball), '-C', packageDir, '--strip-components=1']);
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = manifest;
	writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify(packageJson, null, 2), 'utf8');
	npm(['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'], packageDir);
	const ledgerFile = path.join(nodesFolder, 'package.json');
	const ledger = existsSync(ledgerFile) ? JSON.parse(readFileSync(ledgerFile, 'utf8')) : { name: 'installed-nodes', private: true, dependencies: {} };
	ledger.dependencies = { ...(ledger.dependencies ?? {}), [manifest.name]: manifest.version };
	writeFileSync(ledgerFile, `${JSON.stringify(ledger, null, 2)}\n`);
	return packageDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const [nodesFolder, ...tarballs] = process.argv.slice(2);
	if (!nodesFolder || tarballs.length === 0) {
		process.stderr.write('usage: install-as-n8n.mjs <nodes folder> <tarball> [tarball ...]\n');
		process.exit(2);
	}
	mkdirSync(nodesFolder, { recursive: true });
	for (const tarball of tarballs) process.stdout.write(`${installAsN8n(tarball, nodesFolder)}\n`);
}
