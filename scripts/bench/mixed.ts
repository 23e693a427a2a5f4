/**
 * The mixed, hostile load against what a user builds without this package, in one real n8n:
 *
 * - `diy`: the do-it-yourself workflow from n8n's own nodes. BuzzBip: Webhook (POST, Raw Body on,
 *   answers when the last node finishes, no body) → Crypto (HMAC-SHA256 of the raw bytes, the
 *   Webhook's binary `data`, with the signing secret, hex) → If (that digest equals the
 *   X-BuzzBip-Signature header) → Remove Duplicates ("Remove Items Processed in Previous
 *   Executions", keyed by the event's `id`) → No Operation. Buzzeasy: Webhook with Header Auth
 *   (x-api-key) → Remove Duplicates (the work item's `id`) → No Operation.
 * - `ours`: the BuzzBip / Buzzeasy Trigger → No Operation.
 * - `bare`: n8n's Webhook node (no authentication, answers at once) → No Operation.
 * - the sides listed in --lazy-sides (default ours and diy): the same workflows after a restart of
 *   the same n8n with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true; those in --noskip-sides (default
 *   none) once more with N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false.
 *
 * Each side runs --rounds times per setting, the sides in turn, their order reversed from one
 * round to the next (and from one provider to the next), so that the drift of a shared machine's
 * load falls on every side alike; every side is warmed up alike first. n8n runs with /metrics on,
 * and each round reads how many expression isolates n8n acquired while it ran.
 *
 * Every side gets the same plan (scripts/bench/mixedLoad.ts, one seed): genuine new events, retries
 * of some of them after their answer, retries of others racing the original, forged requests; each
 * side with events of its own, signed with the secret both sides are configured with. Afterwards
 * every execution is read back through n8n's public API: which event it carried (the first node's
 * output) and whether it reached No Operation.
 *
 *   npx tsx scripts/bench/mixed.ts [--events=120] [--concurrency=20] [--providers=buzzbip,buzzeasy]
 *     [--sides=diy,ours,bare] [--lazy-sides=ours,diy] [--noskip-sides=] [--rounds=2] [--seed=18] [--size=1024] [--json=out.json]
 *
 * An empty list (`--sides=`, `--lazy-sides=`) leaves that setting out: `--providers=buzzbip
 * --sides=diy,ours --lazy-sides= --events=40 --rounds=1` is a short run of two sides.
 *
 * Run after `npm run build` (the harness packs dist/); `npm run bench -- --mixed` does both and
 * writes the table into BENCHMARKS.md.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';

import { PROVIDERS } from '../../nodes/shared/providers';
import { buildSample, serialSource } from '../../packages/cli/src/samples';
import { prepareRequest, type PreparedRequest } from '../../packages/cli/src/send';
import { N8nHarness, httpRequest, log, uniqueTag, waitFor, type HttpResponse, type WorkflowSpec } from '../n8n';
import { e2eTargets, type E2eTarget } from '../providers';
import { DEFAULT_SHARES, LAST_NODE, planMix, promCounter, readExecution, processGroupCpuSeconds, runMix, seededRandom, tally, tallyRounds, type Forgery, type MixPlan, type MixShares, type PlannedRequest, type Round, type SideFigures } from './mixedLoad';

export type Side = 'diy' | 'ours' | 'bare';
const SIDES: Side[] = ['diy', 'ours', 'bare'];

/**
 * The n8n settings a side can be measured in: n8n's defaults; lazy isolates (an expression
 * isolate only when an expression is evaluated); and n8n's own Webhook node denied its skip of
 * the webhook phase's isolate (as every other node is), the control that shows what that skip is worth.
 */
export type Setting = 'default' | 'lazy' | 'noskip';
const SETTINGS: Setting[] = ['default', 'lazy', 'noskip'];
export const SETTING_ENV: Record<Setting, Record<string, string>> = {
	default: {},
	lazy: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	noskip: { N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP: 'false' },
};
/** Prometheus' /metrics on, for the count of expression isolates (n8n's `expression.pool.acquired`). */
const METRICS_ENV = { N8N_METRICS: 'true' };
const ISOLATES_METRIC = 'n8n_expression_pool_acquired_total';

/** The providers this bench knows how to build a do-it-yourself workflow for, and how each is forged. */
const FORGERIES: Record<string, Forgery[]> = { buzzbip: ['wrongKey', 'alteredBody'], buzzeasy: ['wrongKey', 'noKey'] };

export interface MixedOptions {
	events: number;
	concurrency: number;
	providers: string[];
	sides: Side[];
	lazySides: Side[];
	/** Sides measured once more with N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false (none by default). */
	noskipSides: Side[];
	/** Rounds per side and setting, the order of the sides reversed from one round to the next. */
	rounds: number;
	seed: number;
	shares: MixShares;
	/** Body size to pad the genuine events' text field to (bytes). */
	size: number;
}

export interface SideResult {
	provider: string;
	side: Side;
	setting: Setting;
	/** setting === 'lazy' (read by older readers of the JSON). */
	lazy: boolean;
	workflow: string;
	/** The plan of one round (every round has the same). */
	plan: MixPlan['counts'];
	rounds: number;
	/** Every round together (see tallyRounds). */
	figures: SideFigures;
	/** Genuine events completed per second, round by round. */
	perRoundRates: number[];
	cpuSeconds: number;
	cpuPerCompletedEvent: number;
	/** Expression isolates n8n acquired (created) while the side ran, and per genuine event completed. */
	isolates: number;
	isolatesPerCompletedEvent: number;
	maxInFlight: number;
}

export interface MixedResult {
	n8nVersion: string;
	nodeVersion: string;
	options: MixedOptions;
	results: SideResult[];
	setupS: number;
	elapsedS: number;
	loadBefore: number[];
	loadAfter: number[];
}

const CRYPTO_CREDENTIAL = 'vwMixedCrypto001';
const HEADER_CREDENTIAL = 'vwMixedHeader001';
const NOOP = LAST_NODE;

interface SideTarget {
	workflowId: string;
	path: string;
	/** The node whose output names the event. */
	firstNode: string;
	description: string;
}

const fixtureOf = (provider: string): E2eTarget => {
	const fixture = e2eTargets('bench').find((f) => f.provider === provider);
	if (!fixture) throw new Error(`unknown provider ${provider}`);
	return fixture;
};

const id16 = (text: string) => text.padEnd(16, 'x').slice(0, 16);
const uuid = (n: number) => `5e1fbe00-0000-4000-9000-${String(n).padStart(12, '0')}`;

function noop(n: number, x: number): Record<string, unknown> {
	return { id: uuid(n), name: NOOP, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [x, 0], parameters: {} };
}

const main0 = (to: string) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });

/** The workflows of every side for one provider, and where each is reached. */
export function sideWorkflows(provider: string, base: number): { specs: WorkflowSpec[]; targets: Map<Side, SideTarget> } {
	const fixture = fixtureOf(provider);
	const specs: WorkflowSpec[] = [];
	const targets = new Map<Side, SideTarget>();
	// ours: the trigger → No Operation
	{
		const webhookId = uuid(base + 1);
		const name = `${fixture.displayName} Trigger`;
		specs.push({
			id: id16(`vwMixOurs${provider}`),
			name: `Mixed load: ${fixture.displayName} Trigger`,
			nodes: [
				{ id: uuid(base + 2), name, type: fixture.nodeType, typeVersion: 2, position: [0, 0], webhookId, parameters: { options: {} }, credentials: { [fixture.credentialType]: { id: `vwMixCred${provider}`.slice(0, 16), name: `Mixed ${fixture.displayName}` } } },
				noop(base + 3, 300),
			],
			connections: { [name]: main0(NOOP) },
		});
		targets.set('ours', { workflowId: id16(`vwMixOurs${provider}`), path: `${webhookId}/webhook`, firstNode: name, description: `${fixture.displayName} Trigger → No Operation` });
	}
	// bare: n8n's Webhook node, no authentication, answering at once → No Operation
	{
		const path = `mixed-bare-${provider}`;
		specs.push({
			id: id16(`vwMixBare${provider}`),
			name: `Mixed load: bare Webhook (${fixture.displayName} load)`,
			nodes: [
				{ id: uuid(base + 11), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0], webhookId: uuid(base + 12), parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } },
				noop(base + 13, 300),
			],
			connections: { Webhook: main0(NOOP) },
		});
		targets.set('bare', { workflowId: id16(`vwMixBare${provider}`), path, firstNode: 'Webhook', description: 'Webhook (no auth, answers at once) → No Operation' });
	}
	// diy: what a careful user builds from n8n's own nodes
	const path = `mixed-diy-${provider}`;
	const webhook = (parameters: Record<string, unknown>, credentials?: Record<string, unknown>) => ({
		id: uuid(base + 21),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: uuid(base + 22),
		// answered once the workflow has run (no body): a 2xx then means the event went through the
		// dedupe to the end, and an execution that fails answers 500, so the provider retries it
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'noData', ...parameters },
		...(credentials ? { credentials } : {}),
	});
	const removeDuplicates = (x: number) => ({
		id: uuid(base + 23),
		name: 'Remove Duplicates',
		type: 'n8n-nodes-base.removeDuplicates',
		typeVersion: 2,
		position: [x, 0],
		parameters: { operation: 'removeItemsSeenInPreviousExecutions', logic: 'removeItemsWithAlreadySeenKeyValues', dedupeValue: '={{ $json.body.id }}', options: {} },
	});
	if (provider === 'buzzbip') {
		specs.push({
			id: id16(`vwMixDiy${provider}`),
			name: 'Mixed load: BuzzBip, do it yourself (Webhook → Crypto → If → Remove Duplicates)',
			nodes: [
				webhook({ options: { rawBody: true } }),
				{
					id: uuid(base + 24),
					name: 'Crypto',
					type: 'n8n-nodes-base.crypto',
					typeVersion: 2,
					position: [200, 0],
					// HMAC of the raw bytes (the Webhook's binary `data`), not of a re-serialized JSON body
					parameters: { action: 'hmac', binaryData: true, binaryPropertyName: 'data', type: 'SHA256', dataPropertyName: 'computedSignature', encoding: 'hex' },
					credentials: { crypto: { id: CRYPTO_CREDENTIAL, name: 'BuzzBip signing secret' } },
				},
				{
					id: uuid(base + 25),
					name: 'If',
					type: 'n8n-nodes-base.if',
					typeVersion: 2.2,
					position: [400, 0],
					parameters: {
						conditions: {
							options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
							conditions: [
								{
									id: uuid(base + 26),
									leftValue: '={{ $json.computedSignature }}',
									// a request without the header compares with '' instead of stopping the If node on a type error
									rightValue: "={{ $json.headers['x-buzzbip-signature'] ?? '' }}",
									operator: { type: 'string', operation: 'equals' },
								},
							],
							combinator: 'and',
						},
						options: {},
					},
				},
				removeDuplicates(600),
				noop(base + 27, 800),
			],
			connections: { Webhook: main0('Crypto'), Crypto: main0('If'), If: { main: [[{ node: 'Remove Duplicates', type: 'main', index: 0 }], []] }, 'Remove Duplicates': main0(NOOP) },
		});
		targets.set('diy', { workflowId: id16(`vwMixDiy${provider}`), path, firstNode: 'Webhook', description: 'Webhook (Raw Body) → Crypto (HMAC-SHA256) → If → Remove Duplicates → No Operation' });
	} else if (provider === 'buzzeasy') {
		specs.push({
			id: id16(`vwMixDiy${provider}`),
			name: 'Mixed load: Buzzeasy, do it yourself (Webhook with Header Auth → Remove Duplicates)',
			nodes: [webhook({ authentication: 'headerAuth', options: {} }, { httpHeaderAuth: { id: HEADER_CREDENTIAL, name: 'Buzzeasy x-api-key' } }), removeDuplicates(300), noop(base + 27, 600)],
			connections: { Webhook: main0('Remove Duplicates'), 'Remove Duplicates': main0(NOOP) },
		});
		targets.set('diy', { workflowId: id16(`vwMixDiy${provider}`), path, firstNode: 'Webhook', description: 'Webhook (Header Auth) → Remove Duplicates → No Operation' });
	} else throw new Error(`no do-it-yourself workflow for ${provider} (known: buzzbip, buzzeasy)`);
	return { specs, targets };
}

function setPath(target: Record<string, any>, path: string, value: unknown): void {
	const parts = path.split('.');
	let node = target;
	for (const part of parts.slice(0, -1)) node = node[part] ?? (node[part] = {});
	node[parts[parts.length - 1]] = value;
}

/** The requests of one side's run: a new event per genuine index and per forged one, signed before the clock starts. */
export function buildRequests(provider: string, plan: MixPlan, url: string, tag: string, size: number): { genuine: PreparedRequest[]; forged: PreparedRequest[]; keys: { genuine: string[]; forged: string[] } } {
	const fixture = fixtureOf(provider);
	const { event, path } = PROVIDERS[provider].samples.text;
	const now = new Date();
	const body = (n: number) => {
		const sample = buildSample(provider, event, { source: serialSource(n, tag, now) });
		const unique = `${tag}-${n} `;
		setPath(sample, path, unique);
		const room = Math.max(0, size - JSON.stringify(sample).length);
		setPath(sample, path, unique + 'lorem ipsum dolor sit amet '.repeat(Math.ceil(room / 27) + 1).slice(0, room));
		return JSON.stringify(sample);
	};
	const sign = (raw: string, tamper?: 'signature' | 'body') => prepareRequest(provider, raw, { url, secret: fixture.secret.secret, headerName: fixture.secret.headerName, tamper });
	const genuine = Array.from({ length: plan.counts.events }, (_, i) => sign(body(i)));
	const forgedPlan = plan.jobs.flatMap((j) => j.requests).filter((r) => r.role === 'forged').sort((a, b) => a.index - b.index);
	const forged = forgedPlan.map((r) => {
		const raw = body(1_000_000 + r.index);
		if (r.forgery === 'wrongKey') return sign(raw, 'signature');
		if (r.forgery === 'alteredBody') return sign(raw, 'body');
		// noKey: the request without its authentication header
		const request = sign(raw);
		const auth = PROVIDERS[provider].verification;
		const header = auth.type === 'header' ? (auth.header ?? fixture.secret.headerName) : auth.signatureHeader;
		for (const name of Object.keys(request.headers)) if (name.toLowerCase() === header!.toLowerCase()) delete request.headers[name];
		return request;
	});
	const keyOf = (r: PreparedRequest) => String((JSON.parse(r.body) as { id: unknown }).id);
	return { genuine, forged, keys: { genuine: genuine.map(keyOf), forged: forged.map(keyOf) } };
}

function post(agent: http.Agent, url: string, request: PreparedRequest): Promise<{ status: number; error?: string }> {
	return new Promise((resolve) => {
		const req = http.request(url, { method: 'POST', agent, headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) } }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
			res.on('error', (err) => resolve({ status: 0, error: err.message }));
		});
		req.on('error', (err) => resolve({ status: 0, error: (err as NodeJS.ErrnoException).code ?? err.message }));
		req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
		req.end(request.body);
	});
}

const cpuOf = (pgid: number) =>
	processGroupCpuSeconds(pgid, {
		list: () => fs.readdirSync('/proc'),
		stat: (pid) => {
			try {
				return fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			} catch {
				return undefined;
			}
		},
	});

async function newestExecutionId(n8n: N8nHarness, workflowId: string): Promise<number> {
	// 2.x's list leaves out running executions unless asked for them by status
	const page = await n8n.api<{ data: Array<{ id: string }> }>(`/executions?workflowId=${encodeURIComponent(workflowId)}&limit=1`);
	const running = await n8n.api<{ data: Array<{ id: string }> }>(`/executions?workflowId=${encodeURIComponent(workflowId)}&status=running&limit=1`);
	return Math.max(0, ...[...page.data, ...running.data].map((e) => Number(e.id)));
}

/** Waits until no execution of the workflow newer than `afterId` is unfinished and their number has not moved for 3 s. */
async function settle(n8n: N8nHarness, workflowId: string, afterId: number): Promise<void> {
	let last = -1;
	let stableSince = performance.now();
	await waitFor(
		async () => {
			const list = await n8n.executions(workflowId, { includeData: false, includeRunning: true, afterId });
			const unfinished = list.filter((e) => ['new', 'running', 'waiting'].includes(e.status)).length;
			if (list.length !== last) {
				last = list.length;
				stableSince = performance.now();
			}
			return unfinished === 0 && performance.now() - stableSince > 3000;
		},
		{ timeoutMs: 300_000, intervalMs: 500, what: `executions of ${workflowId} to settle` },
	);
}

async function isolatesOf(n8n: N8nHarness): Promise<number> {
	const res = await httpRequest(`${n8n.url}/metrics`, {});
	const value = res.status === 200 ? promCounter(res.body, ISOLATES_METRIC) : undefined;
	// before the first acquisition the counter may not be listed yet
	return value ?? 0;
}

interface RoundResult {
	round: Round;
	cpuSeconds: number;
	isolates: number;
	maxInFlight: number;
	plan: MixPlan;
}

async function runRound(n8n: N8nHarness, provider: string, side: Side, target: SideTarget, options: MixedOptions, setting: Setting, roundNo: number): Promise<RoundResult> {
	const plan = planMix(options.events, options.shares, FORGERIES[provider], seededRandom(options.seed));
	const url = `${n8n.url}/webhook/${target.path}`;
	const { genuine, forged, keys } = buildRequests(provider, plan, url, uniqueTag(), options.size);
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
	const before = await newestExecutionId(n8n, target.workflowId);
	const pid = n8n.pid!;
	const isolatesBefore = await isolatesOf(n8n);
	const cpuBefore = cpuOf(pid);
	const startedAtMs = Date.now();
	const send = (r: PlannedRequest) => post(agent, url, r.role === 'forged' ? forged[r.index] : genuine[r.index]);
	const { records, elapsedMs, maxInFlight } = await runMix(plan.jobs, options.concurrency, options.concurrency, send);
	agent.destroy();
	await settle(n8n, target.workflowId, before);
	const cpuSeconds = cpuOf(pid) - cpuBefore;
	const isolates = (await isolatesOf(n8n)) - isolatesBefore;
	const executions = (await n8n.executions(target.workflowId, { includeData: true, afterId: before })).map((e) => readExecution(e, target.firstNode));
	const round: Round = { records, executions, keys, startedAtMs, elapsedMs };
	const f = tally(records, executions, keys, startedAtMs, elapsedMs);
	const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
	log(
		`mixed: ${provider} ${side} (${setting}) round ${roundNo + 1}/${options.rounds}: ${f.completedEvents}/${f.genuineEvents} events completed, ${f.completedPerSecond.toFixed(1)}/s, p50 ${ms(f.p50)} ms p99 ${ms(f.p99)} ms ` +
			`(p50 original ${ms(f.p50ByRole.original)}, retry after the answer ${ms(f.p50ByRole.sequentialRetry)}, racing retry ${ms(f.p50ByRole.concurrentRetry)}, forged ${ms(f.p50ByRole.forged)}), ` +
			`forged executions ${f.forgedExecutions}, run twice ${f.runTwice} (${JSON.stringify(f.runTwiceBy)}), lost ${f.lost}, executions ${f.executions} (failed ${f.failedExecutions}, unidentified ${f.unidentified}), ` +
			`CPU ${cpuSeconds.toFixed(1)} s (${f.completedEvents ? ((cpuSeconds / f.completedEvents) * 1000).toFixed(0) : '–'} ms/event), isolates ${isolates}; answers ${JSON.stringify(f.statuses)}; load ${os.loadavg()[0].toFixed(2)}`,
	);
	return { round, cpuSeconds, isolates, maxInFlight, plan };
}

/** The rounds of one side in one setting, as one result. */
function sideResult(provider: string, side: Side, setting: Setting, target: SideTarget, rounds: RoundResult[]): SideResult {
	const figures = tallyRounds(rounds.map((r) => r.round));
	const cpuSeconds = rounds.reduce((sum, r) => sum + r.cpuSeconds, 0);
	const isolates = rounds.reduce((sum, r) => sum + r.isolates, 0);
	const { perRound, ...all } = figures;
	return {
		provider,
		side,
		setting,
		lazy: setting === 'lazy',
		workflow: target.description,
		plan: rounds[0].plan.counts,
		rounds: rounds.length,
		figures: all,
		perRoundRates: perRound.map((f) => f.completedPerSecond),
		cpuSeconds,
		cpuPerCompletedEvent: all.completedEvents > 0 ? cpuSeconds / all.completedEvents : NaN,
		isolates,
		isolatesPerCompletedEvent: all.completedEvents > 0 ? isolates / all.completedEvents : NaN,
		maxInFlight: Math.max(...rounds.map((r) => r.maxInFlight)),
	};
}

/** Sends a few genuine events to each side (JIT, caches, the Remove Duplicates row): not measured. */
async function warmUp(n8n: N8nHarness, provider: string, targets: Map<Side, SideTarget>, sides: Side[]): Promise<void> {
	for (const side of sides) {
		const target = targets.get(side)!;
		const plan = planMix(10, { sequentialRetry: 0, concurrentRetry: 0, forged: 0 }, [], seededRandom(1));
		const url = `${n8n.url}/webhook/${target.path}`;
		const { genuine } = buildRequests(provider, plan, url, uniqueTag(), 256);
		const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
		// the first alone: on an empty history, Remove Duplicates inserts its row (two at once would both insert)
		const first = await post(agent, url, genuine[0]);
		const rest = await Promise.all(genuine.slice(1).map((r) => post(agent, url, r)));
		agent.destroy();
		const bad = [first, ...rest].filter((a) => a.status < 200 || a.status >= 300);
		if (bad.length) throw new Error(`warm-up of ${provider} ${side}: ${bad.length} answers not 2xx (${JSON.stringify(bad.slice(0, 3))})`);
	}
}

export async function main(options: MixedOptions): Promise<MixedResult> {
	const started = performance.now();
	const loadBefore = os.loadavg();
	const perProvider = options.providers.map((provider, i) => ({ provider, ...sideWorkflows(provider, 1000 * (i + 1)) }));
	const fixtures = options.providers.map(fixtureOf);
	const buzzeasy = fixtureOf('buzzeasy');
	const buzzbip = fixtureOf('buzzbip');
	const credentials = [
		...fixtures.map((f) => ({ id: `vwMixCred${f.provider}`.slice(0, 16), name: `Mixed ${f.displayName}`, type: f.credentialType, data: f.credential })),
		{ id: CRYPTO_CREDENTIAL, name: 'BuzzBip signing secret', type: 'crypto', data: { hmacSecret: buzzbip.secret.secret } },
		{ id: HEADER_CREDENTIAL, name: 'Buzzeasy x-api-key', type: 'httpHeaderAuth', data: { name: 'x-api-key', value: buzzeasy.secret.secret } },
	];
	const readiness = perProvider.flatMap(({ targets }) =>
		[...targets.entries()].map(([side, t]) => ({
			path: t.path,
			probe: (h: N8nHarness) => h.post(t.path, '{}'),
			// ours refuse an unsigned request; the DIY Buzzeasy Webhook's Header Auth too; the others run it
			ready: (res: HttpResponse) => (side === 'ours' ? res.status === 401 : side === 'diy' && t.description.includes('Header Auth') ? res.status === 403 : res.status === 200),
		})),
	);
	const n8n = await N8nHarness.create({ port: Number(process.env.BENCH_N8N_PORT || 18500), workflows: perProvider.flatMap((p) => p.specs), credentials, readiness, env: METRICS_ENV });
	const setupS = (performance.now() - started) / 1000;
	const results: SideResult[] = [];
	const phases = ([
		['default', options.sides],
		['lazy', options.lazySides],
		['noskip', options.noskipSides],
	] as Array<[Setting, Side[]]>).filter(([, sides]) => sides.length > 0);
	let running: Setting = 'default';
	try {
		for (const [setting, sides] of phases) {
			if (setting !== running) {
				log(`mixed: n8n restarted with ${JSON.stringify(SETTING_ENV[setting])}`);
				await n8n.restart(undefined, SETTING_ENV[setting]);
				running = setting;
			}
			for (const { provider, targets } of perProvider) await warmUp(n8n, provider, targets, sides);
			const rounds = new Map<string, RoundResult[]>();
			// the sides in turn, the order reversed from one round to the next and from one provider to
			// the next, so that a drift of the machine's load falls on every side alike
			for (let round = 0; round < options.rounds; round++)
				for (const [i, { provider, targets }] of perProvider.entries())
					for (const side of (round + i) % 2 === 0 ? sides : [...sides].reverse()) {
						const key = `${provider}:${side}`;
						rounds.set(key, [...(rounds.get(key) ?? []), await runRound(n8n, provider, side, targets.get(side)!, options, setting, round)]);
					}
			for (const { provider, targets } of perProvider) for (const side of sides) results.push(sideResult(provider, side, setting, targets.get(side)!, rounds.get(`${provider}:${side}`)!));
		}
	} finally {
		await n8n.stop();
	}
	return { n8nVersion: n8n.n8n.version, nodeVersion: n8n.n8n.node.version, options, results, setupS, elapsedS: (performance.now() - started) / 1000, loadBefore, loadAfter: os.loadavg() };
}

const SIDE_NAMES: Record<Side, string> = { diy: 'do it yourself', ours: 'our trigger', bare: 'bare Webhook' };
const SETTING_NAMES: Record<Setting, string> = { default: 'default', lazy: 'lazy isolates', noskip: "no isolate skip for n8n's Webhook node" };
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** The table of BENCHMARKS.md. */
export function mixedTable(result: MixedResult): string {
	const lines = [
		'| provider | side | n8n setting | workflow | genuine events completed / s (round by round) | p50 / p99 answer ms | executions started by forged requests | events run twice | events lost (2xx, never completed) | CPU s of n8n per genuine event | expression isolates per genuine event | events completed / genuine | executions / requests | answers to forged requests |',
		'| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
	];
	const rank = (r: SideResult) => result.options.providers.indexOf(r.provider) * 100 + SETTINGS.indexOf(r.setting ?? (r.lazy ? 'lazy' : 'default')) * 10 + SIDES.indexOf(r.side);
	for (const r of [...result.results].sort((a, b) => rank(a) - rank(b))) {
		const f = r.figures;
		const forgedAnswers = Object.entries(f.statuses.forged)
			.map(([code, n]) => `${code}×${n}`)
			.join(' ');
		const rounds = r.rounds ?? 1;
		// the counts of the plan are per round
		const of = (n: number) => n * rounds;
		const perRound = rounds > 1 && r.perRoundRates ? ` (${r.perRoundRates.map((x) => fmt(x)).join(' / ')})` : '';
		lines.push(
			`| ${r.provider} | ${SIDE_NAMES[r.side]} | ${SETTING_NAMES[r.setting ?? (r.lazy ? 'lazy' : 'default')]} | ${r.workflow} | **${fmt(f.completedPerSecond)}**${perRound} | ${fmt(f.p50, 0)} / ${fmt(f.p99, 0)} | ${f.forgedExecutions} of ${of(r.plan.forged)}${f.forgedCompleted ? ` (${f.forgedCompleted} to the end)` : ''} | ${f.runTwice}${f.runTwice ? ` (${f.runTwiceBy.sequentialRetry} of ${of(r.plan.sequentialRetries)} retried after the answer, ${f.runTwiceBy.concurrentRetry} of ${of(r.plan.concurrentRetries)} racing${f.extraRuns > f.runTwice ? `; ${f.extraRuns} extra runs` : ''})` : ''} | ${f.lost} | ${fmt(r.cpuPerCompletedEvent, 3)} | ${fmt(r.isolatesPerCompletedEvent, 2)} | ${f.completedEvents} / ${f.genuineEvents} | ${f.executions} / ${f.requests} | ${forgedAnswers} |`,
		);
	}
	return lines.join('\n');
}

/** The load's make-up, in words. */
export function mixedLoadLine(result: MixedResult): string {
	const c = result.results[0]?.plan;
	if (!c) return '';
	const o = result.options;
	const pct = (n: number) => `${Math.round((100 * n) / c.requests)} %`;
	const rounds = o.rounds ?? 1;
	return (
		`Per side, provider and setting, ${rounds > 1 ? `${rounds} rounds (the order of the sides reversed from one round to the next), each of ` : ''}${c.requests} requests at concurrency ${o.concurrency} (seed ${o.seed}, genuine bodies ~${o.size} B): ${c.events} genuine new events (${pct(c.events)} of the requests), ` +
		`${c.sequentialRetries} retries sent after the original's answer (${pct(c.sequentialRetries)}; ${Math.round(o.shares.sequentialRetry * 100)} % of the events), ` +
		`${c.concurrentRetries} retries sent at the same moment as their original (${pct(c.concurrentRetries)}; ${Math.round(o.shares.concurrentRetry * 100)} % of the events), ` +
		`${c.forged} forged requests (${pct(c.forged)}: BuzzBip half signed with a wrong key, half with the body altered after signing; Buzzeasy half with a wrong key, half with none), each a new event id, all in one shuffled order.`
	);
}

function arg(name: string, fallback: string): string {
	const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
	return hit ? hit.slice(name.length + 3) : fallback;
}

export function optionsFromArgs(): MixedOptions {
	const list = (name: string, fallback: string) =>
		arg(name, fallback)
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
	const sides = list('sides', SIDES.join(',')) as Side[];
	const lazySides = list('lazy-sides', 'ours,diy') as Side[];
	const noskipSides = list('noskip-sides', '') as Side[];
	for (const s of [...sides, ...lazySides, ...noskipSides]) if (!SIDES.includes(s)) throw new Error(`unknown side ${s} (known: ${SIDES.join(', ')})`);
	return {
		events: Number(arg('events', '120')),
		concurrency: Number(arg('concurrency', '20')),
		providers: list('providers', 'buzzbip,buzzeasy'),
		sides,
		lazySides,
		noskipSides,
		rounds: Math.max(1, Math.floor(Number(arg('rounds', '2')))),
		seed: Number(arg('seed', '18')),
		shares: { ...DEFAULT_SHARES },
		size: Number(arg('size', '1024')),
	};
}

if (require.main === module) {
	main(optionsFromArgs())
		.then((result) => {
			console.log(mixedLoadLine(result));
			console.log(mixedTable(result));
			const out = arg('json', '');
			// the tables rendered here, for run.cjs (plain JS) to put into BENCHMARKS.md
			if (out) fs.writeFileSync(out, JSON.stringify({ ...result, render: { mixedTable: mixedTable(result), mixedLoadLine: mixedLoadLine(result) } }, null, 2));
			console.log(`mixed part: ${result.elapsedS.toFixed(0)} s (setup ${result.setupS.toFixed(0)} s)`);
		})
		.catch((err) => {
			console.error(err);
			process.exit(1);
		});
}
