/**
 * Prepares the `editor` stage (test/editor): Debian's chromium (apt-get, when /usr/bin/chromium is
 * missing; non-interactive, quiet, as .ci/run installs the C++ toolchain) and n8n 2.41.1 in the cache.
 * playwright-core (a devDependency) drives that chromium: no Playwright browser download.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

import { loadRuntime } from '../n8n/load.mjs';

export const CHROMIUM = '/usr/bin/chromium';

export async function prepare() {
	const { ensureN8n, log } = loadRuntime();
	if (!fs.existsSync(CHROMIUM)) {
		const since = Date.now();
		log('editor: installing Debian chromium (apt-get)');
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
		execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
		log(`editor: chromium installed (${((Date.now() - since) / 1000).toFixed(0)} s)`);
	}
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after apt-get install chromium`);
	const n8n = await ensureN8n();
	log(`editor: n8n ${n8n.version} ready`);
}
