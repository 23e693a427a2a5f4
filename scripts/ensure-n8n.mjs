#!/usr/bin/env node
/**
 * Installs (or finds in the cache) n8n and the Node it runs on, for `npm start` and the tests:
 * `node scripts/ensure-n8n.mjs [<version> | --all]` (default: $N8N_VERSION, else 2.41.1). Works
 * on a fresh clone: the project's dependencies are installed first (the runtime runs with tsx).
 */
import { ensureDepsOrExit } from './ensure-deps.mjs';
import { loadRuntime } from './n8n/load.mjs';

ensureDepsOrExit();
await loadRuntime('ensure').main(process.argv.slice(2)).catch((error) => {
	process.stderr.write(`[n8n-runtime] ${error.message}\n`);
	process.exit(1);
});
