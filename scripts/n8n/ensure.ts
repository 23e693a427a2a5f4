/**
 * Installs (or finds in the cache) n8n and the Node it runs on, for `npm start`, the tests and the
 * bench: `npx tsx scripts/n8n/ensure.ts [<version> | --all]` (default: $N8N_VERSION, else 2.41.1;
 * `--all`: every version with a lock folder, one at a time). `node scripts/ensure-n8n.mjs` runs it
 * on a fresh clone (it installs the project's dependencies first).
 */
import { log } from './exec';
import { ensureN8n } from './install';
import { knownVersions } from './versions';

export async function main(argv: string[]): Promise<void> {
	const versions = argv.includes('--all') ? knownVersions() : [argv.find((a) => !a.startsWith('--'))];
	for (const version of versions) {
		const started = Date.now();
		const n8n = await ensureN8n(version);
		log(`n8n ${n8n.version} on Node ${n8n.node.version}: ${n8n.dir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((err: Error) => {
		process.stderr.write(`[n8n-runtime] ${err.message}\n`);
		process.exit(1);
	});
}
