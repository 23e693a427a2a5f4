/**
 * The queue stage's installs, outside jest: Debian's PostgreSQL server and redis-server when they
 * are missing (apt-get, non-interactive, without starting Debian's own services: the suite starts
 * its own on free loopback ports, test/queue/services.ts), and n8n 2.41.1 in the cache.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { loadRuntime } from '../n8n/load.mjs';

function hasPostgres() {
	const root = '/usr/lib/postgresql';
	return fs.existsSync(root) && fs.readdirSync(root).some((major) => fs.existsSync(path.join(root, major, 'bin', 'postgres')));
}

const hasRedis = () => ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].some((f) => fs.existsSync(f));

export async function prepare() {
	const { ensureN8n, log } = loadRuntime();
	const missing = [...(hasPostgres() ? [] : ['postgresql']), ...(hasRedis() ? [] : ['redis-server'])];
	if (missing.length) {
		const started = Date.now();
		log(`queue: installing Debian's ${missing.join(' and ')} (apt-get)`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		// the packages' scripts would start Debian's own postgres (5432) and redis (6379): a
		// policy-rc.d that says no keeps them stopped, as in Docker images; removed again after
		const policy = '/usr/sbin/policy-rc.d';
		const ownPolicy = !fs.existsSync(policy);
		if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
		try {
			execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
			execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
		} finally {
			if (ownPolicy) fs.rmSync(policy, { force: true });
		}
		if (!hasPostgres() || !hasRedis()) throw new Error(`apt-get installed ${missing.join(', ')} but the binaries are still missing`);
		log(`queue: ${missing.join(' and ')} installed (${Math.round((Date.now() - started) / 1000)} s)`);
	}
	const n8n = await ensureN8n('2.41.1');
	log(`queue: n8n ${n8n.version} on Node ${n8n.node.version} ready`);
}
