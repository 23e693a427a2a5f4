/**
 * Through the real n8n: the stock `n8n-nodes-base.webhook` node (header auth) against each of this
 * package's triggers, in one n8n 2.41.1 (scripts/n8n/harness.ts), same payload, same concurrency,
 * alternating runs, loaded with autocannon over loopback. Every request is a NEW event (a fresh id
 * and body) for both sides, so that our dedupe never answers a duplicate without starting an
 * execution; afterwards the executions started are counted through n8n's public API.
 *
 *   npx tsx scripts/bench/n8n.ts [--duration=5] [--rounds=2] [--connections=10] [--size=1024]
 *                                [--providers=buzzeasy,chatzuri] [--diagnose] [--json=out.json]
 *
 * --diagnose adds, per provider, the same trigger with `options.deduplicate=false` (no dedupe, no
 * static-data write), and one Buzzeasy trigger whose static data already holds a dedupe journal at
 * its bound (10,000 keys): what every request costs once the window is full.
 * --n8n-env=NAME=value,… restarts n8n with those variables first (e.g. to see what an n8n setting
 * changes for both sides).
 * --profile=<dir> instead profiles n8n's main thread for the stock node and the first provider's
 * trigger, each alone, and prints where the CPU time per request differs (see `profile`).
 * Run after `npm run build` (the harness packs dist/).
 */
import { performance } from 'node:perf_hooks';

import autocannon from 'autocannon';

import { PROVIDERS } from '../../nodes/shared/providers';
import { prepareRequest } from '../../packages/cli/src/send';
import { buildSample, serialSource } from '../../packages/cli/src/samples';
import { e2eTargets, type E2eTarget } from '../providers';
import { N8nHarness, log, uniqueTag, waitFor, type HttpResponse, type WorkflowSpec } from '../n8n';

type ProviderId = string;
type ProviderFixture = E2eTarget;

/** Every registered provider's trigger, with bench secrets (scripts/providers.ts). */
const FIXTURES: ProviderFixture[] = e2eTargets('bench');

function arg(name: string, fallback: string): string {
	const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
	return hit ? hit.slice(name.length + 3) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

export interface N8nBenchOptions {
	durationS: number;
	rounds: number;
	connections: number;
	size: number;
	providers: ProviderId[];
	diagnose: boolean;
	/** `--n8n-env=NAME=value,…`: n8n restarted with these variables before measuring (a diagnostic). */
	n8nEnv?: Record<string, string>;
}

export interface RunFigures {
	target: string;
	round: number;
	/** Answers received during the run (autocannon's own total leaves out the last partial second). */
	requests: number;
	/** Of which 2xx. */
	ok: number;
	rps: number;
	p50: number;
	p99: number;
	mean: number;
	non2xx: number;
	errors: number;
	timeouts: number;
	/** Answers that said "duplicate" (ours, where the body tells). */
	duplicates: number;
	/** Executions that n8n started for this run (public API). */
	executions: number;
}

export interface ProviderFigures {
	provider: ProviderId;
	bodyBytes: number;
	stock: RunFigures[];
	ours: RunFigures[];
	/** --diagnose: ours with options.deduplicate=false. */
	oursNoDedupe?: RunFigures[];
	stockRps: number;
	oursRps: number;
	ratio: number;
	noDedupeRatio?: number;
}

export interface N8nBenchResult {
	n8nVersion: string;
	nodeVersion: string;
	options: N8nBenchOptions;
	providers: ProviderFigures[];
	/** --diagnose: Buzzeasy with a full dedupe journal in its static data, against stock. */
	atBound?: { stock: RunFigures[]; ours: RunFigures[]; ratio: number; journalBytes: number };
	elapsedS: number;
	/** n8n install (when not cached), pack, import, publish and start. */
	setupS: number;
}

const STOCK = {
	workflowId: 'vwBenchStock0001',
	path: 'bench-stock',
	credentialId: 'vwBenchStockCred',
	header: 'x-api-key',
	secret: 'bench-stock-header-secret-0123456789',
};

interface Target {
	key: string;
	workflowId: string;
	path: string;
	provider?: ProviderFixture;
}

const ourWorkflowId = (provider: string, variant: string) => `vwBench${variant}${provider}`.padEnd(16, 'x').slice(0, 16);
const ourWebhookId = (index: number, variant: number) => `5e1fbe00-0000-4000-8000-${String(variant * 100 + index + 1).padStart(12, '0')}`;

function setPath(target: Record<string, any>, path: string, value: unknown): void {
	const parts = path.split('.');
	let node = target;
	for (const part of parts.slice(0, -1)) node = node[part] ?? (node[part] = {});
	node[parts[parts.length - 1]] = value;
}

/**
 * Distinct bodies of about `size` bytes for one provider: its sample, with the padded text field
 * and (where the provider has one) the event id made unique. Built before the clock.
 */
class BodyPool {
	private serial = 0;
	private readonly tag = uniqueTag();
	private readonly template: Record<string, unknown>;
	private readonly baseLength: number;

	constructor(
		private readonly fixture: ProviderFixture,
		private readonly size: number,
	) {
		// the event and the text field to pad: the provider's sample rules
		const { event, path } = PROVIDERS[fixture.provider].samples.text;
		this.template = buildSample(fixture.provider, event, { overrides: { [path]: '' } });
		this.baseLength = JSON.stringify(this.template).length;
	}

	body(): string {
		const n = this.serial++;
		const { event, path } = PROVIDERS[this.fixture.provider].samples.text;
		// a new event each time: the provider's own rules with this pool's tag and serial
		const sample = buildSample(this.fixture.provider, event, { overrides: { [path]: '' }, source: serialSource(n, this.tag, new Date()) });
		const unique = `${this.tag}-${n} `;
		const room = Math.max(0, this.size - this.baseLength - unique.length);
		setPath(sample, path, unique + 'lorem ipsum dolor sit amet '.repeat(Math.ceil(room / 27) + 1).slice(0, room));
		return JSON.stringify(sample);
	}

	/** The request our trigger accepts: the body and the provider's own authentication headers. */
	ours(): { body: string; headers: Record<string, string> } {
		const body = this.body();
		const { headers } = prepareRequest(this.fixture.provider, body, { url: 'http://bench', secret: this.fixture.secret.secret, headerName: this.fixture.secret.headerName });
		return { body, headers };
	}

	/** The same kind of body to the stock node, with its header auth. */
	stock(): { body: string; headers: Record<string, string> } {
		return { body: this.body(), headers: { 'content-type': 'application/json', [STOCK.header]: STOCK.secret } };
	}
}

function workflows(options: N8nBenchOptions, fixtures: ProviderFixture[]): { specs: WorkflowSpec[]; targets: Map<string, Target> } {
	const targets = new Map<string, Target>();
	const specs: WorkflowSpec[] = [
		{
			id: STOCK.workflowId,
			name: 'Bench: n8n Webhook node, header auth',
			nodes: [
				{
					id: '5e1fbe00-0000-4000-8000-ffffffffffff',
					name: 'Webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: '5e1fbe00-0000-4000-8000-fffffffffffe',
					parameters: { httpMethod: 'POST', path: STOCK.path, authentication: 'headerAuth', responseMode: 'onReceived', options: {} },
					credentials: { httpHeaderAuth: { id: STOCK.credentialId, name: 'Bench header auth' } },
				},
			],
		},
	];
	targets.set('stock', { key: 'stock', workflowId: STOCK.workflowId, path: STOCK.path });
	const variants: Array<[name: string, code: string, index: number, extra: Record<string, unknown>]> = [['ours', 'O', 0, {}]];
	if (options.diagnose) variants.push(['nodedupe', 'N', 1, { deduplicate: false }]);
	fixtures.forEach((fixture) => {
		const index = FIXTURES.indexOf(fixture);
		for (const [name, code, variant, extra] of variants) {
			const webhookId = ourWebhookId(index, variant);
			const workflowId = ourWorkflowId(fixture.provider, code);
			specs.push({
				id: workflowId,
				name: `Bench: ${fixture.displayName} Trigger (${name})`,
				nodes: [
					{
						id: `${webhookId.slice(0, 24)}${'b'.repeat(12)}`,
						name: `${fixture.displayName} Trigger`,
						type: fixture.nodeType,
						typeVersion: 2,
						position: [0, 0],
						webhookId,
						parameters: { options: { ...extra } },
						credentials: { [fixture.credentialType]: { id: `vwBenchCred${index}`, name: `Bench ${fixture.displayName}` } },
					},
				],
			});
			targets.set(`${name}:${fixture.provider}`, { key: `${name}:${fixture.provider}`, workflowId, path: `${webhookId}/webhook`, provider: fixture });
		}
	});
	if (options.diagnose) {
		const fixture = FIXTURES.find((f) => f.provider === 'buzzeasy')!;
		const webhookId = ourWebhookId(FIXTURES.indexOf(fixture), 2);
		const workflowId = ourWorkflowId('buzzeasy', 'B');
		specs.push({
			id: workflowId,
			name: 'Bench: Buzzeasy Trigger (dedupe journal at its bound)',
			nodes: [
				{
					id: `${webhookId.slice(0, 24)}${'c'.repeat(12)}`,
					name: 'Buzzeasy Trigger',
					type: fixture.nodeType,
					typeVersion: 2,
					position: [0, 0],
					webhookId,
					parameters: { options: {} },
					credentials: { [fixture.credentialType]: { id: `vwBenchCred${FIXTURES.indexOf(fixture)}`, name: `Bench ${fixture.displayName}` } },
				},
			],
		});
		targets.set('atbound:buzzeasy', { key: 'atbound:buzzeasy', workflowId, path: `${webhookId}/webhook`, provider: fixture });
	}
	return { specs, targets };
}

/** The newest execution id of a workflow (0 if none). */
async function newestExecutionId(n8n: N8nHarness, workflowId: string): Promise<number> {
	const page = await n8n.api<{ data: Array<{ id: string }> }>(`/executions?workflowId=${encodeURIComponent(workflowId)}&limit=1`);
	return page.data.length ? Number(page.data[0].id) : 0;
}

/** Executions of a workflow newer than `afterId`, once none of them is still running. */
async function executionsSince(n8n: N8nHarness, workflowId: string, afterId: number, expected: number): Promise<number> {
	let last = -1;
	let stableSince = performance.now();
	return waitFor(
		async () => {
			let count = 0;
			let unsettled = 0;
			let cursor: string | undefined;
			page: do {
				const res = await n8n.api<{ data: Array<{ id: string; status: string }>; nextCursor?: string | null }>(
					`/executions?workflowId=${encodeURIComponent(workflowId)}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
				);
				for (const execution of res.data) {
					if (Number(execution.id) <= afterId) break page;
					count++;
					if (['new', 'running', 'waiting'].includes(execution.status)) unsettled++;
				}
				cursor = res.nextCursor ?? undefined;
			} while (cursor);
			const running = await n8n.api<{ data: unknown[] }>(`/executions?workflowId=${encodeURIComponent(workflowId)}&status=running&limit=1`);
			if (count !== last) {
				last = count;
				stableSince = performance.now();
			}
			// done when every expected execution is there and settled, or nothing has changed for 5 s
			if (unsettled === 0 && running.data.length === 0 && (count >= expected || performance.now() - stableSince > 5000)) return { count };
			return undefined;
		},
		{ timeoutMs: 180000, intervalMs: 250, what: `executions of ${workflowId} to settle` },
	).then((r) => r.count);
}

function load(url: string, next: () => { body: string; headers: Record<string, string> }, options: N8nBenchOptions, durationS: number, classify: (status: number, body: string) => void): Promise<autocannon.Result> {
	return new Promise((resolve, reject) => {
		const instance = autocannon(
			{
				url,
				connections: options.connections,
				duration: durationS,
				pipelining: 1,
				timeout: 20,
				requests: [
					{
						method: 'POST',
						setupRequest: (request: any) => {
							const { body, headers } = next();
							request.body = body;
							// autocannon sets content-length itself (a second one makes the request malformed)
							request.headers = headers;
							return request;
						},
						onResponse: (status: number, body: string) => classify(status, body),
					},
				],
			},
			(err: Error | null, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
		);
		// autocannon prints nothing unless asked
		void instance;
	});
}

async function runOne(n8n: N8nHarness, target: Target, pool: BodyPool, options: N8nBenchOptions, round: number, durationS = options.durationS): Promise<RunFigures> {
	const stock = target.key === 'stock';
	const before = await newestExecutionId(n8n, target.workflowId);
	let duplicates = 0;
	let ok = 0;
	let answered = 0;
	const statuses = new Map<number, number>();
	const result = await load(`${n8n.url}/webhook/${target.path}`, () => (stock ? pool.stock() : pool.ours()), options, durationS, (status, body) => {
		statuses.set(status, (statuses.get(status) ?? 0) + 1);
		answered++;
		if (status >= 200 && status < 300) ok++;
		if (!stock && body.includes('"duplicate"')) duplicates++;
	});
	const executions = await executionsSince(n8n, target.workflowId, before, ok);
	const figures: RunFigures = {
		target: target.key,
		round,
		requests: answered,
		ok,
		rps: answered / (result.duration || durationS),
		p50: result.latency.p50,
		p99: result.latency.p99,
		mean: result.latency.average,
		non2xx: result.non2xx,
		errors: result.errors,
		timeouts: result.timeouts,
		duplicates,
		executions,
	};
	const codes = [...statuses].map(([s, c]) => `${s}×${c}`).join(' ');
	log(
		`bench: ${target.key.padEnd(18)} round ${round}: ${figures.rps.toFixed(0).padStart(5)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, ${codes}, errors ${figures.errors}, executions ${executions}${figures.duplicates ? `, DUPLICATES ${figures.duplicates}` : ''}`,
	);
	// autocannon stops with up to `connections` requests in flight, whose answers it does not count
	if (executions < ok || executions > ok + options.connections) log(`bench: WARNING ${target.key}: ${ok} answers 2xx but ${executions} executions started`);
	return figures;
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
/** Requests per second over all rounds of a target: total requests over total time. */
const meanRps = (runs: RunFigures[]) => runs.reduce((s, r) => s + r.rps, 0) / runs.length;

export async function main(options: N8nBenchOptions): Promise<N8nBenchResult> {
	const started = performance.now();
	const fixtures = FIXTURES.filter((f) => options.providers.includes(f.provider));
	const { specs, targets } = workflows(options, fixtures);
	const n8n = await startN8n(specs, targets);
	const result: N8nBenchResult = { n8nVersion: n8n.n8n.version, nodeVersion: n8n.n8n.node.version, options, providers: [], elapsedS: 0, setupS: (performance.now() - started) / 1000 };
	try {
		if (options.n8nEnv && Object.keys(options.n8nEnv).length > 0) {
			log(`bench: n8n restarted with ${JSON.stringify(options.n8nEnv)}`);
			await n8n.restart(undefined, options.n8nEnv);
		}
		if (options.diagnose) await fillAtBound(n8n, targets.get('atbound:buzzeasy')!);
		const stock = targets.get('stock')!;
		// warm up every route for a second (JIT, workflow caches, SQLite pages): not measured
		for (const [index, fixture] of fixtures.entries()) {
			const pool = new BodyPool(fixture, options.size);
			if (index === 0) await runOne(n8n, stock, pool, options, 0, 1);
			for (const variant of ['ours', ...(options.diagnose ? ['nodedupe'] : [])]) await runOne(n8n, targets.get(`${variant}:${fixture.provider}`)!, pool, options, 0, 1);
		}
		for (const fixture of fixtures) {
			const pool = new BodyPool(fixture, options.size);
			const figures: ProviderFigures = { provider: fixture.provider, bodyBytes: pool.body().length, stock: [], ours: [], stockRps: 0, oursRps: 0, ratio: 0 };
			const ours = targets.get(`ours:${fixture.provider}`)!;
			const noDedupe = targets.get(`nodedupe:${fixture.provider}`);
			if (noDedupe) figures.oursNoDedupe = [];
			for (let round = 1; round <= options.rounds; round++) {
				// alternate which side goes first
				const order: Array<[Target, RunFigures[]]> = [
					[stock, figures.stock],
					[ours, figures.ours],
				];
				if (noDedupe) order.push([noDedupe, figures.oursNoDedupe!]);
				if (round % 2 === 0) order.reverse();
				for (const [target, runs] of order) runs.push(await runOne(n8n, target, pool, options, round));
			}
			figures.stockRps = meanRps(figures.stock);
			figures.oursRps = meanRps(figures.ours);
			figures.ratio = figures.oursRps / figures.stockRps;
			if (figures.oursNoDedupe) figures.noDedupeRatio = meanRps(figures.oursNoDedupe) / figures.stockRps;
			result.providers.push(figures);
		}
		if (options.diagnose) {
			const target = targets.get('atbound:buzzeasy')!;
			const pool = new BodyPool(target.provider!, options.size);
			const atBound = { stock: [] as RunFigures[], ours: [] as RunFigures[], ratio: 0, journalBytes: 0 };
			for (let round = 1; round <= options.rounds; round++) {
				const order: Array<[Target, RunFigures[]]> = [
					[stock, atBound.stock],
					[target, atBound.ours],
				];
				if (round % 2 === 0) order.reverse();
				for (const [t, runs] of order) runs.push(await runOne(n8n, t, pool, options, round));
			}
			atBound.ratio = meanRps(atBound.ours) / meanRps(atBound.stock);
			atBound.journalBytes = journalBytes;
			result.atBound = atBound;
		}
	} finally {
		await n8n.stop();
	}
	result.elapsedS = (performance.now() - started) / 1000;
	return result;
}

/** One n8n with the stock workflow, the triggers' workflows and every credential, each webhook live. */
async function startN8n(specs: WorkflowSpec[], targets: Map<string, Target>): Promise<N8nHarness> {
	const credentials = [
		{ id: STOCK.credentialId, name: 'Bench header auth', type: 'httpHeaderAuth', data: { name: STOCK.header, value: STOCK.secret } },
		...FIXTURES.map((f, index) => ({ id: `vwBenchCred${index}`, name: `Bench ${f.displayName}`, type: f.credentialType, data: f.credential })),
	];
	const ours = [...targets.values()].filter((t) => t.provider);
	return N8nHarness.create({
		port: Number(process.env.BENCH_N8N_PORT || 5790),
		workflows: specs,
		credentials,
		readiness: [
			...ours.map((t) => ({ path: t.path, probe: (h: N8nHarness) => h.post(t.path, '{}'), ready: (res: HttpResponse) => res.status === 401 })),
			// without the header the stock node answers 403 once its workflow is live
			{ path: STOCK.path, probe: (h: N8nHarness) => h.post(STOCK.path, '{}'), ready: (res: HttpResponse) => res.status === 403 },
		],
	});
}

/**
 * `--profile=<dir>`: where n8n's main thread spends its time, per request, for the stock node and
 * for the first provider's trigger (Deduplicate on and off). n8n is restarted under `--cpu-prof`
 * for each side alone, loaded for `--duration` seconds, stopped (the profile is written on exit),
 * and the samples are summed by function and by package: CPU ms per request, and what differs.
 */
async function profile(options: N8nBenchOptions, dir: string): Promise<void> {
	const fixtures = FIXTURES.filter((f) => options.providers.includes(f.provider)).slice(0, 1);
	const { specs, targets } = workflows({ ...options, diagnose: true }, fixtures);
	const n8n = await startN8n(specs, targets);
	const fs = await import('node:fs');
	const path = await import('node:path');
	const sides = ['stock', `ours:${fixtures[0].provider}`, `nodedupe:${fixtures[0].provider}`];
	const perSide: Array<{ side: string; requests: number; byFunction: Map<string, number>; byPackage: Map<string, number>; busyMs: number }> = [];
	try {
		for (const side of sides) {
			const out = path.resolve(dir, side.replace(':', '-'));
			fs.rmSync(out, { recursive: true, force: true });
			fs.mkdirSync(out, { recursive: true });
			await n8n.restart(60_000, { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${out}` });
			const target = targets.get(side)!;
			const pool = new BodyPool(fixtures[0], options.size);
			const warm = await runOne(n8n, target, pool, options, 0, 2);
			const figures = await runOne(n8n, target, pool, options, 1);
			await n8n.stop(60_000);
			// the main process's profile is the one with n8n's webhook code in it
			const files = fs.readdirSync(out).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(out, f));
			const parsed = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as CpuProfile).filter((p) => p.nodes.some((n) => /live-webhooks/.test(n.callFrame.url)));
			if (parsed.length === 0) throw new Error(`no profile of n8n's main process in ${out}`);
			// only the samples from the first to the last request served (n8n's start and stop left out)
			perSide.push({ side, requests: warm.requests + figures.requests, ...summarize(parsed[0]) });
		}
	} finally {
		await n8n.stop();
	}
	const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
	console.log('\nn8n main thread, CPU ms per request (profile samples, idle and GC included separately):');
	for (const s of perSide) console.log(`  ${s.side.padEnd(20)} ${(s.busyMs / s.requests).toFixed(2)} ms busy per request over ${s.requests} requests (all samples ${(total(s.byFunction) / s.requests).toFixed(2)} ms)`);
	const [stock, ...rest] = perSide;
	for (const other of rest) {
		console.log(`\nWhere ${other.side} costs more than stock, per request (ms), by package:`);
		diffTable(stock, other, 'byPackage', 12);
		console.log(`\nby function:`);
		diffTable(stock, other, 'byFunction', 25);
	}
}

interface CpuProfile {
	nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
	samples: number[];
	timeDeltas: number[];
}

function summarize(profile: CpuProfile): { byFunction: Map<string, number>; byPackage: Map<string, number>; busyMs: number } {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const serving = (id: number) => {
		for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (/live-webhooks/.test(byId.get(cur)!.callFrame.url)) return true;
		return false;
	};
	const first = profile.samples.findIndex(serving);
	let last = profile.samples.length - 1;
	while (last > first && !serving(profile.samples[last])) last--;
	const byFunction = new Map<string, number>();
	const byPackage = new Map<string, number>();
	let busyMs = 0;
	profile.samples.forEach((id, i) => {
		if (i < first || i > last) return;
		const node = byId.get(id)!;
		const ms = (profile.timeDeltas[i] ?? 0) / 1000;
		const { functionName, url, lineNumber } = node.callFrame;
		const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url ? (url.startsWith('node:') ? 'node:internal' : url.split('/').slice(-2).join('/')) : `(${functionName || 'native'})`);
		const fn = `${functionName || '(anonymous)'} ${url.split('node_modules/').pop()}:${lineNumber + 1}`;
		byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
		byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
		if (functionName !== '(idle)' && functionName !== '(program)') busyMs += ms;
	});
	return { byFunction, byPackage, busyMs };
}

function diffTable(a: { requests: number; byFunction: Map<string, number>; byPackage: Map<string, number> }, b: typeof a, key: 'byFunction' | 'byPackage', top: number): void {
	const names = new Set([...a[key].keys(), ...b[key].keys()]);
	const rows = [...names]
		.map((name) => ({ name, a: (a[key].get(name) ?? 0) / a.requests, b: (b[key].get(name) ?? 0) / b.requests }))
		.sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a))
		.slice(0, top);
	for (const r of rows) console.log(`  ${(r.b - r.a >= 0 ? '+' : '') + (r.b - r.a).toFixed(3)}  (stock ${r.a.toFixed(3)}, this ${r.b.toFixed(3)})  ${r.name}`);
}

let journalBytes = 0;

/**
 * Fills the at-bound trigger's dedupe record to its bound (10,000 keys) the way production does,
 * one delivery at a time would take minutes: instead its static data is written through n8n's CLI
 * (n8n stopped), in the format the trigger persists (`<key> <base-36 seconds>\n` lines).
 */
async function fillAtBound(n8n: N8nHarness, target: Target): Promise<void> {
	const fs = await import('node:fs');
	const path = await import('node:path');
	const nowS = Math.floor(Date.now() / 1000);
	let journal = '';
	for (let i = 0; i < 10_000; i++) journal += `~${Buffer.from(`${i}`.padStart(16, 'k')).toString('base64url')} ${(nowS - 10_000 + i).toString(36)}\n`;
	journalBytes = journal.length;
	const spec = n8n.options.workflows.find((w) => w.id === target.workflowId)!;
	const file = path.join(n8n.userFolder, 'atbound.json');
	const nodeId = (spec.nodes[0] as { name: string }).name;
	fs.writeFileSync(
		file,
		JSON.stringify([
			{
				id: spec.id,
				name: spec.name,
				active: false,
				nodes: spec.nodes,
				connections: {},
				settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all', saveManualExecutions: true },
				pinData: {},
				staticData: { [`node:${nodeId}`]: { dedupe: { v: 2, journal } } },
			},
		]),
	);
	await n8n.stop();
	await n8n.cli(['import:workflow', `--input=${file}`]);
	await n8n.cli(['publish:workflow', `--id=${spec.id}`]);
	await n8n.start();
}

export function summary(result: N8nBenchResult): string {
	const lines: string[] = [];
	const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
	lines.push(row(['provider', 'body', 'stock req/s', 'ours req/s', 'ours / stock', 'stock p50 / p99 ms', 'ours p50 / p99 ms', 'non-2xx + errors (stock / ours)', 'executions started (ours / 2xx)']));
	lines.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
	for (const p of result.providers) {
		const lat = (runs: RunFigures[]) => `${median(runs.map((r) => r.p50))} / ${median(runs.map((r) => r.p99))}`;
		const bad = (runs: RunFigures[]) => runs.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0);
		const ok = p.ours.reduce((s, r) => s + r.ok, 0);
		const started = p.ours.reduce((s, r) => s + r.executions, 0);
		lines.push(
			row([
				p.provider,
				`${p.bodyBytes} B`,
				p.stockRps.toFixed(0),
				p.oursRps.toFixed(0),
				`**${p.ratio.toFixed(2)}**`,
				lat(p.stock),
				lat(p.ours),
				`${bad(p.stock)} / ${bad(p.ours)}`,
				`${started} / ${ok}`,
			]),
		);
	}
	return lines.join('\n');
}

if (require.main === module) {
	const options: N8nBenchOptions = {
		durationS: Number(arg('duration', '5')),
		rounds: Number(arg('rounds', '2')),
		connections: Number(arg('connections', '10')),
		size: Number(arg('size', '1024')),
		providers: arg('providers', Object.keys(PROVIDERS).join(',')).split(',') as ProviderId[],
		diagnose: flag('diagnose'),
		n8nEnv: Object.fromEntries(
			arg('n8n-env', '')
				.split(',')
				.filter(Boolean)
				.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
		),
	};
	const profileDir = arg('profile', '');
	if (profileDir)
		profile(options, profileDir).catch((err) => {
			console.error(err);
			process.exit(1);
		});
	else main(options)
		.then(async (result) => {
			console.log(summary(result));
			if (result.atBound) console.log(`buzzeasy with a full dedupe journal (${result.atBound.journalBytes} B): ours / stock ${result.atBound.ratio.toFixed(2)}`);
			for (const p of result.providers) if (p.noDedupeRatio !== undefined) console.log(`${p.provider}: dedupe off / stock ${p.noDedupeRatio.toFixed(2)}`);
			const out = arg('json', '');
			if (out) (await import('node:fs')).writeFileSync(out, JSON.stringify(result, null, 2));
			console.log(`n8n part: ${result.elapsedS.toFixed(0)} s`);
		})
		.catch((err) => {
			console.error(err);
			process.exit(1);
		});
}
