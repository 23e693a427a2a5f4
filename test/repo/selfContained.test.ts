/**
 * The repository stands on its own: no tracked file reads anything outside it at build or test
 * time (a user's clone has nothing beside it). Every code, config and shell file that git tracks is
 * scanned for
 * - the names of the old way in: the seeds folder of the project's workspace and its variable;
 * - a relative path that resolves above the repository's root: a string literal `../…` (against the
 *   file's folder for a module specifier, against the file's folder and the root, the usual working
 *   directory, for any other path), a `join`/`resolve` chain from `__dirname`, the module's own URL
 *   or the repo root whose `'..'` steps climb above the root, a shell path that does;
 * - an absolute path into a user's or a workspace's folders (`/work/…`, `/home/…`, `~/…`).
 * Not dependencies, so not flagged: URLs, `node_modules/…` names, caches the project fills itself
 * from the npm registry (npm's own cache, the n8n runtime under ~/.cache, os.tmpdir()), and paths
 * built from something other than the repo (`path.dirname(process.execPath)`).
 *
 * This file holds the patterns it looks for, as examples of the detector: it is the one file the
 * scan leaves out.
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { extname, join, posix, relative } from 'path';

import { DOCUMENT_EXAMPLES } from '../fixtures';

const ROOT = join(__dirname, '..', '..');
const THIS_FILE = relative(ROOT, __filename).split('\\').join('/');

const FORBIDDEN_NAMES: Array<[RegExp, string]> = [
	[/shared\/seeds/i, 'names the seeds folder outside the repository'],
	[/\bSEEDS_DIR\b/, 'names the variable that pointed outside the repository'],
];
const ABSOLUTE_OUTSIDE = /^(?:\/(?:work|home|Users|root|mnt)\/|~\/)/;
const MODULE_SPECIFIER_BEFORE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\brequire\.resolve\s*\(\s*|\bjest\.(?:mock|requireActual|doMock)\s*\(\s*)$/;
/** A chain's start: the file's own folder, or the repository's root. */
const CHAIN =
	/\b(?:path\.)?(?:join|resolve)\(\s*(__dirname|import\.meta\.dirname|(?:path\.)?dirname\(\s*(?:url\.)?fileURLToPath\(\s*import\.meta\.url\s*\)\s*\)|(?:[\w$]+\.)?(?:REPO_ROOT|ROOT))((?:\s*,\s*(?:'[^'\n]*'|"[^"\n]*"))*)/g;

export interface Finding {
	file: string;
	line: number;
	reason: string;
	text: string;
}

type Kind = 'code' | 'json' | 'shell';

export function kindOf(file: string, text: string): Kind | undefined {
	const ext = extname(file);
	if (['.ts', '.js', '.mjs', '.cjs'].includes(ext)) return 'code';
	if (ext === '.json') return 'json';
	if (file === '.ci/run' || ext === '.sh' || ext === '.bash' || /^#!.*\b(?:ba|da|z)?sh\b/.test(text.split('\n', 1)[0])) return 'shell';
	return undefined;
}

/** How far below the root a folder is (`''` is the root), after walking `segments`; -1 once above it. */
function depthAfter(startDir: string, segments: string[]): number {
	let depth = startDir === '' || startDir === '.' ? 0 : startDir.split('/').length;
	for (const segment of segments) {
		if (segment === '..') depth--;
		else if (segment !== '.' && segment !== '') depth++;
		if (depth < 0) return -1;
	}
	return depth;
}

const segmentsOf = (literal: string) => literal.split('/');
const escapes = (startDir: string, literal: string) => depthAfter(startDir, segmentsOf(literal)) < 0;

/** Every reference in one tracked file's text to something outside the repository. */
export function findOutsideReferences(file: string, text: string): Finding[] {
	const kind = kindOf(file, text);
	if (!kind) return [];
	const dir = posix.dirname(file);
	const findings: Finding[] = [];
	const lines = text.split('\n');
	lines.forEach((line, index) => {
		const found = (reason: string) => findings.push({ file, line: index + 1, reason, text: line.trim().slice(0, 160) });
		for (const [pattern, reason] of FORBIDDEN_NAMES) if (pattern.test(line)) found(reason);

		if (kind === 'shell') {
			if (/^\s*#/.test(line)) return;
			// `$(dirname "$0")/..` climbs from the script's folder; a bare `../x` from the working
			// directory, the root (.ci/run starts by going there).
			for (const m of line.matchAll(/\$\(\s*dirname\s+"?\$(?:0|\{BASH_SOURCE\[0\]\})"?\s*\)((?:\/[^\s"';)]*)?)/g)) {
				if (escapes(dir, m[1])) found(`climbs above the repository from the script's folder: ${m[0]}`);
			}
			for (const m of line.matchAll(/(?:^|[\s"'=:(])((?:\.\.\/[^\s"';)]*)|\.\.)(?=$|[\s"';)])/g)) {
				if (escapes('', m[1])) found(`a path above the repository: ${m[1]}`);
			}
			for (const m of line.matchAll(/(?:^|[\s"'=:(])((?:\/(?:work|home|Users|root|mnt)\/|~\/)[^\s"';)]*)/g)) found(`an absolute path outside the repository: ${m[1]}`);
			return;
		}

		for (const m of line.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
			const literal = m[1] ?? m[2] ?? m[3] ?? '';
			if (literal.includes('://')) continue;
			if (ABSOLUTE_OUTSIDE.test(literal)) {
				found(`an absolute path outside the repository: ${literal}`);
				continue;
			}
			if (!/^\.\.?\//.test(literal)) continue;
			// a template's fixed part only, up to its last whole folder before a `${`
			const fixed = literal.includes('${') ? literal.slice(0, literal.indexOf('${')).replace(/[^/]*$/, '') : literal;
			const isSpecifier = kind === 'code' && MODULE_SPECIFIER_BEFORE.test(line.slice(0, m.index));
			if (escapes(dir, fixed)) found(`a relative path above the repository (from ${dir}/): ${literal}`);
			// a JSON config's paths (tsconfig's extends, rootDir) are relative to its own folder only
			else if (!isSpecifier && !file.endsWith('.json') && escapes('', fixed)) found(`a relative path above the repository (from the root, the working directory): ${literal}`);
		}
	});
	// chains may span lines: match on the whole text, report the line they start on
	if (kind === 'code') {
		for (const m of text.matchAll(CHAIN)) {
			const start = /REPO_ROOT|ROOT/.test(m[1]) ? '' : dir;
			const steps = [...m[2].matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)].flatMap((s) => segmentsOf(s[1] ?? s[2]));
			if (depthAfter(start, steps) < 0) {
				const line = text.slice(0, m.index).split('\n').length;
				findings.push({ file, line, reason: `a path chain that climbs above the repository (from ${start || 'the root'})`, text: m[0].replace(/\s+/g, ' ').slice(0, 160) });
			}
		}
	}
	return findings;
}

function trackedFiles(): string[] {
	return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
}

describe('the repository stands on its own', () => {
	it('no tracked file reads anything outside the repository', () => {
		const files = trackedFiles().filter((file) => file !== THIS_FILE);
		const scanned = files.filter((file) => kindOf(file, readFileSync(join(ROOT, file), 'utf8')));
		// the scan sees what it should: code, config, the CI script
		expect(scanned).toEqual(expect.arrayContaining(['.ci/run', 'package.json', 'jest.config.js', 'scripts/test.mjs', 'tsconfig.json', 'nodes/shared/pipeline.ts']));
		const findings = scanned.flatMap((file) => findOutsideReferences(file, readFileSync(join(ROOT, file), 'utf8')));
		expect(findings.map((f) => `${f.file}:${f.line}: ${f.reason}: ${f.text}`)).toEqual([]);
	});

	it('every provider example names the document and the section it comes from', () => {
		const examples = Object.entries(DOCUMENT_EXAMPLES).flatMap(([provider, list]) => list.map((example) => ({ provider, example })));
		expect(examples.length).toBeGreaterThanOrEqual(5);
		for (const { provider, example } of examples) {
			expect(example.provider.toLowerCase()).toContain(provider);
			expect(example.document.trim()).not.toBe('');
			expect(example.section.trim()).not.toBe('');
			expect(example.body).toEqual(expect.any(Object));
		}
	});
});

describe('the detector', () => {
	// the folder's name spelled in two parts, so that a plain search of the tracked files for the
	// old way in (as the project's before-stop check does) does not find these examples
	const SEEDS = 'se' + 'eds';
	const reasons = (file: string, text: string) => findOutsideReferences(file, text).map((f) => f.reason);

	it('finds the old way in to the provider documents (test/helpers/seeds.ts)', () => {
		const old = [
			"import { readFileSync } from 'fs';",
			"import { join } from 'path';",
			`/** The providers' own documents, read from ../shared/${SEEDS} beside the repository. */`,
			`export const SEEDS_DIR = process.env.SEEDS_DIR ?? join(__dirname, '..', '..', '..', 'shared', '${SEEDS}');`,
		].join('\n');
		const found = findOutsideReferences('test/helpers/seeds.ts', old);
		expect(found.map((f) => f.line)).toEqual([3, 4, 4]);
		expect(found.map((f) => f.reason)).toEqual([
			'names the seeds folder outside the repository',
			'names the variable that pointed outside the repository',
			'a path chain that climbs above the repository (from test/helpers)',
		]);
	});

	it("reads a JSON config's paths from its own folder", () => {
		expect(reasons('packages/cli/tsconfig.json', '{ "extends": "../../tsconfig.json", "rootDir": "../.." }')).toEqual([]);
		expect(reasons('packages/cli/tsconfig.json', '{ "extends": "../../../shared/tsconfig.json" }')).toHaveLength(1);
	});

	it('finds each way out of the repository', () => {
		expect(reasons('test/x.test.ts', "const doc = readFileSync('../shared/SPEC.md', 'utf8');")).toEqual([
			'a relative path above the repository (from the root, the working directory): ../shared/SPEC.md',
		]);
		expect(reasons('scripts/x.mjs', "import notes from '../../shared/notes.mjs';")).toEqual(['a relative path above the repository (from scripts/): ../../shared/notes.mjs']);
		expect(reasons('scripts/x.mjs', "const p = path.join(REPO_ROOT, '..', 'shared');")).toHaveLength(1);
		expect(reasons('scripts/x.cjs', "const p = require('path').resolve(\n\t__dirname,\n\t'../..',\n\t'elsewhere',\n);")).toEqual([
			'a relative path above the repository (from scripts/): ../..',
			'a path chain that climbs above the repository (from scripts)',
		]);
		expect(reasons('scripts/x.mjs', "const p = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');")).toHaveLength(1);
		expect(reasons('jest.config.js', 'const spec = `../${name}/SPEC.md`;')).toHaveLength(1);
		expect(reasons('test/x.ts', "const spec = '/work/shared/SPEC.md';")).toEqual(['an absolute path outside the repository: /work/shared/SPEC.md']);
		expect(reasons('tsconfig.json', '{ "extends": "../tsconfig.base.json" }')).toHaveLength(1);
		expect(reasons('.ci/run', `cp -r ../shared/${SEEDS} test/`)).toEqual([
			'names the seeds folder outside the repository',
			`a path above the repository: ../shared/${SEEDS}`,
		]);
		expect(reasons('.ci/run', 'cd "$(dirname "$0")/../.."')).toHaveLength(1);
		expect(reasons('scripts/fetch.sh', '#!/bin/sh\ncd ..')).toHaveLength(1);
	});

	it('leaves alone what stays inside, URLs and node_modules names', () => {
		expect(reasons('nodes/ApiRtcTrigger/apirtc.definition.ts', "import { isPlainObject } from '../shared/core/json';")).toEqual([]);
		expect(reasons('test/providers/x.test.ts', "import { node } from '../../nodes/shared/pipeline';\njest.mock('../../nodes/shared/core/hash');")).toEqual([]);
		expect(reasons('test/e2e/cli.suite.ts', "const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'index.js');")).toEqual([]);
		expect(reasons('scripts/n8n-runtime.cjs', "const REPO_ROOT = path.resolve(__dirname, '..');")).toEqual([]);
		expect(reasons('scripts/n8n-runtime.cjs', "path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm')")).toEqual([]);
		expect(reasons('test/x.ts', "fetch('https://example.com/../shared/x'); fetch(`http://127.0.0.1:${port}/../x`);")).toEqual([]);
		expect(reasons('package-lock.json', '{ "node_modules/element-plus/node_modules/@vueuse/shared/node_modules/vue-demi": {} }')).toEqual([]);
		expect(reasons('eslint.config.mjs', "files: ['./nodes/**/*.ts'], ignores: ['./dist']")).toEqual([]);
		expect(reasons('.ci/run', '# a comment may say ../shared\ncd "$(dirname "$0")/.."\nnpm test')).toEqual([]);
		expect(reasons('README.md', `read ../shared/${SEEDS}`)).toEqual([]);
	});
});
