/**
 * Exactly once in n8n's queue mode (issue 17): a real n8n 2.41.1 main + one `n8n worker` + two
 * `n8n webhook` processes over a real Postgres and Redis (test/queue/services.ts, Debian's
 * packages, installed by scripts/stages/queue.mjs), this package installed in each user folder as
 * Community Nodes installs it (scripts/n8n/queue.ts). Workflow: BuzzBip Trigger → No Operation,
 * once per Dedupe Store (the default, and Redis with the package's Verified Webhooks Redis API
 * credential). Events are the load test's (test/e2e/loadEvents.ts), signed as BuzzBip signs
 * them (packages/cli `prepareRequest`), each sent twice to different webhook processes:
 * - the retry to the other process ~1 s after the first copy was answered (20 events in flight;
 *   for the default store also one event at a time);
 * - both copies at once, one to each process;
 * - a graceful restart (SIGTERM) of one receiver between delivery and retry (20 in flight; for the
 *   default store also one event at a time).
 * Executions are counted through the main's public API by the delivery key in their item. Every
 * case: each event answered 200, none lost, nothing else run, every run a success. Run twice: 0 in
 * every case of the Redis store and in the default store's one-at-a-time cases; the default
 * store's concurrent cases are counted and printed (its documented limit). Each graceful stop must
 * be clean (N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED, see beforeAll and test/queue/stopProbe.ts).
 * The table of issue 17 is printed and written to test/queue/.work/queue-figures.md (and .json).
 * The processes start once and serve every case (four n8n processes are heavy on 2 cores).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

import { sendRequest, type PreparedRequest } from '../../packages/cli/src/send';
import { httpRequest } from '../../scripts/n8n/http';
import type { CredentialSpec, Execution, WorkflowSpec } from '../../scripts/n8n/harness';
import { QueueCluster, type QueueMember, type StopReport } from '../../scripts/n8n/queue';
import { REDIS_CREDENTIAL } from '../../nodes/shared/redisStore';
import { FIXTURES } from '../e2e/fixtures';
import { buildLoadEvents, type LoadEvent } from '../e2e/loadEvents';
import { startPostgres, startRedis, type PostgresService, type Service } from './services';

const WORK = path.join(__dirname, '.work');
const FIGURES = path.join(WORK, 'queue-figures');
const EVENTS = 200;
const RESTART_EVENTS = 40;
/** Events sent one at a time (the default store's sequential promise). */
const SERIAL_EVENTS = 30;
/** Events in flight at once (each event is two requests). */
const IN_FLIGHT = 20;
const RETRY_AFTER_MS = 1000;

const fixture = FIXTURES.find((f) => f.provider === 'buzzbip')!;
const NODE_NAME = `${fixture.displayName} Trigger`;

interface Store {
	/** The Dedupe Store option's value. */
	value: 'n8n' | 'redis';
	label: string;
	workflowId: string;
	webhookId: string;
	/**
	 * Whether the processes claim keys in one shared place (every case promised once), or each
	 * keeps its own memory in front of the workflow's static data (once only where no other
	 * process's save overlaps the first copy's: one event at a time).
	 */
	sharedClaims: boolean;
}

/**
 * The build under test (dist/, as n8n loads it) must declare the Redis store's credential: the
 * package a user installs offers the store, and the suite runs its cases.
 */
function expectBuildOffersRedisStore(): void {
	const root = path.resolve(__dirname, '..', '..');
	const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { n8n: { credentials: string[] } };
	const declared = manifest.n8n.credentials.some((file) => {
		const full = path.join(root, file);
		if (!fs.existsSync(full)) return false;
		const exported = require(full) as Record<string, new () => { name: string }>;
		return Object.values(exported).some((Class) => typeof Class === 'function' && new Class().name === REDIS_CREDENTIAL);
	});
	if (!declared) throw new Error(`the build declares no ${REDIS_CREDENTIAL} credential (npm run build first)`);
}

const STORES: Store[] = [
	{ value: 'n8n', label: 'This n8n (default)', workflowId: 'vwQueueStoreN8n1', webhookId: '5e1f0000-0000-4000-8000-00000000a171', sharedClaims: false },
	{ value: 'redis', label: 'Redis', workflowId: 'vwQueueStoreRds1', webhookId: '5e1f0000-0000-4000-8000-00000000a172', sharedClaims: true },
];

const CREDENTIAL_ID = 'vwQueueCredBzBp1';
const REDIS_CREDENTIAL_ID = 'vwQueueCredRds01';

/** The BuzzBip credential, and the Redis store's (this run's Redis, the database n8n's queue uses too). */
function credentials(redisPort: number): CredentialSpec[] {
	return [
		{ id: CREDENTIAL_ID, name: 'Queue BuzzBip', type: fixture.credentialType, data: fixture.credential },
		...(STORES.some((s) => s.value === 'redis')
			? [{ id: REDIS_CREDENTIAL_ID, name: 'Queue Redis', type: REDIS_CREDENTIAL, data: { host: '127.0.0.1', port: redisPort, user: '', password: '', database: 0, ssl: false } }]
			: []),
	];
}

const webhookPath = (store: Store) => `${store.webhookId}/webhook`;

function workflow(store: Store): WorkflowSpec {
	return {
		id: store.workflowId,
		name: `Queue BuzzBip (${store.label})`,
		nodes: [
			{
				id: `${store.webhookId.slice(0, 24)}bbbbbbbbbbbb`,
				name: NODE_NAME,
				type: fixture.nodeType,
				typeVersion: 2,
				position: [0, 0],
				webhookId: store.webhookId,
				parameters: { ...fixture.parameters, ...(store.value === 'n8n' ? {} : { options: { dedupeStore: store.value } }) },
				credentials: {
					[fixture.credentialType]: { id: CREDENTIAL_ID, name: 'Queue BuzzBip' },
					...(store.value === 'redis' ? { [REDIS_CREDENTIAL]: { id: REDIS_CREDENTIAL_ID, name: 'Queue Redis' } } : {}),
				},
			},
			{ id: `${store.webhookId.slice(0, 24)}cccccccccccc`, name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [260, 0], parameters: {} },
		],
		connections: { [NODE_NAME]: { main: [[{ node: 'No Operation', type: 'main', index: 0 }], []] } },
	};
}

interface Attempt {
	to: string;
	status: number;
	answer: string;
	error?: string;
}

interface Sent extends LoadEvent {
	attempts: Attempt[];
}

interface Row {
	topology: string;
	test: string;
	events: number;
	executions: number;
	runTwice: number;
	lost: number;
	/** Answers by kind over all copies (received, duplicate, 503, ...). */
	answers: Record<string, number>;
	ms: number;
}

let postgres: PostgresService | undefined;
let redis: Service | undefined;
let cluster: QueueCluster | undefined;
const rows: Row[] = [];
const stops: Array<StopReport & { afterDeliveries: number; store: string }> = [];
let serial = 0;
let deliveries = 0;
const tag = `q${Date.now().toString(36)}`;

function q(): QueueCluster {
	if (!cluster) throw new Error('the queue-mode n8n did not start (see the error of beforeAll)');
	return cluster;
}

/** Runs `task(i)` for i in [0, total) with at most `limit` at once. */
async function pool(total: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, total) }, async () => {
			while (next < total) await task(next++);
		}),
	);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deliver(event: Sent, member: QueueMember): Promise<Attempt> {
	const request: PreparedRequest = { ...event.request, url: `${member.url}/webhook/${new URL(event.request.url).pathname.replace(/^\/webhook\//, '')}` };
	const result = await sendRequest(request, 60_000);
	deliveries += 1;
	let answer = result.error ? 'network error' : String(result.status);
	try {
		const body = JSON.parse(result.body) as { status?: string; error?: string };
		answer = body.status ?? body.error ?? answer;
	} catch {
		/* not JSON */
	}
	const attempt = { to: member.name, status: result.status, answer: result.status === 200 ? answer : `${result.status} ${answer}`, error: result.error };
	event.attempts.push(attempt);
	return attempt;
}

function makeEvents(store: Store, count: number): Sent[] {
	const events = buildLoadEvents([fixture], () => `http://127.0.0.1/webhook/${webhookPath(store)}`, count, tag, serial);
	serial += count;
	return events.map((e) => ({ ...e, attempts: [] }));
}

/**
 * The provider's retry for events none of whose copies got a 200 (a 503 "busy" or "pending"
 * answer asks for one): sent again to the other process, a few seconds apart, until answered.
 */
async function retryUnanswered(events: Sent[]): Promise<void> {
	for (let round = 0; round < 5; round++) {
		const open = events.filter((e) => !e.attempts.some((a) => a.status === 200));
		if (!open.length) return;
		await sleep(5000);
		await pool(open.length, IN_FLIGHT, async (i) => {
			const last = open[i].attempts[open[i].attempts.length - 1];
			const other = q().webhooks.find((m) => m.name !== last?.to) ?? q().webhooks[0];
			await deliver(open[i], other);
		});
	}
}

/** Waits until no execution of the workflow after `mark` is unfinished and their count stays put for 3 s. */
async function settle(store: Store, mark: number, atLeast: number): Promise<Execution[]> {
	const deadline = Date.now() + 180_000;
	let last = -1;
	let since = Date.now();
	for (;;) {
		const list = await q().executions(store.workflowId, { afterId: mark });
		const busy = list.filter((e) => ['new', 'running', 'waiting'].includes(e.status)).length;
		if (list.length !== last) {
			last = list.length;
			since = Date.now();
		}
		const quiet = Date.now() - since >= 3000;
		if ((busy === 0 && list.length >= atLeast && quiet) || Date.now() - since > 30_000 || Date.now() > deadline) {
			return q().executions(store.workflowId, { afterId: mark, includeData: true });
		}
		await sleep(500);
	}
}

function keyOf(execution: Execution): string | undefined {
	const item = execution.data?.resultData.runData[NODE_NAME]?.[0]?.data?.main?.[0]?.[0];
	return item?.json.deliveryKey as string | undefined;
}

/** Sends with `send`, lets the provider retry what got no 200, counts executions per event, records the row. */
async function measure(store: Store, test: string, count: number, send: (events: Sent[]) => Promise<void>): Promise<{ row: Row; events: Sent[]; executions: Execution[]; perKey: Map<string, number> }> {
	const mark = await q().executionMark(store.workflowId);
	const events = makeEvents(store, count);
	const started = Date.now();
	await send(events);
	await retryUnanswered(events);
	const received = events.filter((e) => e.attempts.some((a) => a.answer === 'received')).length;
	const executions = await settle(store, mark, received);
	const perKey = new Map<string, number>();
	for (const execution of executions) {
		const key = keyOf(execution) ?? `(no key: execution ${execution.id})`;
		perKey.set(key, (perKey.get(key) ?? 0) + 1);
	}
	const answers: Record<string, number> = {};
	for (const e of events) for (const a of e.attempts) answers[a.answer] = (answers[a.answer] ?? 0) + 1;
	const row: Row = {
		topology: `2 \`n8n webhook\` processes, Dedupe Store: ${store.label}`,
		test,
		events: count,
		executions: executions.length,
		runTwice: events.filter((e) => (perKey.get(e.expectedKey) ?? 0) > 1).length,
		// answered 200 (received or duplicate) and never run
		lost: events.filter((e) => e.attempts.some((a) => a.status === 200) && (perKey.get(e.expectedKey) ?? 0) === 0).length,
		answers,
		ms: Date.now() - started,
	};
	rows.push(row);
	process.stderr.write(`[queue] ${row.topology} | ${test}: ${row.events} events, ${row.executions} executions, ${row.runTwice} run twice, ${row.lost} lost; answers ${JSON.stringify(answers)} (${row.ms} ms)\n`);
	return { row, events, executions, perKey };
}

/** What every case must show, whatever the store: each event answered 200, run at least once, nothing else run, every run a success. */
function expectNothingLost({ row, events, executions, perKey }: Awaited<ReturnType<typeof measure>>): void {
	const unanswered = events.filter((e) => !e.attempts.some((a) => a.status === 200));
	expect(unanswered.map((e) => `${e.expectedKey}: ${e.attempts.map((a) => `${a.to} ${a.answer}`).join(', ')}`)).toEqual([]);
	expect(row.lost).toBe(0);
	const expectedKeys = new Set(events.map((e) => e.expectedKey));
	expect([...perKey.keys()].filter((k) => !expectedKeys.has(k))).toEqual([]);
	expect(executions.filter((e) => e.status !== 'success').map((e) => `${e.id} ${e.status}`)).toEqual([]);
	expect(row.executions).toBe(events.length + [...perKey.values()].reduce((sum, n) => sum + n - 1, 0));
}

const other = (member: QueueMember) => q().webhooks.find((m) => m !== member)!;

/** Both copies of each event at the same moment, one to each webhook process. */
const atOnce = (events: Sent[]) =>
	pool(events.length, IN_FLIGHT, async (i) => {
		const [a, b] = q().webhooks;
		await Promise.all([deliver(events[i], a), deliver(events[i], b)]);
	});

/** The first copy to one process (alternating), the retry to the other ~1 s after its answer. */
const retryToOther = (events: Sent[], inFlight: number) =>
	pool(events.length, inFlight, async (i) => {
		const first = q().webhooks[i % 2];
		await deliver(events[i], first);
		await sleep(RETRY_AFTER_MS);
		await deliver(events[i], other(first));
	});

function writeFigures(): void {
	if (!rows.length && !stops.length) return;
	fs.mkdirSync(WORK, { recursive: true });
	let commit = '';
	try {
		commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
	} catch {
		/* not a checkout */
	}
	const version = cluster?.n8n.version ?? '?';
	const lines = [
		`n8n ${version} in queue mode (Postgres, Redis, main + 1 worker + 2 \`n8n webhook\` processes), BuzzBip Trigger → No Operation; build ${commit || '(unknown)'}, ${new Date().toISOString()}`,
		'',
		'| topology | test | events | executions | run twice | lost |',
		'|---|---|---|---|---|---|',
		...rows.map((r) => `| ${r.topology} | ${r.test} | ${r.events} | ${r.executions} | ${r.runTwice} | ${r.lost} |`),
		'',
		'Graceful stops (SIGTERM) of a receiving `n8n webhook` process:',
		'',
		'| store | process | after deliveries | stop took | most "active executions" waited on | timed out |',
		'|---|---|---|---|---|---|',
		...stops.map((s) => `| ${s.store} | ${s.member} | ${s.afterDeliveries} | ${(s.ms / 1000).toFixed(1)} s | ${s.maxWaitingFor} | ${s.timedOut ? 'yes' : 'no'} |`),
		'',
	];
	fs.writeFileSync(`${FIGURES}.md`, lines.join('\n'));
	fs.writeFileSync(`${FIGURES}.json`, JSON.stringify({ n8n: version, commit, at: new Date().toISOString(), rows, stops }, null, 2));
	process.stdout.write(`\n${lines.join('\n')}\n(written to ${FIGURES}.md)\n`);
}

beforeAll(async () => {
	expectBuildOffersRedisStore();
	postgres = await startPostgres(path.join(WORK, 'postgres'), { from: 17500, to: 17519 });
	redis = await startRedis(path.join(WORK, 'redis'), { from: 17520, to: 17539 });
	cluster = await QueueCluster.create({
		workDir: path.join(WORK, 'n8n'),
		ports: { from: 17540, to: 17999 },
		postgres,
		redis,
		workflows: STORES.map(workflow),
		credentials: credentials(redis.port),
		// n8n's default (0) removes a finished job from Redis at once, and a job the worker finishes
		// before the webhook process has begun waiting on it is never seen to finish: its execution
		// stays "active" and a graceful stop waits until n8n's 30 s limit (test/queue/stopProbe.ts,
		// n8n's own Webhook node too). Kept jobs are found by Bull's 5 s check instead.
		roleEnv: { webhook: { N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: '1000' } },
		// the node's own answer to an unsigned request (not n8n's 404 or "starting up")
		ready: async (url) => {
			const res = await httpRequest(`${url}/webhook/${webhookPath(STORES[0])}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			return res.status === 401 && /unauthorized/.test(res.body);
		},
	});
}, 15 * 60_000);

afterAll(async () => {
	try {
		writeFigures();
	} finally {
		await cluster?.stop();
		await redis?.stop();
		await postgres?.stop();
	}
}, 120_000);

/**
 * The first copies (alternating between the two processes, `inFlight` at once), a graceful
 * restart of webhook-1, then every retry to the other process than its first copy's (so the
 * restarted process gets the other's events and the other gets the restarted one's).
 */
async function restartBetween(store: Store, test: string, inFlight: number): Promise<{ result: Awaited<ReturnType<typeof measure>>; stop: StopReport }> {
	let stop: StopReport | undefined;
	const result = await measure(store, test, RESTART_EVENTS, async (events) => {
		await pool(events.length, inFlight, (i) => deliver(events[i], q().webhooks[i % 2]).then(() => undefined));
		const afterDeliveries = deliveries;
		stop = await q().restart(q().webhooks[0]);
		stops.push({ ...stop, afterDeliveries, store: store.label });
		process.stderr.write(`[queue] graceful stop of ${stop.member} after ${afterDeliveries} deliveries: ${stop.ms} ms, waited on up to ${stop.maxWaitingFor} active executions, ${stop.timedOut ? 'TIMED OUT' : 'clean'} (${stop.exit})\n`);
		await pool(events.length, inFlight, (i) => deliver(events[i], other(q().webhooks[i % 2])).then(() => undefined));
	});
	// with N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED set (see beforeAll) n8n stops at once
	expect(stop).toBeDefined();
	expect(stop!.timedOut).toBe(false);
	expect(stop!.ms).toBeLessThan(15_000);
	return { result, stop: stop! };
}

const expectOnceEach = (result: Awaited<ReturnType<typeof measure>>) => {
	expect(result.row.runTwice).toBe(0);
	// the first copy started it, the retry was a duplicate
	for (const e of result.events) expect(e.attempts.map((a) => a.answer)).toEqual(['received', 'duplicate']);
};

const documented = (store: Store, result: Awaited<ReturnType<typeof measure>>) =>
	process.stderr.write(`[queue] ${store.label}: ${result.row.runTwice} of ${result.row.events} events ran twice in "${result.row.test}" (a documented limit of this store)\n`);

describe.each(STORES)('queue mode, Dedupe Store: $label', (store) => {
	test(`${EVENTS} events, ${IN_FLIGHT} in flight, the retry to the other webhook process ~1 s later: ${store.sharedClaims ? 'every event runs once' : 'counted'}`, async () => {
		const result = await measure(store, `~1 s apart, retry to the other process (${IN_FLIGHT} events in flight)`, EVENTS, (events) => retryToOther(events, IN_FLIGHT));
		expectNothingLost(result);
		if (store.sharedClaims) expectOnceEach(result);
		else documented(store, result);
	}, 10 * 60_000);

	if (!store.sharedClaims) {
		test(`${SERIAL_EVENTS} events one at a time, the retry to the other webhook process ~1 s later: every event runs once`, async () => {
			const result = await measure(store, '~1 s apart, retry to the other process (one event at a time)', SERIAL_EVENTS, (events) => retryToOther(events, 1));
			expectNothingLost(result);
			expectOnceEach(result);
		}, 10 * 60_000);
	}

	test(`${EVENTS} events, both copies at once to different webhook processes: ${store.sharedClaims ? 'every event runs once' : 'counted (this store cannot promise once)'}`, async () => {
		const result = await measure(store, `both copies at once, one to each process (${IN_FLIGHT} events in flight)`, EVENTS, atOnce);
		expectNothingLost(result);
		if (store.sharedClaims) expect(result.row.runTwice).toBe(0);
		else documented(store, result);
	}, 10 * 60_000);

	test(`${RESTART_EVENTS} events, ${IN_FLIGHT} in flight, a restart (SIGTERM) of one receiver between delivery and retry: ${store.sharedClaims ? 'every event runs once' : 'counted'}`, async () => {
		const { result } = await restartBetween(store, `restart one receiver between delivery and retry (${IN_FLIGHT} in flight)`, IN_FLIGHT);
		expectNothingLost(result);
		if (store.sharedClaims) expectOnceEach(result);
		else documented(store, result);
	}, 10 * 60_000);

	if (!store.sharedClaims) {
		test(`${RESTART_EVENTS} events one at a time, a restart (SIGTERM) of one receiver between delivery and retry: every event runs once`, async () => {
			const { result } = await restartBetween(store, 'restart one receiver between delivery and retry (one event at a time)', 1);
			expectNothingLost(result);
			expectOnceEach(result);
		}, 10 * 60_000);
	}
});
