/**
 * Prepares the compat stage (`npm run test:compat`): installs every n8n version that has a lock
 * folder in scripts/n8n/versions/ into the cache, one at a time, printing progress (cached
 * versions take 0 s). Cold, measured on 2 shared cores with a warm npm cache: 1.100.1 146 s,
 * 1.123.81 165 s, 2.0.3 160 s, 2.30.8 246 s.
 */
import { loadRuntime } from '../n8n/load.mjs';

export async function prepare() {
	const { ensureN8n, knownVersions, log } = loadRuntime();
	const versions = knownVersions();
	for (const [index, version] of versions.entries()) {
		const started = Date.now();
		log(`compat: n8n ${version} (${index + 1}/${versions.length}) …`);
		const n8n = await ensureN8n(version);
		log(`compat: n8n ${n8n.version} on Node ${n8n.node.version} ready (${((Date.now() - started) / 1000).toFixed(0)} s)`);
	}
}
