/**
 * n8n installed into the cache: one folder per (n8n version, lock file, Node version),
 * `<cache>/n8n-<version>-<hash>`, filled with `npm ci --ignore-scripts` from the version's lock
 * folder (scripts/n8n/versions/<version>/), then the native modules n8n needs (sqlite3, and
 * isolated-vm where the tree has it) rebuilt for that Node. A stamp written last marks it done.
 *
 * An install made before this layout (`<cache>/n8n-<16 hex>`, named by a hash of the old
 * test/e2e/n8n files) is adopted when its lock is the same tree on the same Node: the new name
 * becomes a symbolic link to it, so nothing is installed again and the old name keeps working.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

import { cacheDir, isLocked, stampOf, withLock, writeStamp } from './cache';
import { elapsed, log, npmCliPath, readJson, run } from './exec';
import { ensureNode, nodeEnv, type NodeInstall } from './node';
import { versionManifest, type VersionManifest } from './versions';

export interface N8nInstall {
	node: NodeInstall;
	/** The install folder (holds node_modules/n8n). */
	dir: string;
	/** The n8n version installed there. */
	version: string;
	n8nPackageDir: string;
	n8nBin: string;
}

export interface InstallStamp {
	n8n: string;
	node: string;
	lockHash?: string;
	seconds?: number;
	at?: string;
	adoptedFrom?: string;
}

/** The native modules n8n loads, rebuilt for its Node (those of them that its tree has). */
const NATIVE_MODULES = ['sqlite3', 'isolated-vm'];

/** A lock's tree, without the name and version of its root (a folder's label, not the tree). */
function canonicalLock(lockFile: string): string {
	const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
	const root = { ...(lock.packages?.[''] ?? {}) };
	delete root.name;
	delete root.version;
	return JSON.stringify({ lockfileVersion: lock.lockfileVersion, packages: { ...lock.packages, '': root } });
}

export function installHash(manifest: VersionManifest): string {
	return crypto.createHash('sha256').update(canonicalLock(manifest.lockFile)).update(`node ${manifest.nodeVersion}`).digest('hex').slice(0, 12);
}

export function installDirFor(manifest: VersionManifest): string {
	return path.join(cacheDir(), `n8n-${manifest.version}-${installHash(manifest)}`);
}

function n8nInfo(node: NodeInstall, dir: string): N8nInstall {
	const n8nPackageDir = path.join(dir, 'node_modules', 'n8n');
	const version = readJson<{ version: string }>(path.join(n8nPackageDir, 'package.json'))?.version;
	if (!version) throw new Error(`${n8nPackageDir} has no package.json`);
	return { node, dir, version, n8nPackageDir, n8nBin: path.join(n8nPackageDir, 'bin', 'n8n') };
}

/**
 * Makes sure n8n `version` (default: $N8N_VERSION, else 2.41.1) is installed in the cache, on the
 * Node its lock folder names, with its native modules built for that Node.
 */
export async function ensureN8n(version?: string): Promise<N8nInstall> {
	const manifest = versionManifest(version);
	const node = await ensureNode(manifest.nodeVersion);
	const dir = installDirFor(manifest);
	if (stampOf(dir)) return n8nInfo(node, dir);
	return withLock(`${dir}.lock`, `installing n8n ${manifest.version}`, async () => {
		if (stampOf(dir)) return n8nInfo(node, dir);
		if (await adoptEarlierInstall(manifest, dir)) return n8nInfo(node, dir);
		return installN8n(manifest, node, dir);
	});
}

/** The finished install of `version`, if any, without installing anything. */
export function findInstalledN8n(version?: string): { manifest: VersionManifest; dir: string; stamp?: InstallStamp } {
	const manifest = versionManifest(version);
	const dir = installDirFor(manifest);
	return { manifest, dir, stamp: stampOf<InstallStamp>(dir) };
}

/** Links `dir` to a finished install of the old layout that holds the same tree on the same Node. */
async function adoptEarlierInstall(manifest: VersionManifest, dir: string): Promise<boolean> {
	const root = cacheDir();
	let entries: string[] = [];
	try {
		entries = await fsp.readdir(root);
	} catch {
		return false;
	}
	const wanted = canonicalLock(manifest.lockFile);
	for (const entry of entries) {
		if (!/^n8n-[0-9a-f]{16}$/.test(entry)) continue;
		const full = path.join(root, entry);
		const stamp = stampOf<InstallStamp>(full);
		if (!stamp || stamp.n8n !== manifest.version || stamp.node.replace(/^v/, '') !== manifest.nodeVersion) continue;
		if (isLocked(`${full}.lock`) || !fs.lstatSync(full).isDirectory()) continue;
		try {
			if (canonicalLock(path.join(full, 'package-lock.json')) !== wanted) continue;
		} catch {
			continue;
		}
		await fsp.rm(dir, { recursive: true, force: true });
		await fsp.symlink(entry, dir);
		log(`n8n ${manifest.version}: using the earlier install ${full} (same tree, same Node) as ${dir}`);
		return true;
	}
	return false;
}

async function installN8n(manifest: VersionManifest, node: NodeInstall, dir: string): Promise<N8nInstall> {
	const started = Date.now();
	const logFile = `${dir}.install.log`;
	log(`n8n ${manifest.version} on Node ${node.version}: installing into ${dir} (about 4-6 min for npm ci, 1-4 min to build its native modules; log: ${logFile})`);
	await fsp.rm(dir, { recursive: true, force: true });
	await fsp.mkdir(dir, { recursive: true });
	await fsp.writeFile(logFile, '');
	await fsp.copyFile(manifest.packageJsonFile, path.join(dir, 'package.json'));
	await fsp.copyFile(manifest.lockFile, path.join(dir, 'package-lock.json'));
	const env = nodeEnv(node);
	const npm = npmCliPath();

	// A Kafka native build in n8n's tree tries to download zlib: no install scripts here, and
	// only the native modules n8n needs are built afterwards.
	log('  npm ci --ignore-scripts …');
	await run(node.bin, [npm, 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: dir, env, logFile, label: `npm ci (n8n ${manifest.version})` });
	const natives = NATIVE_MODULES.filter((name) => fs.existsSync(path.join(dir, 'node_modules', name, 'package.json')));
	const ciSeconds = Math.round((Date.now() - started) / 1000);
	log(`  npm ci done (${elapsed(started)}); building ${natives.join(' and ')} for Node ${node.version} …`);
	const buildStarted = Date.now();
	await run(node.bin, [npm, 'rebuild', ...natives, '--ignore-scripts=false', '--foreground-scripts'], { cwd: dir, env, logFile, label: `npm rebuild ${natives.join(' ')}` });
	log(`  native build done (${elapsed(buildStarted)}); checking that they load …`);
	await run(node.bin, ['-e', `${natives.map((n) => `require(${JSON.stringify(n)});`).join(' ')} console.log('native modules load')`], { cwd: dir, env, logFile, label: 'native module check' });
	const info = n8nInfo(node, dir);
	if (info.version !== manifest.version) throw new Error(`installed n8n ${info.version}, expected ${manifest.version}`);
	writeStamp(dir, {
		n8n: info.version,
		node: node.version,
		lockHash: installHash(manifest),
		seconds: Math.round((Date.now() - started) / 1000),
		npmCiSeconds: ciSeconds,
		nativeBuildSeconds: Math.round((Date.now() - buildStarted) / 1000),
	});
	log(`n8n ${info.version} ready (${elapsed(started)})`);
	await pruneOtherInstalls(manifest, dir);
	return info;
}

/** Removes this version's installs for other lock files or Node versions (each is 1.5-2.5 GB). */
async function pruneOtherInstalls(manifest: VersionManifest, keep: string): Promise<void> {
	const root = cacheDir();
	const prefix = `n8n-${manifest.version}-`;
	for (const entry of await fsp.readdir(root)) {
		const full = path.join(root, entry);
		if (!entry.startsWith(prefix) || !/^[0-9a-f]{12}$/.test(entry.slice(prefix.length)) || full === keep || isLocked(`${full}.lock`)) continue;
		log(`  removing the install of n8n ${manifest.version} for another lock file: ${full}`);
		await fsp.rm(full, { recursive: true, force: true });
		await fsp.rm(`${full}.install.log`, { force: true });
	}
}
