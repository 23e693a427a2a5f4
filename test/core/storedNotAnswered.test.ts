import { EventEmitter } from 'events';

import { DedupeStore, IN_FLIGHT_MAX_MS, resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { inFlightWait, recordIn, settleOnAnswer, type DeliveryCheck, type Recorded } from '../../nodes/shared/core/record';

/**
 * A delivery stored but not yet answered (n8n has stored its execution and is saving the static
 * data the record is in, then answers). A copy arriving then must not be answered "duplicate"
 * before the first's answer is out: were the process killed before that save, the copy's 200
 * would be the only one the provider got, and its retry after the restart would run the event
 * again (measured on n8n 2.41.1 before this: 1-2 events of 1,000 under load with a SIGKILL).
 */

const T0 = Date.UTC(2026, 5, 1, 14, 32, 0);
const WINDOW = 96 * 3_600_000;

afterEach(() => resetDedupeStores());

/** A sleep that never ends unless aborted: the copies here wait for the first, not for time. */
const sleepForever = (_ms: number, signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
const tick = () => new Promise((resolve) => setImmediate(resolve));

function newRecord(store: DedupeStore, key: string, saved: unknown[]): Recorded {
	const check = recordIn(store, {}, key, sleepForever, { load: () => saved.at(-1), save: (p) => saved.push(JSON.parse(JSON.stringify(p))) }) as DeliveryCheck;
	if (check.duplicate || check.busy || !check.recorded) throw new Error(`${key} was not new`);
	return check.recorded;
}

function copyOf(store: DedupeStore, key: string, saved: unknown[]): { answer: () => DeliveryCheck | undefined } {
	let answer: DeliveryCheck | undefined;
	void Promise.resolve(recordIn(store, {}, key, sleepForever, { load: () => saved.at(-1), save: (p) => saved.push(p) })).then((a) => (answer = a));
	return { answer: () => answer };
}

const journalOf = (saved: unknown[]) => (saved.at(-1) as { journal: string } | undefined)?.journal ?? '';

describe('a delivery stored, its answer not out yet', () => {
	it('is in the form its own save writes, and in every later save', () => {
		const store = new DedupeStore();
		const saved: unknown[] = [];
		const first = newRecord(store, 'evt_a', saved);
		first.persist();
		expect(journalOf(saved)).toMatch(/^evt_a /);
		const other = newRecord(store, 'evt_b', saved);
		other.persist();
		expect(journalOf(saved).split('\n').filter(Boolean).map((l) => l.split(' ')[0])).toEqual(['evt_a', 'evt_b']);
	});

	it('a copy waits until the answer is out (200): then it is a duplicate', async () => {
		const store = new DedupeStore();
		const saved: unknown[] = [];
		const first = newRecord(store, 'evt_a', saved);
		first.persist();
		const copy = copyOf(store, 'evt_a', saved);
		await tick();
		expect(copy.answer()).toBeUndefined();
		first.settle(200);
		await tick();
		expect(copy.answer()).toEqual({ duplicate: true });
	});

	it('a copy is answered busy (503, the provider retries) when the first answer takes longer than the wait', async () => {
		const store = new DedupeStore();
		const saved: unknown[] = [];
		const first = newRecord(store, 'evt_a', saved);
		first.persist();
		const wait = inFlightWait.ms;
		inFlightWait.ms = 20;
		try {
			const check = await recordIn(store, {}, 'evt_a', (ms, signal) => new Promise((resolve) => { const t = setTimeout(resolve, ms); signal.addEventListener('abort', () => clearTimeout(t)); }));
			expect(check).toMatchObject({ duplicate: false, busy: true });
		} finally {
			inFlightWait.ms = wait;
		}
		first.settle(200);
		expect(await recordIn(store, {}, 'evt_a', sleepForever)).toEqual({ duplicate: true });
	});

	it('answered 500 after all (n8n could not store it): the copy runs, and a form loaded later does not bring the key back', async () => {
		const store = new DedupeStore();
		const saved: unknown[] = [];
		const first = newRecord(store, 'evt_a', saved);
		first.persist();
		const written = saved.at(-1);
		const copy = copyOf(store, 'evt_a', saved);
		first.settle(500);
		await tick();
		expect(copy.answer()).toMatchObject({ duplicate: false, recorded: expect.anything() });
		// the copy's own delivery fails too; a later request loads the form that held the key
		(copy.answer() as { recorded: Recorded }).recorded.settle(500);
		store.merge(written, T0 + 1000, WINDOW);
		expect(store.keys()).toEqual([]);
	});

	it('the connection cut before the answer: a stored delivery is committed (its run exists, the retry is a duplicate)', async () => {
		const store = new DedupeStore();
		const saved: unknown[] = [];
		const first = newRecord(store, 'evt_a', saved);
		first.persist();
		const copy = copyOf(store, 'evt_a', saved);
		first.cut();
		await tick();
		expect(copy.answer()).toEqual({ duplicate: true });
	});

	it('cut before it was stored: nothing is decided until it is stored, then it is committed', async () => {
		const store = new DedupeStore();
		const saved: unknown[] = [];
		const first = newRecord(store, 'evt_a', saved);
		first.cut();
		const copy = copyOf(store, 'evt_a', saved);
		await tick();
		expect(copy.answer()).toBeUndefined();
		first.persist();
		await tick();
		expect(copy.answer()).toEqual({ duplicate: true });
	});
});

describe('a delivery that never ends (its answer never came, its connection never closed)', () => {
	it('is given up after IN_FLIGHT_MAX_MS: not stored, the next copy runs; stored, the next copy is a duplicate', () => {
		const store = new DedupeStore();
		const lost = store.claim('evt_a', T0, WINDOW);
		const kept = store.claim('evt_b', T0, WINDOW);
		if (lost.status !== 'new' || kept.status !== 'new') throw new Error('not new');
		kept.ticket.markStored();
		expect(store.claim('evt_a', T0 + IN_FLIGHT_MAX_MS, WINDOW).status).toBe('pending');
		const again = store.claim('evt_a', T0 + IN_FLIGHT_MAX_MS + 1, WINDOW);
		expect(again.status).toBe('new');
		expect(lost.ticket.settled).toBe('cancelled');
		expect(store.claim('evt_b', T0 + IN_FLIGHT_MAX_MS + 1, WINDOW)).toEqual({ status: 'duplicate' });
		expect(kept.ticket.settled).toBe('committed');
	});
});

describe('settleOnAnswer', () => {
	function response(statusCode = 200) {
		return Object.assign(new EventEmitter(), { statusCode });
	}
	const recorder = () => {
		const calls: string[] = [];
		const recorded: Recorded = { persist: () => calls.push('persist'), settle: (s) => calls.push(`settle ${s}`), cut: () => calls.push('cut') };
		return { calls, recorded };
	};

	it('settles with the status once the answer is out, and a close after it changes nothing', () => {
		const res = response(200);
		const { calls, recorded } = recorder();
		settleOnAnswer(res, recorded);
		res.emit('finish');
		res.emit('close');
		expect(calls).toEqual(['settle 200']);
	});

	it('marks the delivery cut when the connection closes before the answer; an answer still sent after it settles it', () => {
		const res = response(200);
		const { calls, recorded } = recorder();
		settleOnAnswer(res, recorded);
		res.emit('close');
		expect(calls).toEqual(['cut']);
		res.statusCode = 500;
		res.emit('finish');
		expect(calls).toEqual(['cut', 'settle 500']);
	});
});
