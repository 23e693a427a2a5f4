#!/usr/bin/env node
/**
 * Installs the project's own dependencies (`npm ci`) when node_modules is missing or stale, so that
 * `npm start` and `npm test` are the whole set-up on a fresh clone. Stale means package-lock.json
 * changed since the last install: each install leaves a stamp with the lock's SHA-256 inside
 * node_modules (removed with it), and a matching stamp means nothing to do.
 *
 * Node built-ins only: it runs before anything from node_modules can be loaded. npm is the one that
 * runs the calling script (npm_execpath), else the `npm` on the PATH.
 *
 * Used at the very top of scripts/test.mjs and scripts/start.mjs; `node scripts/ensure-deps.mjs`
 * runs it alone (CI does).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP_NAME = '.verified-webhooks-deps.json';

export function depsState(root = REPO_ROOT) {
	const lockFile = path.join(root, 'package-lock.json');
	const nodeModules = path.join(root, 'node_modules');
	const stampFile = path.join(nodeModules, STAMP_NAME);
	const lockSha256 = createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex');
	let reason;
	if (!fs.existsSync(nodeModules)) reason = 'node_modules is missing';
	else {
		let stamp;
		try {
			stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
		} catch {
			stamp = undefined;
		}
		if (!stamp) reason = 'node_modules was not installed by npm start / npm test (no install stamp)';
		else if (stamp.lockSha256 !== lockSha256) reason = 'package-lock.json changed since the last install';
	}
	return { lockSha256, stampFile, reason };
}

function npmCommand() {
	const execPath = process.env.npm_execpath;
	if (execPath && /npm-cli\.js$/.test(execPath) && fs.existsSync(execPath)) return { command: process.execPath, args: [execPath] };
	return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [], shell: process.platform === 'win32' };
}

/** Installs when needed; returns whether it installed. Throws when the install fails. */
export function ensureDeps(root = REPO_ROOT) {
	const { lockSha256, stampFile, reason } = depsState(root);
	if (!reason) return false;
	process.stderr.write(`[verified-webhooks] installing the project's dependencies (npm ci): ${reason}\n`);
	const started = Date.now();
	const npm = npmCommand();
	const result = spawnSync(npm.command, [...npm.args, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: npm.shell });
	if (result.error) throw new Error(`could not run npm ci: ${result.error.message}`);
	if (result.status !== 0) throw new Error(`npm ci failed (exit ${result.status ?? result.signal})`);
	fs.writeFileSync(stampFile, `${JSON.stringify({ lockSha256, node: process.version, installedAt: new Date().toISOString() }, null, 2)}\n`);
	process.stderr.write(`[verified-webhooks] dependencies installed (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
	return true;
}

/** For the scripts: installs when needed, or prints why it could not and exits. */
export function ensureDepsOrExit() {
	try {
		ensureDeps();
	} catch (error) {
		process.stderr.write(`[verified-webhooks] ${error.message}\n`);
		process.exit(1);
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) ensureDepsOrExit();
