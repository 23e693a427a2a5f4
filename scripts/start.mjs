#!/usr/bin/env node
/**
 * `npm start`: builds the package, packs it, installs the tarball into a local n8n user folder
 * (./.n8n-local, gitignored) the way Community Nodes would, and runs n8n 2.41.1 on
 * http://127.0.0.1:5678 with its embedded SQLite database. Node 24 and n8n are installed into a
 * cache outside the repo on first use (several minutes), then reused. Ctrl-C stops n8n.
 *
 * Environment: N8N_PORT (default 5678); anything else n8n reads (N8N_*) is passed through.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureDepsOrExit } from './ensure-deps.mjs';
import { DEFAULT_OWNER, REPO_ROOT, ensureN8n, installPackageTarball, log, npmCliPath, packRepo, run, startN8n, waitFor, waitForHealthy } from './n8n-runtime.mjs';

// First: the project's own dependencies (npm ci when node_modules is missing or stale).
ensureDepsOrExit();

const port = Number(process.env.N8N_PORT || 5678);
const userFolder = path.join(REPO_ROOT, '.n8n-local');
const encryptionKeyFile = path.join(userFolder, 'encryption-key');

log('building the package (npm run build) …');
await run(process.execPath, [npmCliPath(), 'run', 'build'], { cwd: REPO_ROOT, label: 'npm run build' });

const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verified-webhooks-pack-'));
const tgz = await packRepo(packDir);
log(`packed ${path.basename(tgz)}`);

const n8n = await ensureN8n();

fs.mkdirSync(userFolder, { recursive: true });
// Replace the installed copy with this build: as a reinstall from Community Nodes would.
fs.rmSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-verified-webhooks'), { recursive: true, force: true });
await installPackageTarball(userFolder, tgz);
fs.rmSync(packDir, { recursive: true, force: true });
log(`installed into ${path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-verified-webhooks')}`);

// One key per local folder, kept beside it, so saved credentials stay readable across starts.
if (!fs.existsSync(encryptionKeyFile)) fs.writeFileSync(encryptionKeyFile, `${randomUUID()}${randomUUID()}`, { mode: 0o600 });
const encryptionKey = fs.readFileSync(encryptionKeyFile, 'utf8').trim();

const passThrough = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('N8N_') && key !== 'N8N_PORT' && key !== 'N8N_USER_FOLDER'));
const handle = startN8n(n8n, { port, userFolder, encryptionKey, logFile: path.join(userFolder, 'n8n.log'), env: passThrough });
log(`starting n8n ${n8n.version} (Node ${n8n.node.version}); its log: ${handle.logFile}`);

// Show n8n's own output as it comes.
let shown = 0;
const follow = setInterval(() => {
	try {
		const text = fs.readFileSync(handle.logFile, 'utf8');
		if (text.length > shown) {
			process.stdout.write(text.slice(shown));
			shown = text.length;
		}
	} catch {
		/* not there yet */
	}
}, 500);

let stopping = false;
async function shutdown(signal) {
	if (stopping) return;
	stopping = true;
	log(`${signal}: stopping n8n …`);
	await handle.stop();
	clearInterval(follow);
	log('n8n stopped');
	process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));

try {
	await waitForHealthy(handle, { timeoutMs: 180000 });
	// /healthz answers before the editor and the webhooks are ready: wait for n8n to say so.
	await waitFor(() => fs.readFileSync(handle.logFile, 'utf8').includes('Editor is now accessible'), { timeoutMs: 120000, what: 'the editor' }).catch(() => undefined);
	await new Promise((r) => setTimeout(r, 600));
	process.stdout.write(
		[
			'',
			`  n8n is running: open http://127.0.0.1:${port} `,
			`  sign in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password} (a local owner account)`,
			'  the five Verified Webhooks triggers are in the node panel (search "Trigger": Buzzeasy, Tracebuzz, Chatzuri, BuzzBip, ApiRTC)',
			`  data (workflows, credentials, SQLite) stays in ${userFolder}; Ctrl-C stops n8n`,
			'',
		].join('\n') + '\n',
	);
} catch (error) {
	clearInterval(follow);
	log(error.message);
	await handle.stop();
	process.exit(1);
}

const exit = await handle.exited;
if (!stopping) {
	clearInterval(follow);
	log(`n8n exited on its own (${JSON.stringify(exit)})`);
	await handle.stop();
	process.exit(exit.code ?? 1);
}
