/**
 * `npm run bench` (after `npm run build`): the in-process benchmark (inprocess.cjs), then the
 * benchmark through the real n8n (n8n.ts, run with tsx), then a table on stdout and the figures in
 * BENCHMARKS.md, between the `bench:start` / `bench:end` markers (the text around them is kept).
 *
 *   node --expose-gc scripts/bench/run.cjs [--quick] [--skip-n8n] [n8n.ts options: --duration=5 --rounds=2 --connections=10 --diagnose --n8n-env=NAME=value]
 *   node scripts/bench/run.cjs --mixed [mixed.ts options: --events=120 --concurrency=20 --providers=buzzbip,buzzeasy --sides=diy,ours,bare --lazy-sides=ours,diy --noskip-sides= --rounds=2 --seed=18]
 *
 * --mixed runs only the mixed-load bench (mixed.ts: the do-it-yourself workflows, our triggers and
 * the bare Webhook node under one load of new events, retries and forged requests) and writes its
 * table between the `mixed:start` / `mixed:end` markers (the other figures are kept).
 */
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'BENCHMARKS.md');
const START = '<!-- bench:start (written by npm run bench: do not edit by hand) -->';
const END = '<!-- bench:end -->';
const TARGETS = { 1024: 2.0, [1024 * 1024]: 1.2 };
const N8N_TARGET = 0.95;
const N8N_DEFAULTS = ['--duration=5', '--rounds=2', '--connections=10', '--size=1024'];
const MIXED_START = '<!-- mixed:start (written by npm run bench -- --mixed: do not edit by hand) -->';
const MIXED_END = '<!-- mixed:end -->';

const sizeName = (bytes) => (bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`);
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const verdict = (ok) => (ok ? 'met' : '**missed**');

function git(args) {
	try {
		return require('child_process').execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	} catch {
		return '';
	}
}

function machine() {
	const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
	const model = (cpuinfo.match(/^model name\s*:\s*(.+)$/m) || [])[1] || (os.cpus()[0] || {}).model || 'unknown';
	return {
		cpu: model.trim(),
		cores: os.cpus().length,
		memoryGiB: os.totalmem() / 2 ** 30,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		commit: git(['rev-parse', '--short', 'HEAD']),
		dirty: git(['status', '--porcelain', '--', 'nodes', 'credentials', 'cli']) !== '',
		node: process.version,
		load: os.loadavg(),
	};
}

/**
 * The in-process part runs on the Node that n8n 2.x itself runs on (>= 24, fetched by the e2e
 * runtime into its cache, which the n8n part needs anyway): the figures are for the code as n8n
 * runs it (Node 20's Buffer#toString('utf8') alone is 8x slower at 1 MiB, which moves the floor).
 * `--node=current` runs it in this process instead (whose main() inprocess.cjs exports).
 */
async function runInProcessPart(args) {
	const quick = args.includes('--quick') ? ['--quick'] : [];
	if (args.includes('--node=current') || typeof global.gc !== 'function') {
		if (!args.includes('--node=current')) console.log('(no --expose-gc: running in this process, without the heap figure)');
		console.log(`In-process benchmark on Node ${process.version} (scripts/bench/inprocess.cjs)…`);
		return require('./inprocess.cjs').main();
	}
	const node = (await require('tsx/cjs/api').require('../n8n/index.ts', __filename).ensureN8n()).node;
	console.log(`In-process benchmark on Node ${node.version}, n8n's (scripts/bench/inprocess.cjs)…`);
	const json = path.join(os.tmpdir(), `verified-webhooks-inprocess-${process.pid}.json`);
	await new Promise((resolve, reject) => {
		const child = spawn(node.bin, ['--expose-gc', path.join(__dirname, 'inprocess.cjs'), ...quick, `--json=${json}`], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`inprocess.cjs exited with ${code}`))));
	});
	const result = JSON.parse(fs.readFileSync(json, 'utf8'));
	fs.rmSync(json, { force: true });
	return result;
}

function runN8nPart(args) {
	const json = path.join(os.tmpdir(), `verified-webhooks-bench-${process.pid}.json`);
	const passthrough = args.filter((a) => /^--(duration|rounds|connections|size|providers|diagnose|n8n-env)/.test(a));
	const merged = [...N8N_DEFAULTS.filter((d) => !passthrough.some((a) => a.split('=')[0] === d.split('=')[0])), ...passthrough];
	const tsx = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [tsx, path.join(__dirname, 'n8n.ts'), ...merged, `--json=${json}`], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
		child.on('error', reject);
		child.on('exit', (code) => {
			if (code !== 0) return reject(new Error(`scripts/bench/n8n.ts exited with ${code}`));
			const result = JSON.parse(fs.readFileSync(json, 'utf8'));
			fs.rmSync(json, { force: true });
			resolve({ result, args: merged });
		});
	});
}

function inProcessTable({ results, heap, bound }) {
	const lines = [
		'| provider | payload | ours req/s | ours µs/req | floor req/s | floor µs/req | ratio ours / floor | target | CPU ratio, main thread | CPU ratio, all threads |',
		'| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
	];
	// the CPU ratios say what the wall-time one does not: work handed to libuv's pool (a large
	// body's hash) leaves n8n's main thread but is still CPU spent
	const cpu = (value) => (typeof value === 'number' && Number.isFinite(value) ? fmt(value, 2) : 'n/a');
	for (const r of results) {
		const target = TARGETS[r.size];
		const status = target === undefined ? '(none)' : `≤ ${target.toFixed(1)}: ${verdict(r.ratio <= target)}`;
		lines.push(`| ${r.provider} | ${sizeName(r.size)} | ${fmt(r.rpsOurs, 0)} | ${fmt(r.usOurs)} | ${fmt(r.rpsFloor, 0)} | ${fmt(r.usFloor)} | **${fmt(r.ratio, 2)}** | ${status} | ${cpu(r.mainCpuRatio)} | ${cpu(r.cpuRatio)} |`);
	}
	const notes = [];
	if (heap) {
		notes.push(
			`Dedupe store at its bound (${heap.entries.toLocaleString('en')} keys, the worst case: body-hash keys): ` +
				`**${fmt(heap.bytes / 1024, 0)} KiB** of heap held (the keys, the Map and the journal string), ` +
				`of which the journal persisted to static data is ${fmt(heap.journalBytes / 1024, 0)} KiB.`,
		);
	} else notes.push('Dedupe heap: not measured (run node with --expose-gc).');
	if (bound) {
		notes.push(
			`Once the window is full (store at its bound, every new key evicts the oldest): ${bound.provider} ${sizeName(bound.size)} costs **${fmt(bound.usPerRequest)} µs** per webhook(). ` +
				`n8n then serializes the workflow's static data (${fmt(bound.staticDataBytes / 1024, 0)} KiB) to save it and parses it again when it loads the workflow for the next request and for the execution: ` +
				`JSON.stringify ${fmt(bound.usStringify, 0)} µs, JSON.parse ${fmt(bound.usParse, 0)} µs each, per request, on top of the SQLite write.`,
		);
	}
	return { table: lines.join('\n'), notes };
}

function n8nTable(result) {
	const median = (values) => {
		const s = [...values].sort((a, b) => a - b);
		const m = Math.floor(s.length / 2);
		return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
	};
	const lines = [
		'| provider | body | stock req/s | ours req/s | ratio ours / stock | target ≥ 0.95 | stock p50 / p99 ms | ours p50 / p99 ms | non-2xx, errors (stock / ours) | ours: executions started / 2xx answers | per-round ours / stock req/s |',
		'| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |',
	];
	for (const p of result.providers) {
		const lat = (runs) => `${median(runs.map((r) => r.p50))} / ${median(runs.map((r) => r.p99))}`;
		const bad = (runs) => runs.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0);
		const ok = p.ours.reduce((s, r) => s + (r.ok ?? r.requests - r.non2xx), 0);
		const started = p.ours.reduce((s, r) => s + r.executions, 0);
		const rounds = p.ours.map((r, i) => `${fmt(r.rps, 0)} / ${fmt(p.stock[i].rps, 0)}`).join(', ');
		lines.push(
			`| ${p.provider} | ${p.bodyBytes} B | ${fmt(p.stockRps, 0)} | ${fmt(p.oursRps, 0)} | **${fmt(p.ratio, 2)}** | ${verdict(p.ratio >= N8N_TARGET)} | ${lat(p.stock)} | ${lat(p.ours)} | ${bad(p.stock)} / ${bad(p.ours)} | ${started} / ${ok} | ${rounds} |`,
		);
	}
	const notes = [];
	const dups = result.providers.reduce((s, p) => s + p.ours.reduce((t, r) => t + r.duplicates, 0), 0);
	notes.push(`Answers that said "duplicate": ${dups} (every request carried a new event).`);
	const diag = result.providers.filter((p) => p.noDedupeRatio !== undefined);
	if (diag.length) notes.push(`With \`options.deduplicate=false\` (no dedupe, no static-data write), ours / stock: ${diag.map((p) => `${p.provider} ${fmt(p.noDedupeRatio, 2)}`).join(', ')}.`);
	if (result.atBound) notes.push(`Buzzeasy with its dedupe journal already at its bound (${fmt(result.atBound.journalBytes / 1024, 0)} KiB in static data), ours / stock: ${fmt(result.atBound.ratio, 2)}.`);
	return { table: lines.join('\n'), notes };
}

function render({ when, host, command, inproc, n8n, n8nArgs, elapsedS, loadAfter }) {
	const ip = inProcessTable(inproc);
	const out = [START, '', `Figures of the run of ${when}, produced by \`${command}\` at commit ${host.commit || 'unknown'}${host.dirty ? ' (with uncommitted changes in nodes/, credentials/ or cli/)' : ''} (${fmt(elapsedS, 0)} s in all${n8n ? `, of which ${fmt(n8n.setupS, 0)} s to install (if not cached), set up and start n8n` : ''}).`, ''];
	out.push(
		`Machine: ${host.cpu}, ${host.cores} cores, ${fmt(host.memoryGiB, 1)} GiB memory, ${host.os}; ` +
			`benchmark Node ${host.node}${n8n ? `, n8n ${n8n.n8nVersion} on Node ${n8n.nodeVersion}` : ''}. ` +
			`Load average before the run ${host.load.map((l) => fmt(l, 2)).join(' / ')}, after ${loadAfter.map((l) => fmt(l, 2)).join(' / ')} (1 / 5 / 15 min).`,
		'',
		'### 1. In process: the trigger\'s whole `webhook()` against the floor',
		'',
		`On Node ${inproc.node || host.node}. Floor: one \`createHmac\` over the same bytes plus one \`JSON.parse\` of them. Best of five alternating passes (three with --quick); every request a new event (the dedupe store is emptied between passes, so its eviction cost is not in these figures: see below). The ratios are of wall time per request; beside them, the ratios of CPU time on the main thread (\`process.threadCpuUsage\`) and on all threads (\`process.cpuUsage\`): from 512 KiB up the body key's SHA-256 runs in libuv's thread pool beside the parse, which takes it off n8n's main thread but not off the machine.`,
		'',
		ip.table,
		'',
		...ip.notes.map((n) => `- ${n}`),
		'',
	);
	if (n8n) {
		const t = n8nTable(n8n);
		const o = n8n.options;
		out.push(
			'### 2. Through the real n8n: stock Webhook node (header auth) against each trigger',
			'',
			`autocannon on loopback, ${o.connections} connections, ${o.durationS} s per run, ${o.rounds} alternating rounds per provider (stock first in odd rounds, ours first in even ones), ` +
				`one n8n for all, a new event in every request for both sides (\`${n8nArgs.join(' ')}\`). req/s: mean over the rounds; latency: median over the rounds of each run's p50 / p99. ` +
				`Executions are counted through n8n's public API; a run ends with up to ${o.connections} requests in flight whose answers autocannon does not count, so executions may exceed the 2xx answers by that much.`,
			'',
			t.table,
			'',
			...t.notes.map((n) => `- ${n}`),
			'',
		);
	} else out.push('### 2. Through the real n8n', '', 'Not run (--skip-n8n).', '');
	out.push(END);
	return out.join('\n');
}

function writeBenchmarks(section) {
	const existing = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
	const a = existing.indexOf(START);
	const b = existing.indexOf(END);
	const next = a >= 0 && b > a ? existing.slice(0, a) + section + existing.slice(b + END.length) : `# Benchmarks\n\n${section}\n`;
	fs.writeFileSync(OUT, next);
}

function printSummary(inproc, n8n) {
	console.log('\nIn process (ratio to the floor: ≤ 2.0 at 1 KiB, ≤ 1.2 at 1 MiB)');
	for (const r of inproc.results) {
		const target = TARGETS[r.size];
		console.log(
			`  ${r.provider.padEnd(10)} ${sizeName(r.size).padStart(7)}  ours ${fmt(r.usOurs).padStart(8)} µs (${fmt(r.rpsOurs, 0).padStart(6)} req/s)  floor ${fmt(r.usFloor).padStart(8)} µs  ratio ${fmt(r.ratio, 2)}${target ? (r.ratio <= target ? '  ok' : `  MISSED (≤ ${target})`) : ''}`,
		);
	}
	if (inproc.heap) console.log(`  dedupe store at its bound: ${inproc.heap.entries} keys, ${fmt(inproc.heap.bytes / 1024, 0)} KiB heap`);
	if (inproc.bound) console.log(`  webhook() with the store at its bound: ${fmt(inproc.bound.usPerRequest)} µs per request (${inproc.bound.provider}, ${sizeName(inproc.bound.size)})`);
	if (!n8n) return;
	console.log('\nThrough n8n (ours / stock req/s: ≥ 0.95)');
	for (const p of n8n.providers) {
		console.log(`  ${p.provider.padEnd(10)} stock ${fmt(p.stockRps, 0).padStart(5)} req/s  ours ${fmt(p.oursRps, 0).padStart(5)} req/s  ratio ${fmt(p.ratio, 2)}${p.ratio >= N8N_TARGET ? '  ok' : '  MISSED'}`);
	}
}

function runMixedPart(args) {
	const json = path.join(os.tmpdir(), `verified-webhooks-mixed-${process.pid}.json`);
	const passthrough = args.filter((a) => /^--(events|concurrency|providers|sides|lazy-sides|noskip-sides|rounds|seed|size)=/.test(a));
	const tsx = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [tsx, path.join(__dirname, 'mixed.ts'), ...passthrough, `--json=${json}`], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
		child.on('error', reject);
		child.on('exit', (code) => {
			if (code !== 0) return reject(new Error(`scripts/bench/mixed.ts exited with ${code}`));
			const result = JSON.parse(fs.readFileSync(json, 'utf8'));
			fs.rmSync(json, { force: true });
			resolve(result);
		});
	});
}

/** The targets of the mixed-load bench (issue 18), each with where it stands in this run. */
function mixedTargets(result) {
	const lines = [];
	const settingOfResult = (r) => r.setting || (r.lazy ? 'lazy' : 'default');
	const find = (provider, side, setting) => result.results.find((r) => r.provider === provider && r.side === side && settingOfResult(r) === setting);
	const SETTING_WORDS = {
		default: "with n8n's defaults",
		lazy: 'with `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true`',
		noskip: 'with `N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false` (control: n8n\'s own Webhook node without its skip)',
	};
	for (const provider of result.options.providers) {
		const diy = find(provider, 'diy', 'default');
		for (const settingName of ['default', 'lazy', 'noskip']) {
			const ours = find(provider, 'ours', settingName);
			if (!ours) continue;
			const setting = SETTING_WORDS[settingName];
			const f = ours.figures;
			const rounds = ours.perRoundRates && ours.perRoundRates.length > 1 ? ` (round by round ${ours.perRoundRates.map((x) => fmt(x)).join(' / ')})` : '';
			// against the do-it-yourself workflow in the same setting, and (another setting) against it with n8n's defaults
			const against = [...new Set([find(provider, 'diy', settingName), diy].filter(Boolean))];
			for (const other of against) {
				const ratio = f.completedPerSecond / other.figures.completedPerSecond;
				lines.push(`${provider}, our trigger ${setting}: genuine events completed per second at least the do-it-yourself workflow's ${SETTING_WORDS[settingOfResult(other)]} (${fmt(other.figures.completedPerSecond)} /s): ${fmt(f.completedPerSecond)} /s${rounds}, ratio ${fmt(ratio, 2)}: ${verdict(ratio >= 1)}.`);
			}
			const n = (count, r) => count * (r.rounds || 1);
			lines.push(`${provider}, our trigger ${setting}: 0 executions started by forged requests: ${f.forgedExecutions} of ${n(ours.plan.forged, ours)}: ${verdict(f.forgedExecutions === 0)}; 0 events run twice: ${f.runTwice}: ${verdict(f.runTwice === 0)}; events lost: ${f.lost}.`);
		}
		if (diy) {
			const f = diy.figures;
			const r = diy.rounds || 1;
			lines.push(`${provider}, do it yourself with n8n's defaults (as measured, no target): ${f.forgedExecutions} of ${r * diy.plan.forged} forged requests started an execution, ${f.runTwice} of ${r * (diy.plan.sequentialRetries + diy.plan.concurrentRetries)} retried events ran twice (${f.runTwiceBy.sequentialRetry} of ${r * diy.plan.sequentialRetries} retried after the answer, ${f.runTwiceBy.concurrentRetry} of ${r * diy.plan.concurrentRetries} racing), ${f.lost} lost.`);
		}
	}
	return lines;
}

function renderMixed({ when, host, command, result, elapsedS }) {
	const { mixedTable, mixedLoadLine } = result.render;
	const out = [
		MIXED_START,
		'',
		`Figures of the run of ${when}, produced by \`${command}\` at commit ${host.commit || 'unknown'}${host.dirty ? ' (with uncommitted changes in nodes/, credentials/ or cli/)' : ''} (${fmt(elapsedS, 0)} s in all, of which ${fmt(result.setupS, 0)} s to install (if not cached), set up and start n8n).`,
		'',
		`Machine: ${host.cpu}, ${host.cores} cores, ${fmt(host.memoryGiB, 1)} GiB memory, ${host.os}; n8n ${result.n8nVersion} on Node ${result.nodeVersion}, one n8n for every side (restarted for each other setting). ` +
			`Load average before the run ${result.loadBefore.map((l) => fmt(l, 2)).join(' / ')}, after ${result.loadAfter.map((l) => fmt(l, 2)).join(' / ')} (1 / 5 / 15 min).`,
		'',
		mixedLoadLine,
		'',
		mixedTable,
		'',
		...mixedTargets(result).map((l) => `- ${l}`),
		'',
		MIXED_END,
	];
	return out.join('\n');
}

function writeMixed(section) {
	const existing = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '# Benchmarks\n';
	const a = existing.indexOf(MIXED_START);
	const b = existing.indexOf(MIXED_END);
	const next = a >= 0 && b > a ? existing.slice(0, a) + section + existing.slice(b + MIXED_END.length) : `${existing.trimEnd()}\n\n## Under a mixed, hostile load: against the do-it-yourself workflow\n\n${section}\n`;
	fs.writeFileSync(OUT, next);
}

async function mainMixed(args) {
	const started = Date.now();
	const host = machine();
	console.log('Mixed load through n8n (scripts/bench/mixed.ts)…');
	const result = await runMixedPart(args);
	const elapsedS = (Date.now() - started) / 1000;
	const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench -- ${args.join(' ')}` : `node scripts/bench/run.cjs ${args.join(' ')}`;
	const section = renderMixed({ when: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), host, command, result, elapsedS });
	for (const line of mixedTargets(result)) console.log(`  ${line}`);
	writeMixed(section);
	console.log(`\nBENCHMARKS.md written (${fmt(elapsedS, 0)} s in all).`);
}

async function main() {
	const args = process.argv.slice(2);
	if (args.includes('--mixed')) return mainMixed(args);
	const started = Date.now();
	const host = machine();
	const inproc = await runInProcessPart(args);
	let n8n;
	let n8nArgs = [];
	if (!args.includes('--skip-n8n')) {
		console.log('Through n8n (scripts/bench/n8n.ts)…');
		const part = await runN8nPart(args);
		n8n = part.result;
		n8nArgs = part.args;
	}
	const elapsedS = (Date.now() - started) / 1000;
	printSummary(inproc, n8n);
	const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}` : `node --expose-gc scripts/bench/run.cjs ${args.join(' ')}`.trim();
	writeBenchmarks(render({ when: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), host, command, inproc, n8n, n8nArgs, elapsedS, loadAfter: os.loadavg() }));
	console.log(`\nBENCHMARKS.md written (${fmt(elapsedS, 0)} s in all).`);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
