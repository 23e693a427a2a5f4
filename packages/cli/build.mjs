/**
 * Builds the `verified-webhooks` package: type-checks its sources (tsc, tsconfig.json here), then
 * bundles them with the core they use (../../nodes/shared/core, the providers, the credentials'
 * defaults: the same sources as the trigger nodes) into dist/index.js (the command) and dist/lib.js
 * (the library). The bundles need nothing at run time but Node itself: no `dependencies`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = path.join(here, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.json')], { stdio: 'inherit' });
fs.rmSync(path.join(here, 'dist'), { recursive: true, force: true });
await build({
	entryPoints: { index: path.join(here, 'src', 'index.ts'), lib: path.join(here, 'src', 'lib.ts') },
	outdir: path.join(here, 'dist'),
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	// n8n-workflow is imported for types only; anything else it were asked for at run time fails the build
	external: [],
	logLevel: 'warning',
	legalComments: 'none',
});
fs.chmodSync(path.join(here, 'dist', 'index.js'), 0o755);
