/**
 * The dedupe record against n8n 2.41's own static-data life cycle, step by step, with deliveries
 * interleaved and n8n stopped at any step:
 *   - a "database" holds the workflow's static data as JSON; every request loads it afresh into
 *     an `ObservableObject` (n8n-workflow's own), the run resets its "changed" flag, n8n reads the
 *     trigger's answer, saves the static data when the flag is set (writes land in the order they
 *     were issued), and only then answers 200 (test/e2e/STATIC-DATA-FINDINGS.md, mechanism 3);
 *   - property: whatever the interleaving and wherever n8n stops, every delivery that was answered
 *     200 is remembered after the restart (its re-delivery starts nothing), an event none of whose
 *     deliveries n8n stored is not (its retry runs: nothing lost), and no event started twice
 *     before the stop;
 *   - a save never holds the key of a delivery n8n has not stored yet;
 *   - several n8n processes sharing the workflow's static data (queue mode with `n8n webhook`
 *     processes): each process is its own module instance (jest.isolateModules), so its own
 *     in-memory stores, over one database row; a save never holds fewer keys than its request
 *     loaded, sequential retries to another process are caught, and a restart keeps every
 *     process's keys.
 */
import fc from 'fast-check';
import { ObservableObject, Workflow, type IDataObject, type INode, type INodeType, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import { EventEmitter } from 'events';

import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { inFlightWait } from '../../nodes/shared/n8nDedupe';
import { announce, authHeaders, credentialsFor, fcParams, runs, TRIGGERS, uniqueSample, type Trigger } from './support';

const label = announce('test/property/durability.property.test.ts');
jest.setTimeout(300_000);
afterEach(() => resetDedupeStores());
// The schedule below moves one request at a time, so a copy that waits for an in-flight first
// delivery (F10) would wait out the whole bound while the first cannot move: here the bound is
// 0, i.e. every such copy meets a first that has not settled in time and is answered 503 (it
// starts nothing and is not answered 200). test/providers/redteam.test.ts (F10) plays the
// copies concurrently with the real bound.
const defaultWait = inFlightWait.ms;
beforeAll(() => {
	inFlightWait.ms = 0;
});
afterAll(() => {
	inFlightWait.ms = defaultWait;
});

type Observable = IDataObject & { __dataChanged?: boolean };

/** The workflow's row in the database: its static data as JSON. */
class Database {
	constructor(public json = '{}') {}
}

/** The keys of the trigger's journal in a static-data JSON text (or object). */
function journalKeys(staticData: string | IDataObject): Set<string> {
	const root = (typeof staticData === 'string' ? JSON.parse(staticData) : staticData) as IDataObject;
	const journal = ((root['node:Trigger'] as IDataObject | undefined)?.dedupe as { journal?: string } | undefined)?.journal ?? '';
	return new Set(journal.split('\n').filter((line) => line !== '').map((line) => line.slice(0, line.indexOf(' '))));
}

/** One n8n process over one workflow row, running its own instance of the trigger. */
class MiniN8n {
	/** Static data saves issued and not landed yet, oldest first (one writer per process). */
	private readonly pending: Array<{ json: string; request: Request }> = [];

	saves = 0;

	/** Saves that held fewer keys than their request had loaded (must stay empty). */
	readonly shrinking: string[] = [];

	constructor(
		readonly db: Database,
		readonly workflowId: string,
		/** This process's trigger: the node of this process's module instance (by default the test's own). */
		readonly node?: INodeType,
	) {}

	request(t: Trigger, text: string): Request {
		return new Request(this, this.node ? { ...t, node: this.node } : t, text);
	}

	issueSave(request: Request, root: Observable): void {
		// JSON.stringify skips the flag: it is defined non-enumerable
		const json = JSON.stringify(root);
		const saved = journalKeys(json);
		const missing = [...request.loadedKeys].filter((key) => !saved.has(key));
		if (missing.length > 0) this.shrinking.push(`a save of ${this.workflowId} left out ${missing.join(', ')}, which its request had loaded`);
		this.pending.push({ json, request });
	}

	get savesPending(): number {
		return this.pending.length;
	}

	/** The oldest issued save reaches the database. */
	land(): Request | undefined {
		const next = this.pending.shift();
		if (!next) return undefined;
		this.db.json = next.json;
		this.saves += 1;
		next.request.root.__dataChanged = false;
		return next.request;
	}
}

type Step = 'webhook' | 'run' | 'answer' | 'respond';

class Request {
	/** The request's static data, loaded when it arrives. */
	root: Observable = {};

	/** The journal's keys in what the request loaded. */
	loadedKeys = new Set<string>();

	private result?: IWebhookResponseData;

	private readonly response = Object.assign(new EventEmitter(), { statusCode: 0, headersSent: false, status: (_: number) => this.response, json: (_: unknown) => this.response });

	step: Step | 'saving' | 'done' = 'webhook';

	started = false;

	/** n8n has stored the execution (the run step). */
	stored = false;

	answered = false;

	constructor(
		private readonly n8n: MiniN8n,
		readonly t: Trigger,
		readonly text: string,
	) {}

	private context(): IWebhookFunctions {
		const headers = Object.fromEntries(Object.entries(authHeaders(this.t, this.text)).map(([k, v]) => [k.toLowerCase(), v]));
		const root = this.root;
		return {
			getRequestObject: () => ({ headers, rawBody: Buffer.from(this.text), ip: '127.0.0.1' }),
			getResponseObject: () => this.response,
			getNodeParameter: (name: string, fallback?: unknown) => (name === 'options' ? {} : fallback),
			getCredentials: async () => credentialsFor(this.t),
			// n8n-workflow's own Workflow.getStaticData, over this request's static data
			getWorkflowStaticData: (type: string) => Workflow.prototype.getStaticData.call({ staticData: root } as unknown as Workflow, type, { name: 'Trigger' } as INode),
			getMode: () => 'webhook',
			getWebhookName: () => 'default',
			getNode: () => ({ id: 'node-1', name: 'Trigger' }),
			getWorkflow: () => ({ id: this.n8n.workflowId }),
			logger: { debug() {}, info() {}, warn() {}, error() {} },
		} as unknown as IWebhookFunctions;
	}

	/** Moves this request one step on (a request whose save is issued waits for it to land). */
	async advance(): Promise<void> {
		switch (this.step) {
			case 'webhook': {
				// live-webhooks.js: the workflow is loaded from the database for every request
				this.loadedKeys = journalKeys(this.n8n.db.json);
				this.root = ObservableObject.create(JSON.parse(this.n8n.db.json) as IDataObject) as Observable;
				this.result = await this.t.node.webhook!.call(this.context());
				if (this.result.noWebhookResponse) {
					// answered by the trigger (duplicate, ignored): the callback saves if flagged
					if (this.root.__dataChanged === true) this.n8n.issueSave(this, this.root);
					this.step = 'done';
					return;
				}
				this.started = true;
				this.step = 'run';
				return;
			}
			case 'run':
				// workflow-runner.js: the execution is stored, and a Workflow built on the same
				// object resets the static data's flag
				this.stored = true;
				ObservableObject.create(this.root);
				this.step = 'answer';
				return;
			case 'answer':
				void this.result!.webhookResponse;
				if (this.root.__dataChanged === true) {
					this.n8n.issueSave(this, this.root);
					this.step = 'saving';
				} else this.step = 'respond';
				return;
			case 'respond':
				this.response.statusCode = 200;
				this.answered = true;
				this.response.emit('finish');
				this.step = 'done';
				return;
			default:
		}
	}

	/** n8n could not store the execution (after `run`): it answers 500 and never reads the answer. */
	fail(): void {
		this.response.statusCode = 500;
		this.response.emit('finish');
		this.step = 'done';
	}

	/** Called when this request's save has landed: n8n then answers. */
	saved(): void {
		if (this.step === 'saving') this.step = 'respond';
	}
}

/** Runs the schedule: each number picks which request (or the database) moves next. */
async function play(n8n: MiniN8n, requests: Request[], schedule: number[], stopAt: number): Promise<void> {
	for (let i = 0; i < schedule.length && i < stopAt; i++) {
		const movable = requests.filter((r) => r.step !== 'done' && r.step !== 'saving');
		const choices = movable.length + 1;
		const pick = schedule[i] % choices;
		if (pick === movable.length) n8n.land()?.saved();
		else await movable[pick].advance();
	}
}

async function drain(n8n: MiniN8n, requests: Request[]): Promise<void> {
	for (let guard = 0; guard < 10_000; guard++) {
		const movable = requests.find((r) => r.step !== 'done' && r.step !== 'saving');
		if (movable) await movable.advance();
		else if (!n8n.land()?.saved() && requests.every((r) => r.step === 'done')) return;
	}
	throw new Error('requests did not finish');
}

let workflowCounter = 0;

describe(`dedupe record across n8n's static-data life cycle (${label})`, () => {
	for (const t of TRIGGERS) {
		it(`${t.definition.provider}: every delivery answered 200 is remembered after a stop at any step`, async () => {
			const spec = t.specs[0];
			await fc.assert(
				fc.asyncProperty(
					fc.array(fc.nat(5), { minLength: 2, maxLength: 12 }),
					fc.array(fc.nat(1000), { minLength: 10, maxLength: 120 }),
					fc.nat(150),
					async (events, schedule, stopAt) => {
						resetDedupeStores();
						workflowCounter += 1;
						const n8n = new MiniN8n(new Database(), `wf-durable-${workflowCounter}`);
						const texts = events.map((e) => JSON.stringify(uniqueSample(t.definition.provider, spec, 7_000 + e)));
						const requests = texts.map((text) => n8n.request(t, text));
						await play(n8n, requests, schedule, stopAt);
						expect(n8n.shrinking).toEqual([]);
						// inside one process: no event started twice
						const started = requests.filter((r) => r.started).map((r) => r.text);
						expect(new Set(started).size).toBe(started.length);
						// n8n stops here: what is in the database is what the next process knows
						resetDedupeStores();
						const after = new MiniN8n(new Database(n8n.db.json), n8n.workflowId);
						for (const answered of requests.filter((r) => r.answered)) {
							const again = after.request(t, answered.text);
							await drain(after, [again]);
							expect(again.started).toBe(false);
						}
						// and an event none of whose deliveries n8n stored is not lost: its retry runs
						for (const text of new Set(texts)) {
							if (requests.some((r) => r.text === text && r.stored)) continue;
							const retry = after.request(t, text);
							await drain(after, [retry]);
							expect(retry.started).toBe(true);
						}
					},
				),
				fcParams(runs(20)),
			);
		});
	}

	it('a save leaves out the keys of deliveries n8n has not stored yet; one save per stored delivery', async () => {
		const t = TRIGGERS[0];
		const spec = t.specs[0];
		const texts = Array.from({ length: 8 }, (_, i) => JSON.stringify(uniqueSample(t.definition.provider, spec, 9_100 + i)));
		const n8n = new MiniN8n(new Database(), 'wf-in-flight');
		const requests = texts.map((text) => n8n.request(t, text));
		for (const r of requests) await r.advance(); // webhook(): all eight recorded
		await requests[0].advance(); // run: only the first is stored
		await requests[0].advance(); // answer: its save is issued
		n8n.land()?.saved();
		await requests[0].advance();
		expect(requests[0].answered).toBe(true);
		// n8n stops now: the seven others were never stored, so their retries must run
		resetDedupeStores();
		const after = new MiniN8n(new Database(n8n.db.json), 'wf-in-flight');
		const first = after.request(t, texts[0]);
		await drain(after, [first]);
		expect(first.started).toBe(false);
		for (const text of texts.slice(1)) {
			const retry = after.request(t, text);
			await drain(after, [retry]);
			expect(retry.started).toBe(true);
		}
		// without a stop, each stored delivery makes its own save
		resetDedupeStores();
		const steady = new MiniN8n(new Database(), 'wf-steady');
		await drain(steady, texts.map((text) => steady.request(t, text)));
		expect(steady.saves).toBe(8);
	});

	it('a delivery n8n could not store is taken out of the record by the next save, so its retry starts', async () => {
		const t = TRIGGERS[1];
		const spec = t.specs[0];
		const texts = Array.from({ length: 3 }, (_, i) => JSON.stringify(uniqueSample(t.definition.provider, spec, 9_300 + i)));
		const n8n = new MiniN8n(new Database(), 'wf-forget');
		const [a, b, c] = texts.map((text) => n8n.request(t, text));
		for (const r of [a, b, c]) await r.advance(); // all three recorded
		for (const r of [a, b, c]) await r.advance(); // run
		await a.advance(); // a's save: a only (b and c are not stored yet)
		n8n.land()?.saved();
		await a.advance();
		expect(a.answered).toBe(true);
		b.fail(); // b's execution could not be stored: 500, the provider will retry
		await drain(n8n, [c]); // c's save: a and c, and not b
		expect(n8n.saves).toBe(2);
		resetDedupeStores();
		const after = new MiniN8n(new Database(n8n.db.json), 'wf-forget');
		const retry = after.request(t, b.text);
		await drain(after, [retry]);
		expect(retry.started).toBe(true);
		const again = after.request(t, c.text);
		await drain(after, [again]);
		expect(again.started).toBe(false);
	});
});

/** One n8n process: its own module instance of the package (so its own in-memory stores). */
interface Process {
	node: INodeType;
	/** The process stops and starts again: its in-memory stores are gone. */
	restart(): void;
}

function loadProcess(t: Trigger): Process {
	const className = t.node.constructor.name;
	let loaded: Process | undefined;
	jest.isolateModules(() => {
		/* eslint-disable @typescript-eslint/no-require-imports */
		const nodeModule = require(`../../nodes/${className}/${className}.node`) as Record<string, new () => INodeType>;
		const dedupe = require('../../nodes/shared/core/dedupe') as typeof import('../../nodes/shared/core/dedupe');
		const adapter = require('../../nodes/shared/n8nDedupe') as typeof import('../../nodes/shared/n8nDedupe');
		/* eslint-enable @typescript-eslint/no-require-imports */
		// as above: the schedule moves one request at a time
		adapter.inFlightWait.ms = 0;
		loaded = { node: new nodeModule[className](), restart: () => dedupe.resetDedupeStores() };
	});
	if (!loaded) throw new Error(`could not load ${className}`);
	return loaded;
}

/** Moves any request or lands any process's save, as the schedule picks, until all are done. */
async function playProcesses(processes: MiniN8n[], requests: Request[], schedule: number[]): Promise<void> {
	let i = 0;
	for (let guard = 0; guard < 100_000; guard++) {
		const movable = requests.filter((r) => r.step !== 'done' && r.step !== 'saving');
		const landable = processes.filter((n8n) => n8n.savesPending > 0);
		if (movable.length === 0 && landable.length === 0) return;
		const pick = (i < schedule.length ? schedule[i++] : 0) % (movable.length + landable.length);
		if (pick < movable.length) await movable[pick].advance();
		else landable[pick - movable.length].land()?.saved();
	}
	throw new Error('requests did not finish');
}

describe(`several n8n processes sharing the workflow's static data (${label})`, () => {
	for (const t of TRIGGERS) {
		describe(t.definition.provider, () => {
			// two processes, each its own instance of the package (loaded once, restarted per run)
			let processes: Process[] = [];
			beforeAll(() => {
				processes = [loadProcess(t), loadProcess(t)];
			});
			const spec = t.specs[0];
			const text = (event: number) => JSON.stringify(uniqueSample(t.definition.provider, spec, 11_000 + event));

			it('deliveries one after another, each to either process, with restarts between: each event starts once, every retry to either process is a duplicate, a restart keeps every process\'s keys', async () => {
				await fc.assert(
					fc.asyncProperty(
						fc.array(fc.record({ event: fc.nat(7), to: fc.nat(1), restartAfter: fc.option(fc.nat(1), { freq: 4 }) }), { minLength: 2, maxLength: 20 }),
						async (deliveries) => {
							for (const p of processes) p.restart();
							workflowCounter += 1;
							const db = new Database();
							const n8ns = processes.map((p) => new MiniN8n(db, `wf-multi-${workflowCounter}`, p.node));
							const starts = new Map<number, number>();
							for (const d of deliveries) {
								const request = n8ns[d.to].request(t, text(d.event));
								await drain(n8ns[d.to], [request]);
								if (request.started) starts.set(d.event, (starts.get(d.event) ?? 0) + 1);
								expect(request.answered || !request.started).toBe(true);
								if (d.restartAfter !== null) processes[d.restartAfter].restart();
							}
							// every event ran exactly once, wherever its copies went and whoever restarted
							for (const event of new Set(deliveries.map((d) => d.event))) expect(starts.get(event)).toBe(1);
							for (const n8n of n8ns) expect(n8n.shrinking).toEqual([]);
							// both restart: every event is a duplicate at either process
							for (const p of processes) p.restart();
							for (const event of new Set(deliveries.map((d) => d.event))) {
								for (const n8n of n8ns) {
									const again = n8n.request(t, text(event));
									await drain(n8n, [again]);
									expect(again.started).toBe(false);
								}
							}
						},
					),
					fcParams(runs()),
				);
			});

			it('overlapping deliveries over two processes in any interleaving: no save holds fewer keys than its request loaded; once each process has saved again, a restart keeps every key answered 200', async () => {
				await fc.assert(
					fc.asyncProperty(
						fc.array(fc.record({ event: fc.nat(5), to: fc.nat(1) }), { minLength: 2, maxLength: 12 }),
						fc.array(fc.nat(1000), { minLength: 10, maxLength: 150 }),
						async (deliveries, schedule) => {
							for (const p of processes) p.restart();
							workflowCounter += 1;
							const db = new Database();
							const n8ns = processes.map((p) => new MiniN8n(db, `wf-overlap-${workflowCounter}`, p.node));
							const requests = deliveries.map((d) => n8ns[d.to].request(t, text(d.event)));
							await playProcesses(n8ns, requests, schedule);
							for (const n8n of n8ns) expect(n8n.shrinking).toEqual([]);
							// inside each process: no event started twice (copies in two processes at once may both start: the known limit)
							for (const n8n of n8ns) {
								const mine = requests.filter((r, i) => deliveries[i].to === n8ns.indexOf(n8n) && r.started).map((r) => r.text);
								expect(new Set(mine).size).toBe(mine.length);
							}
							// each process delivers one more event of its own, one after the other: its save
							// holds what it remembers and what the other saved
							for (const [i, n8n] of n8ns.entries()) await drain(n8n, [n8n.request(t, text(100 + i))]);
							for (const n8n of n8ns) expect(n8n.shrinking).toEqual([]);
							for (const p of processes) p.restart();
							for (const answered of requests.filter((r) => r.answered)) {
								for (const n8n of n8ns) {
									const again = n8n.request(t, answered.text);
									await drain(n8n, [again]);
									expect(again.started).toBe(false);
								}
							}
						},
					),
					fcParams(runs()),
				);
			});
		});
	}
});
