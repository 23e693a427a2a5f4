/**
 * The pure parts of the mixed-load bench (scripts/bench/mixedLoad.ts): the plan of the load, the
 * scheduler that sends it, the reading of an execution, and the counting of what a side did.
 */
import { parseStat, planMix, processGroupCpuSeconds, promCounter, readExecution, runMix, seededRandom, tally, tallyRounds, type ApiExecution, type Answer, type ExecutionRecord, type PlannedRequest, type SentRecord } from '../../scripts/bench/mixedLoad';

const SHARES = { sequentialRetry: 0.3, concurrentRetry: 0.2, forged: 0.3 };

describe('planMix', () => {
	it('has the stated number of each kind of request, and every genuine event exactly once as an original', () => {
		const plan = planMix(150, SHARES, ['wrongKey', 'alteredBody'], seededRandom(18));
		expect(plan.counts).toEqual({ events: 150, sequentialRetries: 45, concurrentRetries: 30, forged: 45, byForgery: { wrongKey: 23, alteredBody: 22 }, requests: 270 });
		const requests = plan.jobs.flatMap((j) => [...j.requests, ...(j.followUp ? [j.followUp] : [])]);
		expect(requests).toHaveLength(270);
		const originals = requests.filter((r) => r.role === 'original').map((r) => r.index);
		expect(new Set(originals).size).toBe(150);
		expect(Math.min(...originals)).toBe(0);
		expect(Math.max(...originals)).toBe(149);
		expect(requests.filter((r) => r.role === 'forged').map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, i) => i));
	});

	it('sends a concurrent retry in the same job as its original, a sequential one as its follow-up, and never gives an event both', () => {
		const plan = planMix(100, SHARES, ['noKey'], seededRandom(3));
		const sequential = new Set<number>();
		const concurrent = new Set<number>();
		for (const job of plan.jobs) {
			if (job.requests.length === 2) {
				expect(job.requests.map((r) => r.role)).toEqual(['original', 'concurrentRetry']);
				expect(job.requests[0].index).toBe(job.requests[1].index);
				concurrent.add(job.requests[0].index);
			} else expect(job.requests).toHaveLength(1);
			if (job.followUp) {
				expect(job.followUp).toEqual({ role: 'sequentialRetry', index: job.requests[0].index });
				expect(job.requests[0].role).toBe('original');
				sequential.add(job.followUp.index);
			}
		}
		expect(sequential.size).toBe(30);
		expect(concurrent.size).toBe(20);
		expect([...sequential].filter((i) => concurrent.has(i))).toEqual([]);
	});

	it('is the same plan for the same seed (every side gets the same load) and another for another seed', () => {
		const a = planMix(60, SHARES, ['wrongKey', 'noKey'], seededRandom(7));
		const b = planMix(60, SHARES, ['wrongKey', 'noKey'], seededRandom(7));
		const c = planMix(60, SHARES, ['wrongKey', 'noKey'], seededRandom(8));
		expect(b.jobs).toEqual(a.jobs);
		expect(c.jobs).not.toEqual(a.jobs);
	});

	it('interleaves forged requests with genuine ones instead of sending them as a block', () => {
		const plan = planMix(150, SHARES, ['wrongKey'], seededRandom(18));
		const forgedAt = plan.jobs.map((j, i) => (j.requests[0].role === 'forged' ? i : -1)).filter((i) => i >= 0);
		expect(forgedAt[0]).toBeLessThan(plan.jobs.length / 3);
		expect(forgedAt[forgedAt.length - 1]).toBeGreaterThan((2 * plan.jobs.length) / 3);
	});

	it('refuses a plan it cannot make', () => {
		expect(() => planMix(0, SHARES, ['wrongKey'], seededRandom(1))).toThrow(/positive integer/);
		expect(() => planMix(10, { sequentialRetry: 0.7, concurrentRetry: 0.5, forged: 0 }, [], seededRandom(1))).toThrow(/must not exceed 1/);
		expect(() => planMix(10, SHARES, [], seededRandom(1))).toThrow(/no way to forge/);
	});
});

describe('runMix', () => {
	/** A fake sender: answers after a delay drawn per request, records who is in flight. */
	function fakeSender() {
		const inFlight = new Set<string>();
		let max = 0;
		const log: Array<{ id: string; at: 'send' | 'answer'; alsoInFlight: string[] }> = [];
		let clock = 0;
		const random = seededRandom(42);
		const send = (r: PlannedRequest): Promise<Answer> => {
			const id = `${r.role}:${r.index}`;
			inFlight.add(id);
			max = Math.max(max, inFlight.size);
			log.push({ id, at: 'send', alsoInFlight: [...inFlight] });
			return new Promise((resolve) =>
				setTimeout(
					() => {
						inFlight.delete(id);
						clock += 1;
						log.push({ id, at: 'answer', alsoInFlight: [...inFlight] });
						resolve({ status: r.role === 'forged' ? 401 : 200 });
					},
					1 + Math.floor(random() * 4),
				),
			);
		};
		return { send, log, max: () => max };
	}

	it('sends every planned request once, never more than `concurrency` at a time, and a racing retry while its original is in flight', async () => {
		const plan = planMix(80, SHARES, ['wrongKey'], seededRandom(5));
		const fake = fakeSender();
		const { records, maxInFlight } = await runMix(plan.jobs, 6, 6, fake.send);
		expect(records).toHaveLength(plan.counts.requests);
		expect(new Set(records.map((r) => `${r.role}:${r.index}`)).size).toBe(plan.counts.requests);
		expect(fake.max()).toBeLessThanOrEqual(6);
		expect(maxInFlight).toBe(fake.max());
		expect(maxInFlight).toBeGreaterThan(1);
		for (const entry of fake.log.filter((e) => e.at === 'send' && e.id.startsWith('concurrentRetry:'))) {
			expect(entry.alsoInFlight).toContain(`original:${entry.id.split(':')[1]}`);
		}
	});

	it('sends a sequential retry only after its original was answered', async () => {
		const plan = planMix(60, SHARES, ['wrongKey'], seededRandom(9));
		const fake = fakeSender();
		const { records } = await runMix(plan.jobs, 5, 5, fake.send);
		const byId = new Map(records.map((r) => [`${r.role}:${r.index}`, r]));
		const retries = records.filter((r) => r.role === 'sequentialRetry');
		expect(retries).toHaveLength(18);
		for (const retry of retries) {
			const original = byId.get(`original:${retry.index}`)!;
			expect(retry.sentAt).toBeGreaterThanOrEqual(original.answeredAt);
			const answered = fake.log.findIndex((e) => e.id === `original:${retry.index}` && e.at === 'answer');
			const sent = fake.log.findIndex((e) => e.id === `sequentialRetry:${retry.index}` && e.at === 'send');
			expect(sent).toBeGreaterThan(answered);
		}
	});

	it('records a sender that throws as an answer with status 0, and refuses a concurrency a racing pair cannot fit in', async () => {
		const { records } = await runMix([{ requests: [{ role: 'original', index: 0 }] }], 2, 2, async () => {
			throw new Error('ECONNRESET');
		});
		expect(records).toEqual([expect.objectContaining({ role: 'original', index: 0, status: 0, error: 'ECONNRESET' })]);
		await expect(runMix([], 1, 1, async () => ({ status: 200 }))).rejects.toThrow(/at least 2/);
	});
});

describe('readExecution', () => {
	const item = (json: Record<string, unknown>) => ({ json });
	it('reads the event id from a Webhook node (body.id) and from our trigger (data.id, eventId), and whether No Operation ran', () => {
		const diy: ApiExecution = {
			id: '7',
			status: 'success',
			startedAt: '2026-12-03T09:00:00.000Z',
			stoppedAt: '2026-12-03T09:00:01.500Z',
			data: { resultData: { runData: { Webhook: [{ data: { main: [[item({ headers: {}, body: { id: 'evt_1' } })]] } }], 'No Operation': [{ data: { main: [[item({})]] } }] } } },
		};
		expect(readExecution(diy, 'Webhook')).toEqual({ id: '7', key: 'evt_1', completed: true, status: 'success', startedAt: Date.parse('2026-12-03T09:00:00.000Z'), stoppedAt: Date.parse('2026-12-03T09:00:01.500Z') });
		// stopped by Remove Duplicates: the last node never ran
		const removed: ApiExecution = { id: '8', status: 'success', data: { resultData: { runData: { Webhook: [{ data: { main: [[item({ body: { id: 'evt_1' } })]] } }] } } } };
		expect(readExecution(removed, 'Webhook')).toMatchObject({ key: 'evt_1', completed: false });
		// the If node's false branch: No Operation not reached, an empty run counts as not reached either
		const empty: ApiExecution = { id: '9', status: 'success', data: { resultData: { runData: { Webhook: [{ data: { main: [[item({ body: { id: 'evt_2' } })]] } }], 'No Operation': [{ data: { main: [[]] } }] } } } };
		expect(readExecution(empty, 'Webhook')).toMatchObject({ key: 'evt_2', completed: false });
		// our trigger: Buzzeasy names the work item in data.id, BuzzBip's id is the eventId too
		const buzzeasy: ApiExecution = { id: '10', status: 'success', data: { resultData: { runData: { 'Buzzeasy Trigger': [{ data: { main: [[item({ eventId: null, data: { id: 'wi_1' } })], []] } }] } } } };
		expect(readExecution(buzzeasy, 'Buzzeasy Trigger')).toMatchObject({ key: 'wi_1', completed: false });
		// the Unrecognized output (second branch) still names the body's event
		const unrecognized: ApiExecution = { id: '11', status: 'success', data: { resultData: { runData: { T: [{ data: { main: [[], [item({ body: { id: 'evt_3' } })]] } }] } } } };
		expect(readExecution(unrecognized, 'T').key).toBe('evt_3');
		expect(readExecution({ id: '12', status: 'error' }, 'T')).toEqual({ id: '12', key: undefined, completed: false, status: 'error', startedAt: undefined, stoppedAt: undefined });
	});
});

describe('tally', () => {
	const sent = (role: SentRecord['role'], index: number, status: number, ms = 10): SentRecord => ({ role, index, status, sentAt: 0, answeredAt: ms, ms });
	const exec = (id: number, key: string | undefined, completed: boolean, stoppedAt = 1_000, status = 'success'): ExecutionRecord => ({ id: String(id), key, completed, status, stoppedAt });
	const keys = { genuine: ['e0', 'e1', 'e2', 'e3', 'e4'], forged: ['f0', 'f1'] };

	it('counts events completed, run twice (by kind of retry), lost, and executions started by forged requests', () => {
		const records = [
			sent('original', 0, 200),
			sent('sequentialRetry', 0, 200),
			sent('original', 1, 200),
			sent('concurrentRetry', 1, 200),
			sent('original', 2, 200),
			sent('original', 3, 500),
			sent('original', 4, 200),
			sent('forged', 0, 200),
			sent('forged', 1, 401),
		];
		const executions = [
			exec(1, 'e0', true),
			exec(2, 'e0', true), // the sequential retry ran again
			exec(3, 'e1', true),
			exec(4, 'e1', true), // the racing retry too
			exec(5, 'e1', true, 1_000), // and a third time
			// e2: answered 200, never reached the end: lost
			exec(6, 'e2', false),
			// e3: answered 500, failed: not lost (the provider retries it)
			exec(7, 'e3', false, 1_000, 'error'),
			exec(8, 'e4', true, 3_000),
			exec(9, 'f0', false), // a forged request started an execution, stopped by the If node
			exec(10, undefined, false),
		];
		const f = tally(records, executions, keys, 0, 2_000);
		expect(f).toMatchObject({
			requests: 9,
			genuineEvents: 5,
			completedEvents: 3,
			completedExecutions: 6,
			runTwice: 2,
			runTwiceBy: { sequentialRetry: 1, concurrentRetry: 1 },
			extraRuns: 3,
			lost: 1,
			neverAcknowledged: 1,
			executions: 10,
			forgedExecutions: 1,
			forgedCompleted: 0,
			unidentified: 1,
			failedExecutions: 1,
			wallMs: 3_000,
		});
		expect(f.completedPerSecond).toBeCloseTo(1, 6);
		expect(f.statuses.forged).toEqual({ '200': 1, '401': 1 });
		expect(f.statuses.original).toEqual({ '200': 4, '500': 1 });
	});

	it('gives 0 forged executions, 0 run twice and 0 lost to a side that did everything right, with the time of the answers when the executions end sooner', () => {
		const records = [sent('original', 0, 200, 5), sent('sequentialRetry', 0, 200, 7), sent('forged', 0, 401, 3), sent('original', 1, 200, 9), sent('concurrentRetry', 1, 200, 20)];
		const f = tally(records, [exec(1, 'e0', true, 100), exec(2, 'e1', true, 200)], { genuine: ['e0', 'e1'], forged: ['f0'] }, 0, 4_000);
		expect(f).toMatchObject({ completedEvents: 2, runTwice: 0, lost: 0, forgedExecutions: 0, unidentified: 0, wallMs: 4_000 });
		expect(f.completedPerSecond).toBeCloseTo(0.5, 6);
		expect(f.p50).toBe(7);
		expect(f.p99).toBe(20);
		expect(f.p50ByRole).toEqual({ original: 5, sequentialRetry: 7, concurrentRetry: 20, forged: 3 });
	});

	it('counts an answer without a status as not acknowledged', () => {
		const f = tally([{ ...sent('original', 0, 0), error: 'ECONNRESET' }], [], { genuine: ['e0'], forged: [] }, 0, 10);
		expect(f).toMatchObject({ lost: 0, neverAcknowledged: 1, completedEvents: 0 });
		expect(f.statuses.original).toEqual({ 'error(ECONNRESET)': 1 });
	});
});

describe('tallyRounds', () => {
	const sent = (role: SentRecord['role'], index: number, status: number, ms = 10): SentRecord => ({ role, index, status, sentAt: 0, answeredAt: ms, ms });
	const exec = (id: number, key: string, completed: boolean, stoppedAt: number): ExecutionRecord => ({ id: String(id), key, completed, status: 'success', stoppedAt });

	it('sums the rounds as one run: each round keeps its own events, and the rate is over the rounds\' own times, not the pauses between them', () => {
		// round 1 at t=10 000: two events, the second run twice by its retry; 2 s
		const one = {
			records: [sent('original', 0, 200, 100), sent('original', 1, 200, 300), sent('sequentialRetry', 1, 200, 50), sent('forged', 0, 401, 5)],
			executions: [exec(1, 'a0', true, 11_000), exec(2, 'a1', true, 11_500), exec(3, 'a1', true, 12_000)],
			keys: { genuine: ['a0', 'a1'], forged: ['fa0'] },
			startedAtMs: 10_000,
			elapsedMs: 1_500,
		};
		// round 2 a minute later: index 1 is another event (b1), answered 200 and never run: lost; 4 s
		const two = {
			records: [sent('original', 0, 200, 200), sent('original', 1, 200, 400), sent('forged', 0, 401, 7)],
			executions: [exec(4, 'b0', true, 74_000)],
			keys: { genuine: ['b0', 'b1'], forged: ['fb0'] },
			startedAtMs: 70_000,
			elapsedMs: 3_000,
		};
		const f = tallyRounds([one, two]);
		expect(f.perRound.map((r) => r.wallMs)).toEqual([2_000, 4_000]);
		expect(f.perRound.map((r) => r.completedPerSecond)).toEqual([1, 0.25]);
		expect(f).toMatchObject({ requests: 7, genuineEvents: 4, completedEvents: 3, runTwice: 1, runTwiceBy: { sequentialRetry: 1, concurrentRetry: 0 }, lost: 1, executions: 4, forgedExecutions: 0, wallMs: 6_000 });
		expect(f.completedPerSecond).toBeCloseTo(0.5, 9);
		expect(f.statuses.forged).toEqual({ '401': 2 });
		expect(f.p50ByRole.original).toBe(200);
	});

	it('refuses no rounds at all', () => {
		expect(() => tallyRounds([])).toThrow(/no rounds/);
	});
});

describe('promCounter', () => {
	const text = [
		'# HELP n8n_expression_pool_acquired_total Isolates acquired',
		'# TYPE n8n_expression_pool_acquired_total counter',
		'n8n_expression_pool_acquired_total 412',
		'n8n_expression_pool_acquired_total_other 5',
		'n8n_expression_code_cache_hit_total{engine="vm"} 3',
		'n8n_expression_code_cache_hit_total{engine="quickjs"} 4 1700000000000',
	].join('\n');

	it('reads a counter without labels, and sums one over its label sets (a timestamp after the value is left out)', () => {
		expect(promCounter(text, 'n8n_expression_pool_acquired_total')).toBe(412);
		expect(promCounter(text, 'n8n_expression_code_cache_hit_total')).toBe(7);
	});

	it('is undefined for a counter the text does not have (never mistaken for one whose name starts the same)', () => {
		expect(promCounter(text, 'n8n_expression_pool')).toBeUndefined();
		expect(promCounter('', 'n8n_expression_pool_acquired_total')).toBeUndefined();
	});
});

describe('CPU of a process group from /proc', () => {
	// pid 1234 (n8n), its task runner 1240, both in group 1234; 999 elsewhere
	const stat = (pid: number, name: string, pgrp: number, utime: number, stime: number, cutime = 0, cstime = 0) =>
		`${pid} (${name}) S 1 ${pgrp} ${pgrp} 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 11 0 500 1000000 2000 18446744073709551615`;
	const files: Record<string, string> = {
		'1234': stat(1234, 'node', 1234, 300, 50, 20, 5),
		'1240': stat(1240, 'node (task) runner)', 1234, 100, 25),
		'999': stat(999, 'bash', 999, 7000, 7000),
	};

	it('reads utime, stime and the reaped children of every process in the group, even with a name holding spaces and parentheses', () => {
		expect(parseStat(files['1240'])).toEqual({ pgrp: 1234, utime: 100, stime: 25, cutime: 0, cstime: 0 });
		expect(parseStat('garbage')).toBeUndefined();
		const cpu = processGroupCpuSeconds(1234, { list: () => ['1234', '1240', '999', 'self', 'net'], stat: (pid) => files[pid] });
		expect(cpu).toBeCloseTo((300 + 50 + 20 + 5 + 100 + 25) / 100, 6);
	});

	it('skips a process that ended between the listing and the read', () => {
		expect(processGroupCpuSeconds(1234, { list: () => ['1234', '1300'], stat: (pid) => files[pid] })).toBeCloseTo(3.75, 6);
	});
});
