/**
 * The pure parts of the mixed-load bench (scripts/bench/mixed.ts): the plan of a load (genuine new
 * events, their retries, forged requests, in stated proportions), the scheduler that sends it at a
 * fixed concurrency, and the tally of what n8n did with it (events completed, run twice, lost;
 * executions started by forged requests). Nothing here talks to n8n: the scheduler takes the
 * function that sends one request, so the unit tests (test/bench/mixedLoad.test.ts) drive it with
 * a fake one.
 */

/** What a request is, in the load. */
export type Role = 'original' | 'sequentialRetry' | 'concurrentRetry' | 'forged';
const ROLES: Role[] = ['original', 'sequentialRetry', 'concurrentRetry', 'forged'];

/** How a forged request is made (which ones apply depends on the provider's authentication). */
export type Forgery = 'wrongKey' | 'alteredBody' | 'noKey';

export interface PlannedRequest {
	role: Role;
	/** Genuine requests: the index of their event (0 … events-1); forged ones: their own index. */
	index: number;
	forgery?: Forgery;
}

/**
 * One step of the load: the requests sent at the same moment (one, or an original with a retry of
 * the same event beside it), and a retry to send once their answers are in (`gap` jobs later).
 */
export interface Job {
	requests: PlannedRequest[];
	followUp?: PlannedRequest;
}

export interface MixShares {
	/** Share of the genuine events retried after their first answer (byte for byte the same request). */
	sequentialRetry: number;
	/** Share of the genuine events sent twice at the same moment (a retry racing the original). */
	concurrentRetry: number;
	/** Forged requests, as a share of the number of genuine events. */
	forged: number;
}

export const DEFAULT_SHARES: MixShares = { sequentialRetry: 0.3, concurrentRetry: 0.2, forged: 0.3 };

export interface MixPlan {
	jobs: Job[];
	counts: { events: number; sequentialRetries: number; concurrentRetries: number; forged: number; byForgery: Partial<Record<Forgery, number>>; requests: number };
}

/** A small seeded generator (mulberry32): the same seed gives the same load on every side. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function shuffle<T>(items: T[], random: () => number): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

/**
 * The load: `events` genuine new events; of them round(events × sequentialRetry) retried after
 * their answer and round(events × concurrentRetry) others sent twice at once (no event is in both);
 * round(events × forged) forged requests, the forgeries taken in turn from `forgeries`; all in a
 * shuffled order drawn from `random`.
 */
export function planMix(events: number, shares: MixShares, forgeries: Forgery[], random: () => number): MixPlan {
	if (!Number.isInteger(events) || events < 1) throw new Error(`events must be a positive integer, not ${events}`);
	const sequential = Math.round(events * shares.sequentialRetry);
	const concurrent = Math.round(events * shares.concurrentRetry);
	if (sequential + concurrent > events) throw new Error('sequentialRetry + concurrentRetry must not exceed 1');
	const forged = Math.round(events * shares.forged);
	if (forged > 0 && forgeries.length === 0) throw new Error('forged requests asked for, but no way to forge one');
	// which events get which retry: a random draw, disjoint
	const order = shuffle(
		Array.from({ length: events }, (_, i) => i),
		random,
	);
	const retried = new Map<number, 'sequentialRetry' | 'concurrentRetry'>();
	order.slice(0, sequential).forEach((i) => retried.set(i, 'sequentialRetry'));
	order.slice(sequential, sequential + concurrent).forEach((i) => retried.set(i, 'concurrentRetry'));
	const jobs: Job[] = [];
	for (let index = 0; index < events; index++) {
		const original: PlannedRequest = { role: 'original', index };
		const retry = retried.get(index);
		if (retry === 'concurrentRetry') jobs.push({ requests: [original, { role: 'concurrentRetry', index }] });
		else if (retry === 'sequentialRetry') jobs.push({ requests: [original], followUp: { role: 'sequentialRetry', index } });
		else jobs.push({ requests: [original] });
	}
	const byForgery: Partial<Record<Forgery, number>> = {};
	for (let index = 0; index < forged; index++) {
		const forgery = forgeries[index % forgeries.length];
		byForgery[forgery] = (byForgery[forgery] ?? 0) + 1;
		jobs.push({ requests: [{ role: 'forged', index, forgery }] });
	}
	shuffle(jobs, random);
	return { jobs, counts: { events, sequentialRetries: sequential, concurrentRetries: concurrent, forged, byForgery, requests: events + sequential + concurrent + forged } };
}

export interface Answer {
	status: number;
	/** 0 when there was no answer (connection error, timeout). */
	error?: string;
}

export interface SentRecord extends Answer {
	role: Role;
	index: number;
	forgery?: Forgery;
	/** ms from the start of the run. */
	sentAt: number;
	answeredAt: number;
	ms: number;
}

/**
 * Sends a plan with at most `concurrency` requests in flight: a job's requests leave together (a
 * job of two waits for two free slots); a follow-up retry goes back into the queue `gap` jobs
 * ahead of the first unsent one once all its job's answers are in (at the end when fewer remain).
 */
export async function runMix(jobs: Job[], concurrency: number, gap: number, send: (request: PlannedRequest) => Promise<Answer>, now: () => number = () => performance.now()): Promise<{ records: SentRecord[]; elapsedMs: number; maxInFlight: number }> {
	if (concurrency < 2) throw new Error('concurrency must be at least 2 (a concurrent retry needs two slots)');
	const queue: Job[] = [...jobs];
	const records: SentRecord[] = [];
	const start = now();
	let inFlight = 0;
	let maxInFlight = 0;
	let pendingJobs = 0;
	return new Promise((resolve, reject) => {
		let failed = false;
		const pump = () => {
			if (failed) return;
			while (queue.length > 0 && inFlight + queue[0].requests.length <= concurrency) {
				const job = queue.shift()!;
				pendingJobs++;
				inFlight += job.requests.length;
				maxInFlight = Math.max(maxInFlight, inFlight);
				const sends = job.requests.map(async (request) => {
					const sentAt = now() - start;
					let answer: Answer;
					try {
						answer = await send(request);
					} catch (err) {
						answer = { status: 0, error: (err as Error).message };
					}
					const answeredAt = now() - start;
					inFlight--;
					records.push({ ...request, ...answer, sentAt, answeredAt, ms: answeredAt - sentAt });
				});
				Promise.all(sends)
					.then(() => {
						pendingJobs--;
						if (job.followUp) queue.splice(Math.min(gap, queue.length), 0, { requests: [job.followUp] });
						if (queue.length === 0 && pendingJobs === 0) resolve({ records, elapsedMs: now() - start, maxInFlight });
						else pump();
					})
					.catch((err) => {
						failed = true;
						reject(err);
					});
			}
		};
		if (queue.length === 0) resolve({ records, elapsedMs: 0, maxInFlight: 0 });
		else pump();
	});
}

/** The last node of every workflow of the bench. */
export const LAST_NODE = 'No Operation';

/** An execution as n8n's public API gives it (the fields read here). */
export interface ApiExecution {
	id: string;
	status: string;
	startedAt?: string;
	stoppedAt?: string | null;
	data?: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> } }>> } };
}

/**
 * The event an execution carried (the id in the first item its first node output: `body.id` for a
 * Webhook node, `data.id` or `eventId` for our triggers) and whether the last node ran with an item.
 */
export function readExecution(execution: ApiExecution, firstNode: string): ExecutionRecord {
	const runData = execution.data?.resultData.runData ?? {};
	const first = runData[firstNode]?.[0]?.data?.main ?? [];
	const item = first.find((branch) => branch && branch.length > 0)?.[0]?.json as Record<string, any> | undefined;
	const key = item?.body?.id ?? item?.data?.id ?? item?.eventId;
	const end = runData[LAST_NODE]?.[0]?.data?.main?.[0];
	return {
		id: execution.id,
		key: key === undefined || key === null ? undefined : String(key),
		completed: Array.isArray(end) && end.length > 0,
		status: execution.status,
		startedAt: execution.startedAt ? Date.parse(execution.startedAt) : undefined,
		stoppedAt: execution.stoppedAt ? Date.parse(execution.stoppedAt) : undefined,
	};
}

/** What one execution did, as read back from n8n. */
export interface ExecutionRecord {
	id: string;
	/** The event the execution was started for (its id as the first node output it); undefined if none found. */
	key?: string;
	/** It reached the workflow's last node with an item. */
	completed: boolean;
	status: string;
	/** Epoch ms. */
	startedAt?: number;
	stoppedAt?: number;
}

export interface SideFigures {
	requests: number;
	genuineEvents: number;
	/** Distinct genuine events that reached the last node. */
	completedEvents: number;
	/** Executions that reached the last node for a genuine event (events run twice count twice). */
	completedExecutions: number;
	/** Genuine events whose last node ran more than once. */
	runTwice: number;
	/** Of those, by the kind of retry the event had in the load. */
	runTwiceBy: { sequentialRetry: number; concurrentRetry: number };
	/** The executions beyond the first for those events. */
	extraRuns: number;
	/** Genuine events answered 2xx at least once that never reached the last node. */
	lost: number;
	/** Genuine events never answered 2xx (and, if they completed, said so). */
	neverAcknowledged: number;
	executions: number;
	/** Executions started by forged requests, and of them those that reached the last node. */
	forgedExecutions: number;
	forgedCompleted: number;
	/** Executions whose event could not be told (neither a genuine nor a forged key). */
	unidentified: number;
	/** Executions that ended in error. */
	failedExecutions: number;
	p50: number;
	p99: number;
	/** The median answer time of each kind of request (NaN for a kind the load had none of). */
	p50ByRole: Record<Role, number>;
	/** Answer statuses by role, `status×count`. */
	statuses: Record<Role, Record<string, number>>;
	/** From the first request to the last answer or the last execution's end, whichever is later. */
	wallMs: number;
	/** completedEvents per second of wallMs. */
	completedPerSecond: number;
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * What a side did with a load. `genuineKey(i)` / `forgedKey(i)` give the event id each planned
 * request carried; `startedAtMs` is the epoch time of the first request, so that the executions'
 * ends (epoch ms) can be set against it.
 */
export function tally(records: SentRecord[], executions: ExecutionRecord[], keys: { genuine: string[]; forged: string[] }, startedAtMs: number, answersEndMs: number): SideFigures {
	const genuineIndex = new Map(keys.genuine.map((k, i) => [k, i]));
	const forged = new Set(keys.forged);
	const completions = new Map<number, number>();
	let forgedExecutions = 0;
	let forgedCompleted = 0;
	let unidentified = 0;
	let failedExecutions = 0;
	let completedExecutions = 0;
	let lastStop = 0;
	for (const execution of executions) {
		if (execution.status === 'error' || execution.status === 'crashed') failedExecutions++;
		if (execution.stoppedAt !== undefined) lastStop = Math.max(lastStop, execution.stoppedAt);
		const event = execution.key === undefined ? undefined : genuineIndex.get(execution.key);
		if (event !== undefined) {
			if (execution.completed) {
				completedExecutions++;
				completions.set(event, (completions.get(event) ?? 0) + 1);
			}
		} else if (execution.key !== undefined && forged.has(execution.key)) {
			forgedExecutions++;
			if (execution.completed) forgedCompleted++;
		} else unidentified++;
	}
	const acknowledged = new Set<number>();
	for (const r of records) if (r.role !== 'forged' && r.status >= 200 && r.status < 300) acknowledged.add(r.index);
	const retryKind = new Map<number, Role>();
	for (const r of records) if (r.role === 'sequentialRetry' || r.role === 'concurrentRetry') retryKind.set(r.index, r.role);
	let runTwice = 0;
	let extraRuns = 0;
	const runTwiceBy = { sequentialRetry: 0, concurrentRetry: 0 };
	for (const [event, count] of completions)
		if (count > 1) {
			runTwice++;
			extraRuns += count - 1;
			const kind = retryKind.get(event);
			if (kind === 'sequentialRetry' || kind === 'concurrentRetry') runTwiceBy[kind]++;
		}
	let lost = 0;
	for (const event of acknowledged) if (!completions.has(event)) lost++;
	const statuses = { original: {}, sequentialRetry: {}, concurrentRetry: {}, forged: {} } as Record<Role, Record<string, number>>;
	for (const r of records) {
		const code = r.status === 0 ? `error(${r.error ?? 'no answer'})` : String(r.status);
		statuses[r.role][code] = (statuses[r.role][code] ?? 0) + 1;
	}
	const wallMs = Math.max(answersEndMs, lastStop > 0 ? lastStop - startedAtMs : 0);
	const times = records.map((r) => r.ms);
	const p50ByRole = {} as Record<Role, number>;
	for (const role of ROLES) p50ByRole[role] = percentile(records.filter((r) => r.role === role).map((r) => r.ms), 50);
	return {
		requests: records.length,
		genuineEvents: keys.genuine.length,
		completedEvents: completions.size,
		completedExecutions,
		runTwice,
		runTwiceBy,
		extraRuns,
		lost,
		neverAcknowledged: keys.genuine.length - acknowledged.size,
		executions: executions.length,
		forgedExecutions,
		forgedCompleted,
		unidentified,
		failedExecutions,
		p50: percentile(times, 50),
		p99: percentile(times, 99),
		p50ByRole,
		statuses,
		wallMs,
		completedPerSecond: wallMs > 0 ? completions.size / (wallMs / 1000) : 0,
	};
}

/** What one round of a side sent and what n8n did with it: the inputs of `tally`. */
export interface Round {
	records: SentRecord[];
	executions: ExecutionRecord[];
	keys: { genuine: string[]; forged: string[] };
	/** Epoch ms of the round's first request. */
	startedAtMs: number;
	/** ms from the first request to the last answer. */
	elapsedMs: number;
}

/**
 * The figures of several rounds of one side as one run: every count summed, the answer times of
 * all rounds together, and events per second over the sum of the rounds' times (the pauses
 * between rounds, when other sides ran, left out); `perRound` holds each round's own figures.
 */
export function tallyRounds(rounds: Round[]): SideFigures & { perRound: SideFigures[] } {
	if (rounds.length === 0) throw new Error('no rounds to tally');
	const perRound = rounds.map((r) => tally(r.records, r.executions, r.keys, r.startedAtMs, r.elapsedMs));
	// one tally of everything, each round's genuine indices moved past the previous rounds' (the keys
	// are new events in every round, so executions stay with their round)
	let offset = 0;
	const records: SentRecord[] = [];
	const keys = { genuine: [] as string[], forged: [] as string[] };
	for (const round of rounds) {
		for (const r of round.records) records.push(r.role === 'forged' ? r : { ...r, index: r.index + offset });
		keys.genuine.push(...round.keys.genuine);
		keys.forged.push(...round.keys.forged);
		offset += round.keys.genuine.length;
	}
	const all = tally(
		records,
		rounds.flatMap((r) => r.executions),
		keys,
		0,
		0,
	);
	const wallMs = perRound.reduce((sum, f) => sum + f.wallMs, 0);
	return { ...all, wallMs, completedPerSecond: wallMs > 0 ? all.completedEvents / (wallMs / 1000) : 0, perRound };
}

/**
 * The sum of a counter in Prometheus' text format (every label set of the metric), or undefined
 * when the text does not have it.
 */
export function promCounter(text: string, name: string): number | undefined {
	let sum: number | undefined;
	for (const line of text.split('\n')) {
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
		if (!m || m[1] !== name) continue;
		const value = Number(m[3]);
		if (Number.isFinite(value)) sum = (sum ?? 0) + value;
	}
	return sum;
}

/** CPU time (user + system, and that of reaped children) of every process in a process group, in seconds. */
export function processGroupCpuSeconds(pgid: number, readProc: { list: () => string[]; stat: (pid: string) => string | undefined }, ticksPerSecond = 100): number {
	let ticks = 0;
	for (const pid of readProc.list()) {
		if (!/^\d+$/.test(pid)) continue;
		const stat = readProc.stat(pid);
		if (!stat) continue;
		const fields = parseStat(stat);
		if (!fields || fields.pgrp !== pgid) continue;
		ticks += fields.utime + fields.stime + fields.cutime + fields.cstime;
	}
	return ticks / ticksPerSecond;
}

/** The fields of /proc/<pid>/stat this bench reads (the command name may hold spaces and parentheses). */
export function parseStat(stat: string): { pgrp: number; utime: number; stime: number; cutime: number; cstime: number } | undefined {
	const close = stat.lastIndexOf(')');
	if (close < 0) return undefined;
	// after the name: state(3) ppid(4) pgrp(5) … utime(14) stime(15) cutime(16) cstime(17)
	const rest = stat.slice(close + 2).split(' ');
	const field = (n: number) => Number(rest[n - 3]);
	const out = { pgrp: field(5), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
	return Object.values(out).every(Number.isFinite) ? out : undefined;
}
