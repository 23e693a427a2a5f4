/**
 * The n8n runtime (TypeScript, scripts/n8n/*.ts) for the plain-JS entry points (scripts/start.mjs,
 * scripts/test.mjs, scripts/ensure-n8n.mjs): loaded through tsx, a dev dependency, so call this only
 * after the project's dependencies are installed (ensureDepsOrExit from scripts/ensure-deps.mjs).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Loads `./<name>.ts` of this folder (default: index.ts, everything) and returns its exports. */
export function loadRuntime(name = 'index') {
	const tsx = require('tsx/cjs/api');
	return tsx.require(`./${name}.ts`, import.meta.url);
}
