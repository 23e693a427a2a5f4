#!/usr/bin/env node
/**
 * `npm run lint:n8n-node`: n8n's own `n8n-node lint` (@n8n/node-cli 0.48.3, the tool n8n asks
 * verified packages to use) on this package's sources.
 *
 * @n8n/node-cli brings ~600 packages (LangChain among them), so it is not a devDependency: its
 * pinned tree (scripts/release/node-cli/package-lock.json) is installed with `npm ci
 * --ignore-scripts` into a cache outside the repository, like the n8n runtime
 * ($VERIFIED_WEBHOOKS_CACHE or ~/.cache/n8n-nodes-verified-webhooks; ~2 min once, then nothing).
 *
 * `n8n-node lint` in strict mode (`n8n.strict: true`) refuses an eslint.config.mjs that differs
 * from its default (`import { config } from '@n8n/node-cli/eslint'`); this repository's config adds
 * rules of its own to the same community plugin. So the lint runs in a scratch folder holding what
 * n8n lints (package.json, tsconfig.json, nodes/, credentials/) with n8n's default config, and the
 * cached node_modules linked in. Its exit code is this script's.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pinned = path.join(root, 'scripts', 'release', 'node-cli');
const lock = readFileSync(path.join(pinned, 'package-lock.json'));
const cache = process.env.VERIFIED_WEBHOOKS_CACHE || path.join(homedir(), '.cache', 'n8n-nodes-verified-webhooks');
const dir = path.join(cache, `node-cli-${createHash('sha256').update(lock).digest('hex').slice(0, 16)}`);
const bin = path.join(dir, 'node_modules', '.bin', 'n8n-node');

function log(text) {
	process.stdout.write(`lint:n8n-node: ${text}\n`);
}

if (!existsSync(path.join(dir, '.installed'))) {
	const started = Date.now();
	const staging = `${dir}.partial-${process.pid}`;
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(staging, { recursive: true });
	cpSync(path.join(pinned, 'package.json'), path.join(staging, 'package.json'));
	cpSync(path.join(pinned, 'package-lock.json'), path.join(staging, 'package-lock.json'));
	log(`installing @n8n/node-cli (pinned lock) into ${dir}`);
	const install = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: staging, stdio: ['ignore', 'ignore', 'inherit'] });
	if (install.status !== 0) {
		log('npm ci of @n8n/node-cli failed');
		process.exit(1);
	}
	writeFileSync(path.join(staging, '.installed'), `${new Date().toISOString()}\n`);
	rmSync(dir, { recursive: true, force: true });
	renameSync(staging, dir);
	log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'vw-n8n-node-lint-'));
let status = 1;
try {
	for (const item of ['package.json', 'tsconfig.json', 'nodes', 'credentials']) cpSync(path.join(root, item), path.join(scratch, item), { recursive: true });
	cpSync(path.join(dir, 'node_modules', '@n8n', 'node-cli', 'dist', 'template', 'templates', 'shared', 'default', 'eslint.config.mjs'), path.join(scratch, 'eslint.config.mjs'));
	// node-cli's tree, plus what a checkout of this package also has installed: the devDependencies
	// its sources import (ioredis, n8n's own Redis client: see nodes/shared/redisStore.ts), which
	// n8n's lint resolves (import-x/no-unresolved) and allows (devDependencies are "bundled")
	mkdirSync(path.join(scratch, 'node_modules'));
	for (const entry of readdirSync(path.join(dir, 'node_modules'))) symlinkSync(path.join(dir, 'node_modules', entry), path.join(scratch, 'node_modules', entry));
	for (const imported of ['ioredis']) {
		const target = path.join(scratch, 'node_modules', imported);
		if (!existsSync(target)) symlinkSync(path.join(root, 'node_modules', imported), target, 'dir');
	}
	const version = JSON.parse(readFileSync(path.join(dir, 'node_modules', '@n8n', 'node-cli', 'package.json'), 'utf8')).version;
	log(`n8n-node lint (@n8n/node-cli ${version}) on package.json, nodes/, credentials/ with n8n's default eslint config`);
	const result = spawnSync(bin, ['lint'], { cwd: scratch, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
	status = result.status ?? 1;
} finally {
	rmSync(scratch, { recursive: true, force: true });
}
log(status === 0 ? 'passed' : `FAILED (exit ${status})`);
process.exitCode = status;
