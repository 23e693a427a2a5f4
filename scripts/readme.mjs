#!/usr/bin/env node
/**
 * Writes the generated sections of README.md (events, item fields, example items) from the
 * compiled provider definitions. Run after `npm run build`:
 *
 *   node scripts/readme.mjs           rewrite README.md
 *   node scripts/readme.mjs --check   exit 1 if README.md is out of date
 *
 *   node scripts/readme.mjs --source  the same from the TypeScript sources (through tsx), no build
 *
 * The rendering itself lives in scripts/docs/render.cjs, which the jest test uses with the
 * TypeScript sources, so the two cannot disagree.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = path.join(root, 'dist', 'nodes', 'shared');
const readmePath = path.join(root, 'README.md');
const check = process.argv.includes('--check');

const fromSource = process.argv.includes('--source');
if (fromSource) {
	// tsx's CommonJS hook: require() then loads the .ts sources
	require('tsx/cjs/api').register();
} else if (!existsSync(path.join(shared, 'providers.js')) || !existsSync(path.join(shared, 'outputSchema.js'))) {
	console.error('scripts/readme.mjs: dist/ is missing; run `npm run build` first (or pass --source)');
	process.exit(2);
}

const modules = fromSource ? path.join(root, 'nodes', 'shared') : shared;
const { PROVIDERS } = require(path.join(modules, fromSource ? 'providers.ts' : 'providers.js'));
const { outputJsonSchema } = require(path.join(modules, fromSource ? 'outputSchema.ts' : 'outputSchema.js'));
const { bodyKey } = require(path.join(modules, 'core', fromSource ? 'deliveryKey.ts' : 'deliveryKey.js'));
const { renderAll, updateReadme, readSection } = require(path.join(root, 'scripts', 'docs', 'render.cjs'));

const sections = renderAll(PROVIDERS, outputJsonSchema, bodyKey);
const current = readFileSync(readmePath, 'utf8');
let next;
try {
	next = updateReadme(current, sections);
} catch (error) {
	console.error(`scripts/readme.mjs: ${error.message}`);
	process.exit(1);
}

if (check) {
	if (next === current) {
		console.log('README.md is up to date');
		process.exit(0);
	}
	const stale = Object.keys(sections).filter((id) => readSection(current, id) !== sections[id]);
	console.error(`README.md is out of date (generated sections: ${stale.join(', ')}); run \`npm run build && node scripts/readme.mjs\``);
	process.exit(1);
}

if (next === current) {
	console.log('README.md is up to date');
} else {
	writeFileSync(readmePath, next);
	console.log(`README.md updated (${Object.keys(sections).length} generated sections)`);
}
