#!/usr/bin/env node
/**
 * `npm start`: builds the package, packs it, installs the tarball into a local n8n user folder
 * (./.n8n-local, gitignored) the way Community Nodes would, and runs n8n (2.41.1 unless told
 * otherwise) on http://127.0.0.1:5678 with its embedded SQLite database. Node and n8n are installed
 * into a cache outside the repo on first use (several minutes), then reused. Ctrl-C stops n8n.
 *
 * Another n8n: `npm start -- --n8n-version=1.123.81` or `N8N_VERSION=1.123.81 npm start` (any
 * version with a lock folder in scripts/n8n/versions/); it gets its own user folder,
 * ./.n8n-local/n8n-<version>, so that one version's database never meets another's migrations.
 *
 * Environment: N8N_PORT (default 5678); anything else n8n reads (N8N_*) is passed through.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureDepsOrExit } from './ensure-deps.mjs';
import { loadRuntime } from './n8n/load.mjs';

// First: the project's own dependencies (npm ci when node_modules is missing or stale).
ensureDepsOrExit();

// The runtime is TypeScript, run through tsx (a dev dependency): loaded once the dependencies are in.
const { DEFAULT_N8N_VERSION, DEFAULT_OWNER, NODE_SEARCH_TERM, REPO_ROOT, ensureN8n, installPackageTarball, log, npmCliPath, packRepo, registerCommunityPackage, requestedVersion, run, setUpOwnerIfAsked, startN8n, trustMachineCaInNodesFolder, versionManifest, waitFor, waitForHealthy } =
	loadRuntime();

/** `--n8n-version=X` or `--n8n-version X`, else $N8N_VERSION, else the default. */
function n8nVersionArgument(argv) {
	const index = argv.findIndex((a) => a === '--n8n-version' || a.startsWith('--n8n-version='));
	if (index < 0) return undefined;
	const value = argv[index].includes('=') ? argv[index].slice(argv[index].indexOf('=') + 1) : argv[index + 1];
	if (!value) {
		process.stderr.write('--n8n-version needs a version, e.g. --n8n-version=1.123.81\n');
		process.exit(2);
	}
	return value;
}
const n8nVersion = requestedVersion(n8nVersionArgument(process.argv.slice(2)));
try {
	versionManifest(n8nVersion);
} catch (error) {
	process.stderr.write(`${error.message}\n`);
	process.exit(2);
}

const port = Number(process.env.N8N_PORT || 5678);
const localRoot = path.join(REPO_ROOT, '.n8n-local');
const userFolder = n8nVersion === DEFAULT_N8N_VERSION ? localRoot : path.join(localRoot, `n8n-${n8nVersion}`);
const encryptionKeyFile = path.join(userFolder, 'encryption-key');
const logFile = path.join(userFolder, 'n8n.log');

// Progress goes to the terminal as one short line per step; the output of each step (tsc, npm,
// n8n's migrations and start-up) only shows when that step fails.
log('building the package (npm run build) …');
await run(process.execPath, [npmCliPath(), 'run', 'build'], { cwd: REPO_ROOT, quiet: true, label: 'npm run build' });

const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verified-webhooks-pack-'));
const tgz = await packRepo(packDir);

const n8n = await ensureN8n(n8nVersion);

fs.mkdirSync(userFolder, { recursive: true });
// Replace the installed copy with this build: as a reinstall from Community Nodes would.
fs.rmSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-verified-webhooks'), { recursive: true, force: true });
await installPackageTarball(userFolder, tgz);
await trustMachineCaInNodesFolder(userFolder);
fs.rmSync(packDir, { recursive: true, force: true });
log(`installed ${path.basename(tgz)} into ${path.join(userFolder, '.n8n', 'nodes')}`);

// One key per local folder, kept beside it, so saved credentials stay readable across starts.
if (!fs.existsSync(encryptionKeyFile)) fs.writeFileSync(encryptionKeyFile, `${randomUUID()}${randomUUID()}`, { mode: 0o600 });
const encryptionKey = fs.readFileSync(encryptionKeyFile, 'utf8').trim();

const passThrough = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('N8N_') && key !== 'N8N_PORT' && key !== 'N8N_USER_FOLDER' && key !== 'N8N_VERSION'));
const startOptions = { port, userFolder, encryptionKey, logFile, env: passThrough };

// Listed in Settings → Community nodes, as after an install from that page.
const registered = await registerCommunityPackage(n8n, startOptions);

const startedAt = Date.now();
const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
const handle = startN8n(n8n, startOptions);
log(`starting n8n ${n8n.version} (Node ${n8n.node.version}) on port ${port}; its output goes to ${logFile}`);

/** What n8n wrote to its log during this start. */
function thisStartsLog() {
	try {
		const fd = fs.openSync(logFile, 'r');
		try {
			const size = fs.fstatSync(fd).size;
			const buffer = Buffer.alloc(Math.max(0, size - logStart));
			fs.readSync(fd, buffer, 0, buffer.length, logStart);
			return buffer.toString('utf8');
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		return '';
	}
}

function logTail(lines = 40) {
	const text = thisStartsLog().trimEnd();
	return text ? text.split('\n').slice(-lines).join('\n') : '(n8n wrote nothing)';
}

let stopping = false;
async function shutdown(signal) {
	if (stopping) return;
	stopping = true;
	log(`${signal}: stopping n8n …`);
	await handle.stop();
	log('n8n stopped');
	process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));

try {
	await waitForHealthy(handle, { timeoutMs: 180000 });
	// /healthz answers before the editor and the webhooks are ready: wait for n8n to say so.
	await waitFor(
		() => {
			if (handle.exitInfo) throw Object.assign(new Error(`n8n exited (${JSON.stringify(handle.exitInfo)})`), { fatal: true });
			return thisStartsLog().includes('Editor is now accessible');
		},
		{ timeoutMs: 120000, what: 'the editor' },
	);
	// n8n 1.x ignores N8N_INSTANCE_OWNER_*: the owner printed below is set up as its first screen would
	await setUpOwnerIfAsked(`http://127.0.0.1:${port}`, DEFAULT_OWNER);
} catch (error) {
	if (!stopping) {
		// waitForHealthy's message carries the log already: print the reason and one tail only.
		process.stderr.write(`\n${error.message.split('\n')[0].replace(/:$/, '')}\n--- the end of n8n's log (${logFile}) ---\n${logTail()}\n---\n`);
		await handle.stop();
		process.exit(1);
	}
}

const url = `http://127.0.0.1:${port}`;
const names = registered.nodes.map((node) => node.name);
process.stdout.write(
	[
		'',
		`  n8n ${n8n.version} is ready (${Math.round((Date.now() - startedAt) / 1000)} s): ${url}`,
		`  Sign in:   ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`,
		`  Nodes:     ${names.join(', ')}`,
		`             in the node panel, search "${NODE_SEARCH_TERM}"; Settings → Community nodes lists ${registered.packageName} ${registered.installedVersion}`,
		'  Try one:   add a Chatzuri Trigger, give it a credential, click Listen for test event, copy its Test URL, then run here:',
		`             VERIFIED_WEBHOOKS_SECRET=<the credential's Secret Key> npx verified-webhooks send chatzuri message.received --url ${url}/webhook-test/<id>/webhook`,
		`  n8n's log: ${logFile}`,
		`  Data (workflows, credentials, SQLite) stays in ${userFolder}. Ctrl-C stops n8n.`,
		'',
	].join('\n') + '\n',
);

const exit = await handle.exited;
if (!stopping) {
	process.stderr.write(`\nn8n exited on its own (${JSON.stringify(exit)})\n--- the end of n8n's log (${logFile}) ---\n${logTail()}\n---\n`);
	await handle.stop();
	process.exit(exit.code ?? 1);
}
