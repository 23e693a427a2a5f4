#!/usr/bin/env node
/**
 * `npm test`: the project's dependencies (npm ci, when node_modules is missing or package-lock.json
 * changed since the last install: scripts/ensure-deps.mjs), build, the unit suite, then the
 * end-to-end suite against a real n8n (installed into a cache outside the repo on first use, see
 * scripts/n8n/). Prints each suite's counts and a closing `total: N passed, N failed` line; exits
 * non-zero when a suite fails or runs no test.
 *
 * After the e2e suite come the other stages, in the order of jest.config.js: every jest project
 * there besides `unit` and `e2e` (compat, editor, queue, node-red, ...). A stage `<name>` may have
 * `scripts/stages/<name>.mjs` exporting `prepare()`, run before its jest project and outside jest
 * (installs that take minutes show their progress); each stage runs with --runInBand.
 * `node scripts/test.mjs --stage <name>` (what `npm run test:<name>` calls) builds and runs that
 * stage alone.
 *
 * SKIP_E2E=1 skips everything after the unit suite, for quick local loops (CI never sets it).
 * Extra arguments go to every jest run (e.g. `npm test -- -t Chatzuri`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { ensureDepsOrExit } from './ensure-deps.mjs';
import { loadRuntime } from './n8n/load.mjs';

// First: the project's own dependencies (npm ci when node_modules is missing or stale).
ensureDepsOrExit();
// The n8n runtime is TypeScript run through tsx (a dev dependency): loaded once the dependencies are in.
const { REPO_ROOT, ensureN8n, log, npmCliPath } = loadRuntime();

const argv = process.argv.slice(2);
const stageFlag = argv.indexOf('--stage');
const onlyStage = stageFlag >= 0 ? argv[stageFlag + 1] : undefined;
if (stageFlag >= 0) argv.splice(stageFlag, 2);
const extraArgs = argv;
// every jest project after unit and e2e, in the order jest.config.js lists them
const jestProjects = createRequire(import.meta.url)(path.join(REPO_ROOT, 'jest.config.js')).projects.map((p) => p.displayName);
const laterStages = jestProjects.filter((name) => name !== 'unit' && name !== 'e2e');
if (onlyStage && !jestProjects.includes(onlyStage)) {
	process.stderr.write(`no stage "${onlyStage}": the stages are ${jestProjects.join(', ')}\n`);
	process.exit(2);
}
const wanted = (name) => !onlyStage || onlyStage === name;
const skipE2e = process.env.SKIP_E2E === '1' || process.env.SKIP_E2E === 'true';
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

function run(command, args, env = process.env) {
	return new Promise((resolve) => {
		const child = spawn(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env });
		const forward = (signal) => child.kill(signal);
		process.on('SIGINT', forward);
		process.on('SIGTERM', forward);
		child.on('close', (code, signal) => {
			process.off('SIGINT', forward);
			process.off('SIGTERM', forward);
			resolve(code ?? (signal ? 1 : 0));
		});
	});
}

function heading(text) {
	process.stdout.write(`\n=== ${text} ===\n`);
}

async function jest(project, args) {
	const outputFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vw-jest-')), `${project}.json`);
	const jestBin = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
	const since = Date.now();
	const code = await run(process.execPath, [jestBin, '--selectProjects', project, '--json', `--outputFile=${outputFile}`, ...args, ...extraArgs]);
	let result;
	try {
		result = JSON.parse(fs.readFileSync(outputFile, 'utf8'));
	} catch {
		result = undefined;
	}
	fs.rmSync(path.dirname(outputFile), { recursive: true, force: true });
	const counts = {
		passed: result?.numPassedTests ?? 0,
		failed: result?.numFailedTests ?? 0,
		skipped: (result?.numPendingTests ?? 0) + (result?.numTodoTests ?? 0),
		suitesFailed: result?.numFailedTestSuites ?? 0,
	};
	const ok = code === 0 && result?.success === true && counts.passed > 0;
	return { project, code, ok, counts, time: seconds(since) };
}

const results = [];
let buildOk = true;

heading('build');
const buildStarted = Date.now();
buildOk = (await run(process.execPath, [npmCliPath(), 'run', 'build'])) === 0;
log(`build ${buildOk ? 'done' : 'FAILED'} (${seconds(buildStarted)})`);

async function laterStage(name) {
	heading(`${name} tests`);
	const prepareFile = path.join(REPO_ROOT, 'scripts', 'stages', `${name}.mjs`);
	if (fs.existsSync(prepareFile)) {
		const since = Date.now();
		try {
			const stage = await import(pathToFileURL(prepareFile).href);
			if (typeof stage.prepare === 'function') await stage.prepare();
			log(`${name}: ready (${seconds(since)})`);
		} catch (error) {
			log(`${name}: could not prepare: ${error?.stack ?? error}`);
			results.push({ project: name, code: 1, ok: false, counts: { passed: 0, failed: 0, skipped: 0, suitesFailed: 1 }, time: '0 s' });
			return;
		}
	}
	results.push(await jest(name, ['--runInBand']));
}

if (buildOk) {
	if (wanted('unit')) {
		heading('unit tests');
		results.push(await jest('unit', []));
	}

	if (skipE2e) {
		heading('end-to-end tests: skipped (SKIP_E2E is set)');
	} else {
		if (wanted('e2e')) {
			heading('end-to-end tests (a real n8n)');
			let runtimeOk = true;
			try {
				// Outside jest, so that a first-time install shows its progress as it goes.
				const since = Date.now();
				const n8n = await ensureN8n();
				log(`n8n ${n8n.version} on Node ${n8n.node.version} ready (${seconds(since)})`);
			} catch (error) {
				runtimeOk = false;
				log(`could not install n8n: ${error.message}`);
				results.push({ project: 'e2e', code: 1, ok: false, counts: { passed: 0, failed: 0, skipped: 0, suitesFailed: 1 }, time: '0 s' });
			}
			if (runtimeOk) results.push(await jest('e2e', ['--runInBand']));
		}
		for (const name of laterStages) if (wanted(name)) await laterStage(name);
	}
}

heading('summary');
if (!buildOk) process.stdout.write('build: FAILED\n');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const r of results) {
	const { passed, failed, skipped, suitesFailed } = r.counts;
	total.passed += passed;
	total.failed += failed;
	total.skipped += skipped;
	const notes = [suitesFailed ? `${suitesFailed} failing suite(s)` : '', r.ok ? '' : 'FAILED', r.time].filter(Boolean).join(', ');
	process.stdout.write(`${r.project}: ${passed} passed, ${failed} failed, ${skipped} skipped (${notes})\n`);
}
const ok = buildOk && results.length > 0 && results.every((r) => r.ok);
process.stdout.write(`(whole run: ${seconds(started)}; ${ok ? 'OK' : 'FAILED'})\n`);
process.stdout.write(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(ok ? 0 : 1);
