#!/usr/bin/env node
/**
 * Writes README.md's "Supported n8n versions" table (between `<!-- compat:versions:start -->` and
 * `<!-- compat:versions:end -->`) from the last compat run: test/e2e/.work/compat-results.json
 * (written by the compat stage, test/e2e/compat/versions.compat.test.ts) and, where present,
 * test/e2e/.work/load-figures-<version>.json (the e2e load suite run with N8N_VERSION=<version>).
 * Run by hand after `npm run test:compat` (the stage does not rewrite a tracked file):
 *
 *   node scripts/compat-readme.mjs           rewrite README.md
 *   node scripts/compat-readme.mjs --print   print the table only
 *
 * What is not measured by a run is kept here, beside it: which published versions each tested one
 * stands for, n8n's engines.node over that range, and when n8n answers an onReceived webhook
 * (read in each version's dist/webhooks/webhook-helpers.js: `shouldDeferOnReceivedResponse`
 * appears in 2.8.0; see scripts/n8n/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, 'test', 'e2e', '.work');
const readmePath = path.join(root, 'README.md');
const START = '<!-- compat:versions:start -->';
const END = '<!-- compat:versions:end -->';

/** The published ranges, oldest first; `tested` is the version the compat stage runs for each. */
const RANGES = [
	{ range: '1.99.x and older', tested: null, engines: '`>=20.19 <=24.x` (1.99)', answerFirst: true, note: 'the nodes do not load: n8n ships zod 3.24.1, which has no `zod/v4`' },
	{ range: '1.100.x – 1.122.x', tested: '1.100.1', engines: '`>=20.19 <=24.x`', answerFirst: true },
	{ range: '1.123.x (last 1.x)', tested: '1.123.81', engines: '`>=20.19 <=24.x`', answerFirst: true },
	{ range: '2.0.0 – 2.7.x', tested: '2.0.3', engines: '`>=20.19 <=24.x`', answerFirst: true },
	{ range: '2.8.0 – 2.35.x', tested: '2.30.8', engines: '`>=20.19` (2.8), `>=22.16` (2.10), `>=22.22` (2.23)', answerFirst: false },
	{ range: '2.36.0 – 2.41.1', tested: '2.41.1', engines: '`>=24`', answerFirst: false },
];

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

const results = readJson(path.join(work, 'compat-results.json'));
if (!results) {
	console.error(`scripts/compat-readme.mjs: ${path.join(work, 'compat-results.json')} is missing: run \`npm run test:compat\` first`);
	process.exit(2);
}
const byVersion = new Map(results.versions.map((v) => [v.version, v]));
const sum = (r, groups) => groups.reduce((acc, g) => ({ passed: acc.passed + (r.cases[g]?.passed ?? 0), planned: acc.planned + (r.cases[g]?.planned ?? 0) }), { passed: 0, planned: 0 });
const ok = (c) => c.planned > 0 && c.passed === c.planned;

/**
 * The load-and-SIGKILL runs measured (1,000 events sent twice at concurrency 20, n8n killed at
 * request 800 with no grace, restarted, every event re-sent; scripts/n8n/README.md has each run),
 * kept here because a checkout has no .work files. `duplicates`: events that ran twice, of which
 * `answered200AndRunTwice` had a copy answered 200 before the kill (the rest: every copy cut).
 * A version with no run listed uses its load-figures-<version>.json when there is one.
 */
const MEASURED_LOAD = {
	'1.100.1': [
		{ at: '2026-12-03', events: 1000, restartGraceMs: 0, lost: 1, answered200AndRunTwice: 0, duplicates: 0 },
		{ at: '2026-12-03', events: 1000, restartGraceMs: 0, lost: 0, answered200AndRunTwice: 0, duplicates: 0 },
	],
	'2.41.1': [
		// the package as of this table: a copy waits for its first copy's answer
		{ at: '2026-12-03', events: 1000, restartGraceMs: 0, lost: 0, answered200AndRunTwice: 0, duplicates: 8 },
	],
};

function loadCell(version) {
	const figures = readJson(path.join(work, `load-figures-${version}.json`));
	const runs = MEASURED_LOAD[version] ?? (figures?.restart ? [figures.restart] : []);
	if (runs.length === 0) return undefined;
	const kill = runs.every((r) => r.restartGraceMs === 0) ? 'SIGKILL' : 'stop, then SIGKILL';
	const list = (field) => runs.map((r) => r[field] ?? '?').join(' and ');
	const cutRerun = runs.map((r) => (r.duplicates ?? 0) - (r.answered200AndRunTwice ?? 0));
	const rerun = cutRerun.some((n) => n > 0) ? `; ${cutRerun.join(' and ')} never answered (every copy cut by the kill) ran again on the retry, their first run left \`crashed\`` : '';
	const which = runs.length > 1 ? `${runs.length} runs: ` : '';
	return { text: `${runs[0].events} events ×2, ${kill} mid-delivery, ${which}lost ${list('lost')}, answered 200 and run twice ${list('answered200AndRunTwice')}${rerun}` };
}

const rows = RANGES.map((range) => {
	if (!range.tested) return [range.range, '—', range.engines, 'no', '—', '—', range.note];
	const r = byVersion.get(range.tested);
	if (!r) return [range.range, range.tested, range.engines, 'not run', 'not run', 'not run', 'not in the last compat run'];
	const loads = ok(sum(r, ['loads']));
	const once = sum(r, ['examples', 'forged', 'duplicate', 'concurrent', 'unrecognized']);
	const restart = sum(r, ['restart']);
	const load = loadCell(range.tested);
	let kept;
	if (!ok(restart)) kept = 'no: the restart case failed';
	else if (range.answerFirst) kept = `not across a crash: n8n answers 200 before it stores the execution${load ? ` (${load.text})` : ''}; graceful restarts: yes`;
	else kept = `yes: n8n answers after storing the execution${load ? ` (${load.text})` : ''}`;
	const tested = `${range.tested} on Node ${r.node ?? '?'}`;
	return [range.range, tested, range.engines, loads ? 'yes' : 'no', ok(once) ? `yes (${once.passed}/${once.planned} cases)` : `no (${once.passed}/${once.planned} cases)`, kept, r.failures?.length ? `failing: ${r.failures.join('; ')}` : ''];
});

const header = ['n8n', 'tested on', "n8n's engines.node", 'loads', 'exactly once', 'nothing lost across restarts', 'notes'];
const table = [
	`| ${header.join(' | ')} |`,
	`| ${header.map(() => '---').join(' | ')} |`,
	...rows.map((row) => `| ${row.join(' | ')} |`),
	'',
	`Each range is tested on the one version named; "exactly once" counts the compat cases (examples, 401s, duplicates sequential and concurrent, Unrecognized); "graceful restarts" is the restart case (SIGTERM). Whether n8n answers before or after storing is read from each version's code (the first that stores first: 2.8.0). Generated by \`node scripts/compat-readme.mjs\` from the compat run of ${[...new Set(results.versions.map((v) => (v.at ?? results.at).slice(0, 10)))].join(', ')} (\`npm run test:compat\`) and the load runs in scripts/n8n/README.md.`,
].join('\n');

if (process.argv.includes('--print')) {
	process.stdout.write(`${table}\n`);
	process.exit(0);
}
const readme = fs.readFileSync(readmePath, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) {
	console.error(`README.md has no ${START} … ${END} markers`);
	process.exit(1);
}
fs.writeFileSync(readmePath, `${readme.slice(0, from + START.length)}\n${table}\n${readme.slice(to)}`);
process.stdout.write(`README.md: Supported n8n versions table written (${rows.length} rows)\n`);
