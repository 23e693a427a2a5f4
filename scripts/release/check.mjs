#!/usr/bin/env node
/**
 * `npm run release:check`: builds, packs every publishable package into release/ (gitignored), and
 * checks each one as n8n's verification and installer would see it. Prints one line per package and
 * exits non-zero on any failure.
 *
 * Packages: n8n-nodes-verified-webhooks (all-in-one), one n8n-nodes-verified-webhooks-<service> per
 * provider of the registry plus -generic (the Verified Webhook Trigger), generated here (see
 * services.mjs), and the command, verified-webhooks (packages/cli).
 *
 * For each node package:
 * - n8n's scanner (@n8n/scan-community-package 0.32.0, see scan.mjs): its tarball pass on the
 *   unpacked tarball and its source pass on the sources it was built from (the repository for the
 *   all-in-one, the generated source tree for a per-service package): no error, no warning beyond
 *   the accepted ones (checks.cjs ACCEPTED_WARNINGS);
 * - its package.json (checks.cjs checkManifest) and its file list (nothing but nodes, credentials,
 *   icons, schemas; a per-service package exactly one node and one credential);
 * - installed as n8n 2.41.1 installs a community package (CommunityPackagesService.downloadPackage:
 *   the tarball unpacked into <nodes folder>/node_modules/<name>, its dev/peer/optional dependencies
 *   removed from package.json, then `npm install --audit=false --fund=false --bin-links=false
 *   --install-strategy=shallow --ignore-scripts=true --package-lock=false` in that folder), all of
 *   them side by side in one nodes folder, and its node and credential classes loaded (load.cjs);
 * - across packages: no credential type name defined twice (n8n keys them globally).
 * The command: its package.json, and its tarball installed into an empty folder runs `list`.
 * The Node-RED package (@verified-webhooks/node-red, packages/node-red): its package.json
 * (checkManifest, kind node-red), and its tarball installed into a fresh Node-RED user directory as
 * the palette manager installs it, where a real Node-RED loads every node set (node-red.mjs).
 *
 * Not checked here, because it cannot be before publishing: the scanner's provenance check (it reads
 * the attestation from the registry, which exists only once the release workflow has published with
 * --provenance) and its fetch of the attested source from GitHub. The release workflow runs the
 * scanner by name on every published node package after publishing.
 *
 * Options: --no-build (use the current dist/), --keep (leave release/build for inspection).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import checks from './checks.cjs';

const { checkManifest, checkNodeTarballFiles, checkNoClash, checkSingleService, githubRepository } = checks;
import { installAsN8n } from './install-as-n8n.mjs';
import { checkNodeRedInstall } from './node-red.mjs';
import { scan } from './scan.mjs';
import { findPackageRoot } from '@n8n/scan-community-package/scanner/scanner.mjs';
import { manifestStates } from './manifests.mjs';
import { buildServicePackages } from './services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const releaseDir = path.join(root, 'release');
const buildDir = path.join(releaseDir, 'build');
const args = new Set(process.argv.slice(2));
const npmCli = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? process.env.npm_execpath : undefined;

function npm(argv, cwd, extra = {}) {
	const [command, full] = npmCli ? [process.execPath, [npmCli, ...argv]] : ['npm', argv];
	return execFileSync(command, full, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...extra });
}

function pack(dir) {
	const [info] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', releaseDir], dir));
	return { tarball: path.join(releaseDir, info.filename), files: info.files.map((f) => f.path).sort() };
}

function unpack(tarball, dir) {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

function loadClasses(packageDir) {
	const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'release', 'load.cjs'), packageDir], {
		encoding: 'utf8',
		env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
	});
	if (result.status !== 0) return { nodes: [], credentials: [], problems: [`loading failed: ${(result.stderr || result.stdout).trim().split('\n')[0]}`] };
	return JSON.parse(result.stdout);
}

function nodeRedVersion() {
	return JSON.parse(readFileSync(path.join(root, 'node_modules', 'node-red', 'package.json'), 'utf8')).version;
}

function scanSummary(r) {
	return `${r.pass} ${r.errors.length} errors/${r.warnings.length} warnings`;
}

function scanProblems(r) {
	const problems = [];
	if (!r.passed) problems.push(`scanner ${r.pass} pass failed: ${String(r.details ?? '').trim().split('\n').slice(0, 6).join(' | ')}`);
	for (const m of r.errors) problems.push(`scanner ${r.pass} error ${m.file}:${m.line} ${m.ruleId}: ${m.message}`);
	for (const m of r.unaccepted) problems.push(`scanner ${r.pass} warning ${m.file}:${m.line} ${m.ruleId}: ${m.message}`);
	return problems;
}

async function main() {
	const started = Date.now();
	if (!args.has('--no-build')) {
		process.stdout.write('release:check: npm run build\n');
		npm(['run', 'build'], root, { stdio: ['ignore', 'ignore', 'inherit'] });
	}
	rmSync(releaseDir, { recursive: true, force: true });
	mkdirSync(buildDir, { recursive: true });
	const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const expected = { version: rootPkg.version, repository: githubRepository(rootPkg) };

	// the per-service packages, from the TypeScript sources, compiled in one tsc run
	const packages = [{ kind: 'node', name: rootPkg.name, dir: root, sourceDir: root, service: undefined }];
	for (const { service, dir, sourceDir } of buildServicePackages(root, buildDir)) packages.push({ kind: 'node', name: service.name, dir, sourceDir, service });
	// the README's Install section names every per-service package with its credential type
	const readmeRows = readFileSync(path.join(root, 'README.md'), 'utf8').split('\n').filter((l) => l.startsWith('|'));
	const readmeProblems = packages
		.filter((p) => p.service)
		.filter((p) => !readmeRows.some((row) => row.includes(`\`${p.name}\``) && row.includes(`\`${p.service.newCredentialName}\``)))
		.map((p) => `README.md's Install table has no row naming ${p.name} with its credential type ${p.service.newCredentialName}`);
	packages.push({ kind: 'cli', name: 'verified-webhooks', dir: path.join(root, 'packages', 'cli') });
	packages.push({ kind: 'node-red', name: '@verified-webhooks/node-red', dir: path.join(root, 'packages', 'node-red') });

	// The repository as GitHub serves it at this commit (what n8n's scanner downloads for the commit in
	// a package's provenance): the tracked files of HEAD.
	let headDir;
	const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
	if (head.status === 0) {
		headDir = path.join(buildDir, 'head');
		mkdirSync(headDir, { recursive: true });
		execFileSync('sh', ['-c', `git archive --format=tar HEAD | tar -x -C "${headDir}"`], { cwd: root });
	}
	const manifestProblems = new Map(
		manifestStates(root)
			.filter((m) => m.current !== m.expected)
			.map((m) => [m.service.name, `${path.relative(root, m.file)} is ${m.current === undefined ? 'missing' : 'out of date'} (node scripts/release/manifests.mjs writes it)`]),
	);

	const nodesFolder = path.join(buildDir, 'n8n', '.n8n', 'nodes');
	mkdirSync(nodesFolder, { recursive: true });
	const loaded = [];
	let failed = 0;
	for (const entry of packages) {
		const problems = [];
		const { tarball, files } = pack(entry.dir);
		const unpacked = path.join(buildDir, 'unpacked', entry.name);
		const pkg = unpack(tarball, unpacked);
		if (pkg.name !== entry.name) problems.push(`packed name ${pkg.name}, expected ${entry.name}`);
		problems.push(...checkManifest(pkg, { kind: entry.kind, files, expected }));
		let detail;
		if (entry.kind === 'node') {
			problems.push(...checkNodeTarballFiles(files));
			if (entry.service) problems.push(...checkSingleService(pkg, files));
			const tarballScan = await scan(unpacked, 'tarball');
			const sourceScan = await scan(entry.sourceDir, 'source');
			problems.push(...scanProblems(tarballScan), ...scanProblems(sourceScan));
			if (manifestProblems.has(pkg.name)) problems.push(manifestProblems.get(pkg.name));
			// the folder n8n's scanner would lint as this package's source, in the commit's files
			let attested = 'HEAD not checked (not a git checkout)';
			if (headDir) {
				const found = findPackageRoot(headDir, pkg.name);
				if (!found) {
					problems.push(`n8n's scanner would find no package.json named ${pkg.name} in the repository at HEAD ${head.stdout.trim()}: its source leg would fail`);
					attested = 'no source at HEAD';
				} else {
					const headScan = await scan(found, 'source');
					problems.push(...scanProblems(headScan));
					attested = `source at HEAD: ${path.relative(headDir, found) || '.'} (${headScan.files} files, ${headScan.errors.length} errors)`;
				}
			}
			const installed = installAsN8n(tarball, nodesFolder);
			const classes = loadClasses(installed);
			problems.push(...classes.problems);
			if (classes.nodes.length !== (pkg.n8n?.nodes ?? []).length || classes.credentials.length !== (pkg.n8n?.credentials ?? []).length) problems.push('not every node and credential of the n8n field loaded');
			loaded.push({ package: pkg.name, nodes: classes.nodes, credentials: classes.credentials });
			detail = `${classes.nodes.length} node${classes.nodes.length === 1 ? '' : 's'} (${classes.nodes.map((n) => n.name).join(', ')}), ${classes.credentials.length} credential${classes.credentials.length === 1 ? '' : 's'} (${classes.credentials.map((c) => c.name).join(', ')}); scanner: ${scanSummary(tarballScan)}, ${scanSummary(sourceScan)}; ${attested}`;
		} else if (entry.kind === 'node-red') {
			const result = await checkNodeRedInstall({ root, tarball, dir: path.join(buildDir, 'node-red'), npm, name: pkg.name, sets: pkg['node-red']?.nodes ?? {} });
			problems.push(...result.problems);
			detail = `Node-RED ${nodeRedVersion()}, installed into a fresh user directory as its palette manager installs: ${result.sets.length} node sets, ${result.types.length} node types loaded (${result.types.join(', ')})`;
		} else {
			const user = path.join(buildDir, 'cli-user');
			mkdirSync(user, { recursive: true });
			writeFileSync(path.join(user, 'package.json'), '{"name":"user","version":"1.0.0","private":true}');
			npm(['install', '--no-audit', '--no-fund', '--offline', tarball], user);
			const list = execFileSync(path.join(user, 'node_modules', '.bin', 'verified-webhooks'), ['list'], { cwd: user, encoding: 'utf8' });
			if (!list.includes('buzzbip')) problems.push('the installed command\'s list does not name buzzbip');
			detail = `command, installed into an empty folder: \`verified-webhooks list\` names ${list.trim().split('\n').length} lines`;
		}
		const size = readFileSync(tarball).length;
		const line = `${problems.length ? 'FAIL' : 'ok  '} ${pkg.name}@${pkg.version}  ${path.relative(root, tarball)} (${files.length} files, ${(size / 1024).toFixed(1)} kB): ${detail}`;
		process.stdout.write(`${line}\n`);
		for (const p of problems) process.stdout.write(`       - ${p}\n`);
		if (problems.length) failed++;
	}
	process.stdout.write(`${readmeProblems.length ? 'FAIL' : 'ok  '} README.md: its Install section names the ${packages.filter((p) => p.service).length} per-service packages and their credential types\n`);
	for (const p of readmeProblems) process.stdout.write(`       - ${p}\n`);
	if (readmeProblems.length) failed++;
	const clash = checkNoClash(loaded);
	process.stdout.write(`${clash.length ? 'FAIL' : 'ok  '} side by side: ${loaded.length} node packages in one nodes folder, ${loaded.reduce((n, l) => n + l.nodes.length, 0)} node types and ${loaded.reduce((n, l) => n + l.credentials.length, 0)} credential types, no credential type name twice\n`);
	for (const p of clash) process.stdout.write(`       - ${p}\n`);
	if (clash.length) failed++;
	process.stdout.write(`skipped: the scanner's provenance check and its fetch of the attested source (they read the registry's attestation, which only the release workflow's \`npm publish --provenance\` creates); .github/workflows/release.yml runs the scanner by name after publishing\n`);
	if (!args.has('--keep')) rmSync(buildDir, { recursive: true, force: true });
	process.stdout.write(`release:check: ${packages.length} packages, ${failed ? `${failed} FAILED` : 'all passed'} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
	process.exitCode = failed ? 1 : 0;
}

await main();
