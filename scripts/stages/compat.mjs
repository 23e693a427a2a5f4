/**
 * Prepares the compat stage (`npm run test:compat`): every n8n version that has a lock folder in
 * scripts/n8n/versions/ installed into the cache, one at a time, as `node scripts/ensure-n8n.mjs
 * --all` does (cached versions take 0 s). Cold, measured on 2 shared cores with a warm npm cache:
 * 1.100.1 146 s, 1.123.81 165 s, 2.0.3 160 s, 2.30.8 246 s.
 * The stage itself, warm (every version cached; 2 shared cores, load 12): 1,222 s in all with the
 * build (jest 1,145 s): 1.100.1 286 s, 1.123.81 241 s, 2.0.3 197 s, 2.30.8 208 s, 2.41.1 171 s,
 * 49 cases each. On 1.x most of a version's time is the workflows made live one CLI process at a time.
 */
import { loadRuntime } from '../n8n/load.mjs';

export async function prepare() {
	await loadRuntime('ensure').main(['--all']);
}
