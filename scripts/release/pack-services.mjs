#!/usr/bin/env node
/**
 * Packs per-service packages (see services.mjs) into a folder, for the end-to-end suite that
 * installs them beside the all-in-one package. Needs dist/ (npm run build).
 *
 * Usage: node scripts/release/pack-services.mjs <out dir> [service id ...]   (none: all)
 * Prints the tarballs' paths as a JSON array on its last line.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildServicePackages } from './services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'release'));
const only = process.argv.length > 3 ? process.argv.slice(3) : undefined;
const buildDir = path.join(out, 'build');
rmSync(buildDir, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const tarballs = buildServicePackages(root, buildDir, only).map(({ dir }) => {
	const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
	return path.join(out, info.filename);
});
rmSync(buildDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(tarballs)}\n`);
