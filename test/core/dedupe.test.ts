import { DEFAULT_DEDUPE_MAX_ENTRIES, DedupeStore, dedupeStoreFor, resetDedupeStores, type DeliveryTicket } from '../../nodes/shared/core/dedupe';
import { bodyKeyOfDigest } from '../../nodes/shared/core/deliveryKey';

const T0 = Date.UTC(2026, 5, 1, 14, 32, 0); // 2026-06-01T14:32:00Z, a whole second
const HOUR = 3_600_000;
const WINDOW = 73 * HOUR; // Tracebuzz retries for about 73 hours

afterEach(() => resetDedupeStores());

/**
 * A delivery the host stores at once: claims the key and commits the ticket it gets. Says whether
 * the key had been seen inside the window (a duplicate, or a copy of a delivery in flight).
 */
function record(store: DedupeStore, key: string, nowMs: number, windowMs: number): boolean {
	const claim = store.claim(key, nowMs, windowMs);
	if (claim.status === 'new') claim.ticket.commit();
	return claim.status !== 'new';
}

/** Claims a key that must be new, and returns its ticket (in flight). */
function claimNew(store: DedupeStore, key: string, nowMs: number, windowMs: number): DeliveryTicket {
	const claim = store.claim(key, nowMs, windowMs);
	if (claim.status !== 'new') throw new Error(`${key} was not new: ${claim.status}`);
	return claim.ticket;
}

describe('DedupeStore claim and commit', () => {
	it('says false the first time and true for a duplicate inside the window', () => {
		const store = new DedupeStore();
		expect(record(store, 'evt_7f3a9b2c', T0, WINDOW)).toBe(false);
		expect(record(store, 'evt_7f3a9b2c', T0, WINDOW)).toBe(true);
		expect(record(store, 'evt_7f3a9b2c', T0 + 1758 * 60_000, WINDOW)).toBe(true); // Tracebuzz's last retry
		expect(record(store, 'evt_7f3a9b2c', T0 + WINDOW - 1, WINDOW)).toBe(true);
		expect(record(store, 'evt_other', T0, WINDOW)).toBe(false);
		expect(store.size).toBe(2);
	});

	it('says false again once the window has passed, and starts a new window from then', () => {
		const store = new DedupeStore();
		expect(record(store, 'k', T0, WINDOW)).toBe(false);
		expect(record(store, 'k', T0 + WINDOW, WINDOW)).toBe(false);
		expect(record(store, 'k', T0 + WINDOW + 1, WINDOW)).toBe(true);
		expect(record(store, 'k', T0 + 2 * WINDOW - 1, WINDOW)).toBe(true);
		expect(record(store, 'k', T0 + 2 * WINDOW, WINDOW)).toBe(false);
	});

	it('does not extend the window on duplicates (first-seen time counts)', () => {
		const store = new DedupeStore();
		record(store, 'k', T0, 10_000);
		expect(record(store, 'k', T0 + 9_000, 10_000)).toBe(true);
		expect(record(store, 'k', T0 + 10_000, 10_000)).toBe(false);
	});

	it('keys are exact strings', () => {
		const store = new DedupeStore();
		record(store, 'evt_1', T0, WINDOW);
		expect(record(store, 'EVT_1', T0, WINDOW)).toBe(false);
		expect(record(store, 'evt_1 ', T0, WINDOW)).toBe(false);
		expect(record(store, '__proto__', T0, WINDOW)).toBe(false);
		expect(record(store, '__proto__', T0, WINDOW)).toBe(true);
		expect(record(store, 'constructor', T0, WINDOW)).toBe(false);
	});

	it('a cancelled delivery lets its key through again', () => {
		const store = new DedupeStore();
		const ticket = claimNew(store, 'k', T0, WINDOW);
		ticket.cancel();
		expect(ticket.settled).toBe('cancelled');
		expect(store.size).toBe(0);
		expect(record(store, 'k', T0 + 1, WINDOW)).toBe(false);
		expect(record(store, 'k', T0 + 2, WINDOW)).toBe(true);
		// cancelling again (a ticket whose key another delivery now holds) forgets nothing
		ticket.cancel();
		expect(store.size).toBe(1);
		expect(record(store, 'k', T0 + 3, WINDOW)).toBe(true);
	});

	it('a delivery answered with an error after it was committed is forgotten too', () => {
		const store = new DedupeStore();
		const ticket = claimNew(store, 'k', T0, WINDOW);
		ticket.commit();
		expect(ticket.settled).toBe('committed');
		ticket.cancel();
		// the first outcome stays what waiting copies were told
		expect(ticket.settled).toBe('committed');
		expect(store.size).toBe(0);
		expect(record(store, 'k', T0 + 1, WINDOW)).toBe(false);
	});
});

describe('DedupeStore bound', () => {
	it('evicts the oldest key first', () => {
		const store = new DedupeStore(3);
		expect(store.maxEntries).toBe(3);
		for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) record(store, key, T0 + i, WINDOW);
		expect(store.size).toBe(3);
		expect(store.keys()).toEqual(['b', 'c', 'd']);
		// 'a' was evicted: it passes again (and evicts 'b')
		expect(record(store, 'a', T0 + 10, WINDOW)).toBe(false);
		expect(store.keys()).toEqual(['c', 'd', 'a']);
		expect(record(store, 'd', T0 + 11, WINDOW)).toBe(true);
		expect(record(store, 'c', T0 + 12, WINDOW)).toBe(true);
	});

	it('a key seen again after expiry moves to the back', () => {
		const store = new DedupeStore(2);
		record(store, 'a', T0, 1000);
		record(store, 'b', T0 + 500, 1000);
		expect(record(store, 'a', T0 + 1000, 1000)).toBe(false); // a expired, recorded anew
		expect(store.keys()).toEqual(['b', 'a']);
	});

	it('defaults to DEFAULT_DEDUPE_MAX_ENTRIES', () => {
		expect(DEFAULT_DEDUPE_MAX_ENTRIES).toBe(10_000);
		expect(new DedupeStore().maxEntries).toBe(10_000);
	});

	it('stays bounded under 100 000 unique keys and still catches recent duplicates', () => {
		const store = new DedupeStore(1_000);
		let duplicates = 0;
		let largest = 0;
		for (let i = 0; i < 100_000; i++) {
			if (record(store, `evt_${i}`, T0 + i, WINDOW)) duplicates++;
			largest = Math.max(largest, store.size);
		}
		expect(duplicates).toBe(0);
		expect(largest).toBe(1_000);
		expect(store.size).toBe(1_000);
		expect(record(store, 'evt_99999', T0 + 100_000, WINDOW)).toBe(true);
		expect(record(store, 'evt_99000', T0 + 100_000, WINDOW)).toBe(true);
		expect(record(store, 'evt_98999', T0 + 100_000, WINDOW)).toBe(false);
		expect(store.size).toBe(1_000);
		expect(store.keys()).toHaveLength(1_000);
	});

	it('keeps the default bound under 100 000 unique keys with a sha256-sized key', () => {
		const store = dedupeStoreFor('wf:bounded');
		const pad = 'f'.repeat(56);
		for (let i = 0; i < 100_000; i++) record(store, `${pad}${i.toString(16).padStart(8, '0')}`, T0 + i, WINDOW);
		expect(store.size).toBe(DEFAULT_DEDUPE_MAX_ENTRIES);
	});
});

describe('DedupeStore.resize', () => {
	it('evicts the oldest keys at once when shrinking, and keeps them when growing', () => {
		const store = new DedupeStore(5);
		for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) record(store, key, T0 + i, WINDOW);
		store.resize(2);
		expect(store.maxEntries).toBe(2);
		expect(store.keys()).toEqual(['d', 'e']);
		store.resize(10);
		expect(store.maxEntries).toBe(10);
		expect(store.size).toBe(2);
		record(store, 'f', T0 + 10, WINDOW);
		expect(store.size).toBe(3);
	});

	it('never goes below one entry and floors fractions', () => {
		const store = new DedupeStore(5);
		store.resize(0);
		expect(store.maxEntries).toBe(1);
		store.resize(-7);
		expect(store.maxEntries).toBe(1);
		store.resize(3.9);
		expect(store.maxEntries).toBe(3);
	});

	it('keeps a usable bound when given NaN (an unset numeric option)', () => {
		const store = new DedupeStore(5);
		store.resize(NaN);
		for (let i = 0; i < 50; i++) record(store, `k${i}`, T0 + i, WINDOW);
		expect(store.size).toBeLessThanOrEqual(DEFAULT_DEDUPE_MAX_ENTRIES);
		expect(Number.isFinite(store.maxEntries)).toBe(true);
	});
});

describe('DedupeStore.prune', () => {
	it('drops keys at or older than the window, oldest first, keeping the rest', () => {
		const store = new DedupeStore();
		record(store, 'a', T0, WINDOW);
		record(store, 'b', T0 + 1000, WINDOW);
		record(store, 'c', T0 + 2000, WINDOW);
		store.prune(T0 + 1000 + 5000, 5000);
		expect(store.keys()).toEqual(['c']);
		store.prune(T0 + 2000 + 4999, 5000);
		expect(store.size).toBe(1);
		store.prune(T0 + 2000 + 5000, 5000);
		expect(store.size).toBe(0);
	});

	it('runs on every claim, so expired keys do not accumulate', () => {
		const store = new DedupeStore();
		for (let i = 0; i < 100; i++) record(store, `k${i}`, T0 + i * 1000, 10_000);
		expect(store.size).toBe(10);
	});
});

describe('DedupeStore persistence', () => {
	it('toPersisted writes v:2, one "<key> <first-seen seconds, base 36>" line per key, oldest first', () => {
		const store = new DedupeStore();
		record(store, 'evt_7f3a9b2c', T0 + 999, WINDOW);
		record(store, 'evt_2', T0 + 5_000, WINDOW);
		const s = (ms: number) => Math.floor(ms / 1000).toString(36);
		expect(store.toPersisted()).toEqual({ v: 2, journal: `evt_7f3a9b2c ${s(T0)}\nevt_2 ${s(T0 + 5000)}\n` });
	});

	it('keeps the journal in step with pruning, eviction and re-recording (O(1) per request)', () => {
		const store = new DedupeStore(3);
		for (let i = 0; i < 4; i++) record(store, `k${i}`, T0 + i * 1000, 10_000);
		const k4 = claimNew(store, 'k4', T0 + 4000, 10_000);
		k4.commit();
		const lines = (p: { journal: string }) => p.journal.trim().split('\n').map((l) => l.split(' ')[0]);
		expect(lines(store.toPersisted())).toEqual(['k2', 'k3', 'k4']);
		record(store, 'k5', T0 + 13_500, 10_000); // prunes k2, k3 (older than 10 s)
		expect(lines(store.toPersisted())).toEqual(['k4', 'k5']);
		k4.cancel(); // from the middle
		expect(lines(store.toPersisted())).toEqual(['k5']);
		expect(store.keys()).toEqual(['k5']);
	});

	it('stores long or odd keys as a fingerprint, consistently', () => {
		const store = new DedupeStore();
		const long = `sha256:${'a'.repeat(64)}`;
		record(store, long, T0, WINDOW);
		record(store, 'with space', T0, WINDOW);
		// a body hash keeps 64 bits of itself (~); anything else long or odd is hashed (#)
		expect(store.keys()).toEqual([`~${Buffer.from('a'.repeat(16), 'hex').toString('base64url')}`, expect.stringMatching(/^#[A-Za-z0-9_-]{11}$/)]);
		const after = new DedupeStore();
		after.merge(JSON.parse(JSON.stringify(store.toPersisted())), T0 + 1000, WINDOW);
		expect(record(after, long, T0 + 2000, WINDOW)).toBe(true);
		expect(record(after, 'with space', T0 + 2000, WINDOW)).toBe(true);
	});

	it('toPersisted keeps odd keys inert', () => {
		const store = new DedupeStore();
		record(store, '__proto__', T0, WINDOW);
		record(store, 'constructor', T0, WINDOW);
		const persisted = store.toPersisted();
		expect(store.keys()).toEqual(['__proto__', 'constructor']);
		expect(({} as Record<string, unknown>).constructor).toBe(Object);
		// it survives a JSON round trip (workflow static data) and a merge
		const revived = JSON.parse(JSON.stringify(persisted));
		const after = new DedupeStore();
		after.merge(revived, T0 + 1000, WINDOW);
		expect(record(after, '__proto__', T0 + 2000, WINDOW)).toBe(true);
		expect(record(after, 'constructor', T0 + 2000, WINDOW)).toBe(true);
	});

	it('a duplicate is still caught after a restart (new store merged from the persisted, JSON round-tripped record)', () => {
		const before = new DedupeStore();
		expect(record(before, 'evt_7f3a9b2c', T0, WINDOW)).toBe(false);
		expect(record(before, 'tb:11111', T0 + HOUR, WINDOW)).toBe(false);
		const saved = JSON.parse(JSON.stringify(before.toPersisted())) as unknown;

		resetDedupeStores(); // "restart"
		const after = dedupeStoreFor('wf1:node1');
		expect(after.size).toBe(0);
		after.merge(saved, T0 + 2 * HOUR, WINDOW);
		expect(after.size).toBe(2);
		expect(record(after, 'evt_7f3a9b2c', T0 + 72 * HOUR, WINDOW)).toBe(true);
		expect(record(after, 'tb:11111', T0 + 72 * HOUR, WINDOW)).toBe(true);
		expect(record(after, 'evt_new', T0 + 72 * HOUR, WINDOW)).toBe(false);
	});

	it('merge ignores keys that expired while n8n was down', () => {
		const before = new DedupeStore();
		record(before, 'old', T0, WINDOW);
		record(before, 'recent', T0 + 10 * HOUR, WINDOW);
		const after = new DedupeStore();
		after.merge(before.toPersisted(), T0 + WINDOW + HOUR, WINDOW);
		expect(after.keys()).toEqual(['recent']);
		expect(record(after, 'old', T0 + WINDOW + HOUR, WINDOW)).toBe(false);
		expect(record(after, 'recent', T0 + WINDOW + HOUR, WINDOW)).toBe(true);
	});

	it('merge keeps what the store already holds and orders everything by first-seen time', () => {
		const store = new DedupeStore(3);
		record(store, 'live', T0 + 3000, WINDOW);
		// the format of development builds (v1) is still read
		const persisted = { v: 1, seen: { p2: T0 / 1000 + 2, p1: T0 / 1000 + 1, live: T0 / 1000 - 100, p4: T0 / 1000 + 4 } };
		store.merge(persisted, T0 + 5000, WINDOW);
		// 'live' keeps its own time (3 s); bound 3 evicts the oldest, p1
		const s = (sec: number) => sec.toString(36);
		expect(store.toPersisted()).toEqual({ v: 2, journal: `p2 ${s(T0 / 1000 + 2)}\nlive ${s(T0 / 1000 + 3)}\np4 ${s(T0 / 1000 + 4)}\n` });
		expect(store.keys()).toEqual(['p2', 'live', 'p4']);
	});

	it.each<[string, unknown]>([
		['undefined', undefined],
		['null', null],
		['a string', '{"v":1,"seen":{"k":1}}'],
		['a number', 1],
		['an array', [{ v: 1, seen: { k: T0 / 1000 } }]],
		['no version', { seen: { k: T0 / 1000 } }],
		['another version', { v: 3, seen: { k: T0 / 1000 } }],
		['v2 without a journal', { v: 2, seen: { k: T0 / 1000 } }],
		['v2 journal of garbage lines', { v: 2, journal: 'no-time\n k\nk zz!\n\n' }],
		['a string version', { v: '1', seen: { k: T0 / 1000 } }],
		['seen missing', { v: 1 }],
		['seen null', { v: 1, seen: null }],
		['seen a string', { v: 1, seen: 'k' }],
		['seen a number', { v: 1, seen: 5 }],
	])('merge ignores malformed input: %s', (_label, input) => {
		const store = new DedupeStore();
		record(store, 'existing', T0, WINDOW);
		expect(() => store.merge(input, T0 + 1000, WINDOW)).not.toThrow();
		expect(store.keys()).toEqual(['existing']);
		expect(record(store, 'k', T0 + 1000, WINDOW)).toBe(false);
	});

	it('merge ignores entries whose time is not a number', () => {
		const store = new DedupeStore();
		const input = { v: 1, seen: { good: T0 / 1000, nan: NaN, text: 'soon', obj: {}, undef: undefined, inf: Infinity } };
		expect(() => store.merge(input, T0 + 1000, WINDOW)).not.toThrow();
		expect(store.keys()).toEqual(['good']);
	});

	it('merge does not pollute prototypes with a hostile persisted record', () => {
		const hostile = JSON.parse(`{"v":1,"seen":{"__proto__":${T0 / 1000},"polluted":${T0 / 1000}}}`);
		const store = new DedupeStore();
		store.merge(hostile, T0 + 1000, WINDOW);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(record(store, '__proto__', T0 + 1000, WINDOW)).toBe(true);
	});

	it('merge respects the bound', () => {
		const seen: Record<string, number> = {};
		for (let i = 0; i < 50; i++) seen[`k${i}`] = T0 / 1000 + i;
		const store = new DedupeStore(10);
		store.merge({ v: 1, seen }, T0 + 60_000, WINDOW);
		expect(store.size).toBe(10);
		expect(store.keys()).toEqual(Array.from({ length: 10 }, (_, i) => `k${40 + i}`));
	});
});

describe('dedupeStoreFor / resetDedupeStores', () => {
	it('returns the same store for a scope and another for another scope', () => {
		const a1 = dedupeStoreFor('wf1:node1');
		const a2 = dedupeStoreFor('wf1:node1');
		const b = dedupeStoreFor('wf1:node2');
		expect(a2).toBe(a1);
		expect(b).not.toBe(a1);
		record(a1, 'k', T0, WINDOW);
		expect(record(dedupeStoreFor('wf1:node1'), 'k', T0 + 1, WINDOW)).toBe(true);
		expect(record(b, 'k', T0 + 1, WINDOW)).toBe(false);
	});

	it('applies the bound of each call to the existing store', () => {
		const store = dedupeStoreFor('s', 5);
		expect(store.maxEntries).toBe(5);
		for (let i = 0; i < 5; i++) record(store, `k${i}`, T0 + i, WINDOW);
		expect(dedupeStoreFor('s', 2)).toBe(store);
		expect(store.maxEntries).toBe(2);
		expect(store.size).toBe(2);
		expect(dedupeStoreFor('s').maxEntries).toBe(DEFAULT_DEDUPE_MAX_ENTRIES);
	});

	it('resetDedupeStores forgets every store, and a new store loads the persisted form again', () => {
		const first = dedupeStoreFor('s');
		const persisted = { v: 2, journal: `p ${(T0 / 1000).toString(36)}\n` };
		let loads = 0;
		const load = () => {
			loads += 1;
			return persisted;
		};
		expect(first.claim('k', T0, WINDOW, load).status).toBe('new');
		expect(first.claim('p', T0, WINDOW, load).status).toBe('duplicate');
		expect(loads).toBe(1);
		resetDedupeStores();
		const second = dedupeStoreFor('s');
		expect(second).not.toBe(first);
		expect(second.size).toBe(0);
		expect(second.inFlightCount).toBe(0);
		expect(second.claim('k', T0 + 1, WINDOW, load).status).toBe('new');
		expect(loads).toBe(2);
		expect(second.claim('p', T0 + 1, WINDOW).status).toBe('duplicate');
	});
});

describe('DedupeStore.claim: what the host loaded for the request', () => {
	const s = (ms: number) => Math.floor(ms / 1000).toString(36);

	it('is read only when the key is not held in memory, and merged before deciding', () => {
		const store = new DedupeStore();
		let loads = 0;
		let journal = `old ${s(T0)}\n`;
		const load = () => {
			loads += 1;
			return { v: 2, journal };
		};
		// a claim without a loader (a Test URL delivery) reads nothing
		expect(store.claim('a', T0, WINDOW).status).toBe('new');
		expect(loads).toBe(0);
		expect(store.claim('old', T0 + 1, WINDOW, load).status).toBe('duplicate');
		expect(loads).toBe(1);
		// held in memory: decided without reading
		expect(store.claim('old', T0 + 2, WINDOW, load).status).toBe('duplicate');
		expect(store.claim('a', T0 + 2, WINDOW, load).status).toBe('pending');
		expect(loads).toBe(1);
		// not held: read again, and what another process recorded meanwhile is a duplicate
		journal += `other ${s(T0 + 1000)}\n`;
		expect(store.claim('other', T0 + 3000, WINDOW, load).status).toBe('duplicate');
		expect(store.claim('b', T0 + 3000, WINDOW, load).status).toBe('new');
		expect(loads).toBe(3);
	});

	it('two processes (two stores) sharing one persisted form: a retry to the other process is a duplicate, and neither save drops the other\'s keys', () => {
		let shared: unknown = undefined; // the database row, saved and loaded as JSON
		const save = (store: DedupeStore) => (shared = JSON.parse(JSON.stringify(store.toPersisted())));
		const [a, b] = [new DedupeStore(), new DedupeStore()];
		const deliver = (store: DedupeStore, key: string, at: number) => {
			const loaded = JSON.parse(JSON.stringify(shared ?? null)) as unknown;
			const claim = store.claim(key, at, WINDOW, () => loaded);
			if (claim.status === 'new') {
				claim.ticket.commit();
				save(store);
			}
			return claim.status;
		};
		expect(deliver(a, 'k1', T0)).toBe('new');
		expect(deliver(b, 'k2', T0 + 1000)).toBe('new');
		// B's save holds A's key: it merged what it loaded
		expect(shared).toEqual({ v: 2, journal: `~k1 ${s(T0)}\nk2 ${s(T0 + 1000)}\n`.replace('~k1', 'k1') });
		// retries, each to the other process
		expect(deliver(b, 'k1', T0 + HOUR)).toBe('duplicate');
		expect(deliver(a, 'k2', T0 + HOUR)).toBe('duplicate');
		expect(deliver(a, 'k3', T0 + HOUR + 1000)).toBe('new');
		// both restart: every key of both is still there
		const after = new DedupeStore();
		for (const key of ['k1', 'k2', 'k3']) expect(after.claim(key, T0 + 2 * HOUR, WINDOW, () => shared).status).toBe('duplicate');
	});

	it('two full stores taking turns over one journal: it stays inside the bound (evicted keys do not bounce between their saves)', () => {
		const [a, b] = [new DedupeStore(100), new DedupeStore(100)];
		let shared = '{}';
		for (let i = 0; i < 600; i++) {
			const store = i % 2 ? a : b;
			const loaded = JSON.parse(shared) as unknown;
			const claim = store.claim(`k${i}`, T0 + i * 370, WINDOW, () => loaded);
			if (claim.status !== 'new') throw new Error(`k${i} was ${claim.status}`);
			claim.ticket.commit();
			const persisted = store.toPersisted();
			shared = JSON.stringify(persisted);
			const keys = persisted.journal.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
			// the journal's front is cut in batches of an eighth
			expect(keys.length).toBeLessThanOrEqual(100 + Math.ceil(100 / 8) + 1);
			// and it holds the newest of both (a journal keeps seconds: keys of one second may be
			// evicted in any order, hence 95 of the bound of 100)
			const newest = Array.from({ length: Math.min(95, i + 1) }, (_, n) => `k${i - n}`);
			expect(newest.filter((key) => !keys.includes(key))).toEqual([]);
		}
		expect(a.size).toBe(100);
		expect(b.size).toBe(100);
	});

	it('a loaded journal that holds a key twice adds it once (one journal line, its latest time)', () => {
		const store = new DedupeStore();
		record(store, 'a', T0, WINDOW);
		store.merge({ v: 2, journal: `x ${s(T0 + 1000)}\na ${s(T0)}\nx ${s(T0 + 2000)}\n` }, T0 + 3000, WINDOW);
		expect(store.keys()).toEqual(['a', 'x']);
		expect(store.toPersisted().journal).toBe(`a ${s(T0)}\nx ${s(T0 + 2000)}\n`);
	});

	it('two full stores taking turns many times a second: the journal stays inside the bound and holds every key', () => {
		const [a, b] = [new DedupeStore(1000), new DedupeStore(1000)];
		let shared = '{}';
		for (let i = 0; i < 3000; i++) {
			const store = i % 2 ? a : b;
			const loaded = JSON.parse(shared) as unknown;
			// keys of one length: the journal's front is cut in characters
			const claim = store.claim(`k${String(i).padStart(5, '0')}`, T0 + i * 30, WINDOW, () => loaded);
			if (claim.status !== 'new') throw new Error(`k${i} was ${claim.status}`);
			claim.ticket.commit();
			const persisted = store.toPersisted();
			shared = JSON.stringify(persisted);
			if (i % 100 === 99) {
				const keys = persisted.journal.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
				// the cut front (at most an eighth of the journal) is at most a seventh of the kept lines
				expect(keys.length).toBeLessThanOrEqual(1000 + Math.ceil(1000 / 7) + 1);
				// every key the store holds is in it (a key may also have a line in the cut front,
				// when it was evicted here and merged back from the other's journal)
				const held = new Set(keys);
				expect(store.keys().filter((key) => !held.has(key))).toEqual([]);
			}
		}
	});

	it('a save never holds fewer keys than the request loaded (inside the window and the bound)', () => {
		const store = new DedupeStore(5);
		record(store, 'mine', T0 + 500, WINDOW);
		const loaded = { v: 2, journal: ['x1', 'x2', 'x3'].map((key, i) => `${key} ${s(T0 + i * 1000)}\n`).join('') };
		const ticket = claimNew(store, 'new', T0 + 5000, WINDOW);
		store.merge(loaded, T0 + 5000, WINDOW);
		ticket.commit();
		const keys = (p: { journal: string }) => p.journal.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
		expect(keys(store.toPersisted())).toEqual(['x1', 'mine', 'x2', 'x3', 'new']);
		// over the bound, the oldest go first, wherever they came from
		store.resize(3);
		expect(keys(store.toPersisted())).toEqual(['x2', 'x3', 'new']);
	});

	it('a loaded form that holds the key of a delivery in flight here: stored elsewhere, so persisted and not forgotten on cancel', () => {
		const store = new DedupeStore();
		const ticket = claimNew(store, 'k', T0, WINDOW);
		expect(store.toPersisted().journal).toBe('');
		// another process stored a copy of the same event; this process loads its save
		store.merge({ v: 2, journal: `k ${s(T0)}\n` }, T0 + 10, WINDOW);
		expect(ticket.heldElsewhere).toBe(true);
		expect(store.toPersisted().journal).toBe(`k ${s(T0)}\n`);
		ticket.cancel();
		expect(store.claim('k', T0 + 20, WINDOW).status).toBe('duplicate');
		expect(store.toPersisted().journal).toBe(`k ${s(T0)}\n`);
	});

	it('a key forgotten after it was committed (answered with an error) is not brought back by an older loaded copy', () => {
		const store = new DedupeStore();
		const ticket = claimNew(store, 'k', T0, WINDOW);
		ticket.commit();
		const written = JSON.parse(JSON.stringify(store.toPersisted())) as unknown;
		ticket.cancel();
		// the loaded copy holds this store's own record of k: not new, and k stays forgotten
		expect(store.claim('k', T0 + 10, WINDOW, () => written).status).toBe('new');
		// a record of k another process made (another time) would count
		const fresh = new DedupeStore();
		const first = claimNew(fresh, 'j', T0, WINDOW);
		first.commit();
		first.cancel();
		expect(fresh.claim('j', T0 + 5000, WINDOW, () => ({ v: 2, journal: `j ${s(T0 + 3000)}\n` })).status).toBe('duplicate');
	});

	it('a journal it has just written or merged is not read again (the steady state of one process costs no parse)', () => {
		const store = new DedupeStore(2);
		record(store, 'a', T0, WINDOW);
		record(store, 'b', T0 + 1000, WINDOW);
		const written = JSON.parse(JSON.stringify(store.toPersisted())) as { v: 2; journal: string };
		// a leaves (evicted), and there is room again: a journal that was read would bring it back
		store.resize(1);
		store.resize(2);
		expect(store.keys()).toEqual(['b']);
		store.merge(written, T0 + 2000, WINDOW);
		expect(store.keys()).toEqual(['b']);
		// another text is read
		store.merge({ v: 2, journal: `${written.journal}c ${s(T0 + 2500)}\n` }, T0 + 3000, WINDOW);
		expect(store.keys()).toEqual(['b', 'c']);
	});
});

describe('DeliveryTicket: in flight, committed, cancelled', () => {
	it('a copy of a delivery in flight is pending (with the first ticket), a duplicate once it is committed', () => {
		const store = new DedupeStore();
		const ticket = claimNew(store, 'k', T0, WINDOW);
		expect(ticket.settled).toBeUndefined();
		expect(store.inFlightCount).toBe(1);
		const copy = store.claim('k', T0 + 1, WINDOW);
		expect(copy).toEqual({ status: 'pending', first: ticket });
		ticket.commit();
		expect(store.inFlightCount).toBe(0);
		expect(store.claim('k', T0 + 2, WINDOW)).toEqual({ status: 'duplicate' });
	});

	it('the persisted form leaves out the keys of deliveries in flight, wherever they are, keeping the order', () => {
		const store = new DedupeStore();
		const s = (ms: number) => Math.floor(ms / 1000).toString(36);
		const tickets = ['a', 'b', 'c', 'd'].map((key, i) => claimNew(store, key, T0 + i * 1000, WINDOW));
		const journal = (...keys: string[]) => keys.map((key) => `${key} ${s(T0 + 'abcd'.indexOf(key) * 1000)}\n`).join('');
		expect(store.toPersisted().journal).toBe('');
		tickets[2].commit();
		expect(store.toPersisted().journal).toBe(journal('c'));
		tickets[0].commit();
		expect(store.toPersisted().journal).toBe(journal('a', 'c'));
		tickets[3].commit();
		expect(store.toPersisted().journal).toBe(journal('a', 'c', 'd'));
		tickets[1].commit();
		expect(store.toPersisted()).toEqual({ v: 2, journal: journal('a', 'b', 'c', 'd') });
		// in memory every one of them was a copy all along
		expect(store.keys()).toEqual(['a', 'b', 'c', 'd']);
	});

	it('a key that is only a prefix of another in-flight key leaves the other in', () => {
		const store = new DedupeStore();
		const abc = claimNew(store, 'abc', T0, WINDOW);
		abc.commit();
		claimNew(store, 'ab', T0 + 1000, WINDOW);
		expect(store.toPersisted().journal).toBe(`abc ${(T0 / 1000).toString(36)}\n`);
	});

	it('a key recorded again after it expired: only its latest line (the delivery in flight) is left out', () => {
		const store = new DedupeStore();
		const s = (ms: number) => Math.floor(ms / 1000).toString(36);
		record(store, 'k', T0, WINDOW);
		for (let i = 0; i < 20; i++) record(store, `m${i}`, T0 + 1500, WINDOW);
		// k expired (a window of 1 s now) and is claimed anew; its old line is still in the
		// journal's front (cut in batches), where a reader drops it as expired
		const again = claimNew(store, 'k', T0 + 2000, 1000);
		const lines = () => store.toPersisted().journal.split('\n').filter((l) => l.startsWith('k '));
		expect(lines()).toEqual([`k ${s(T0)}`]);
		again.commit();
		expect(lines()).toEqual([`k ${s(T0)}`, `k ${s(T0 + 2000)}`]);
		// read back, k is a duplicate from its latest time on
		const after = new DedupeStore();
		after.merge(store.toPersisted(), T0 + 2500, 1000);
		expect(after.keys()).toEqual(['k']);
		expect(after.claim('k', T0 + 2500, 1000).status).toBe('duplicate');
	});

	it('a ticket whose key was evicted meanwhile changes nothing when it ends', () => {
		const store = new DedupeStore(2);
		const a = claimNew(store, 'a', T0, WINDOW);
		record(store, 'b', T0 + 1, WINDOW);
		record(store, 'c', T0 + 2, WINDOW); // evicts a
		expect(store.inFlightCount).toBe(0);
		const again = claimNew(store, 'a', T0 + 3, WINDOW); // a new delivery of a
		a.cancel();
		expect(store.keys()).toEqual(['c', 'a']);
		expect(store.claim('a', T0 + 4, WINDOW)).toEqual({ status: 'pending', first: again });
		a.commit();
		expect(store.inFlightCount).toBe(1);
	});

	it('body keys are claimed by their fingerprint, and stay out of the persisted form while in flight', () => {
		const store = new DedupeStore();
		const key = bodyKeyOfDigest('ab'.repeat(32));
		const ticket = claimNew(store, key, T0, WINDOW);
		expect(store.keys()).toEqual([`~${Buffer.from('ab'.repeat(8), 'hex').toString('base64url')}`]);
		expect(store.toPersisted().journal).toBe('');
		ticket.commit();
		expect(store.toPersisted().journal).toBe(`${store.keys()[0]} ${(T0 / 1000).toString(36)}\n`);
	});
});

describe('DedupeStore.decide: a copy of a delivery in flight waits for it (F10)', () => {
	/** A clock the test moves, and a sleep that resolves when the test moves the clock past it. */
	function fakeTime() {
		let now = T0;
		const sleepers: Array<{ until: number; resolve: () => void; signal: AbortSignal }> = [];
		return {
			now: () => now,
			sleep(ms: number, signal: AbortSignal): Promise<void> {
				return new Promise((resolve) => sleepers.push({ until: now + ms, resolve, signal }));
			},
			advance(ms: number) {
				now += ms;
				for (const s of sleepers.splice(0)) {
					if (s.until <= now) s.resolve();
					else sleepers.push(s);
				}
			},
			/** Sleepers neither woken nor aborted. */
			get sleeping() {
				return sleepers.filter((s) => !s.signal.aborted).length;
			},
		};
	}
	const settle = () => new Promise((resolve) => setImmediate(resolve));

	it('answers a first delivery and a plain duplicate synchronously', () => {
		const time = fakeTime();
		const store = new DedupeStore();
		const first = store.decide('k', { windowMs: WINDOW, waitMs: 5000, ...time });
		expect(first).not.toBeInstanceOf(Promise);
		expect((first as { status: string }).status).toBe('new');
		(first as { ticket: DeliveryTicket }).ticket.commit();
		expect(store.decide('k', { windowMs: WINDOW, waitMs: 5000, ...time })).toEqual({ status: 'duplicate' });
	});

	it('a duplicate once the first is committed, never before', async () => {
		const time = fakeTime();
		const store = new DedupeStore();
		const first = claimNew(store, 'k', T0, WINDOW);
		let answer: unknown;
		const copy = Promise.resolve(store.decide('k', { windowMs: WINDOW, waitMs: 5000, ...time })).then((d) => (answer = d));
		await settle();
		expect(answer).toBeUndefined();
		time.advance(4999);
		await settle();
		expect(answer).toBeUndefined();
		first.commit();
		await copy;
		expect(answer).toEqual({ status: 'duplicate' });
		// the wait's timer was cancelled
		expect(time.sleeping).toBe(0);
	});

	it('the delivery itself when the first is cancelled; a further copy then waits for it', async () => {
		const time = fakeTime();
		const store = new DedupeStore();
		const first = claimNew(store, 'k', T0, WINDOW);
		const answers: unknown[] = [];
		const copies = [0, 1].map((i) => Promise.resolve(store.decide('k', { windowMs: WINDOW, waitMs: 5000, ...time })).then((d) => (answers[i] = d)));
		first.cancel();
		await settle();
		// exactly one of the two copies is now the delivery; the other waits for it
		expect(answers[0]).toMatchObject({ status: 'new' });
		expect(answers[1]).toBeUndefined();
		(answers[0] as { ticket: DeliveryTicket }).ticket.commit();
		await Promise.all(copies);
		expect(answers[1]).toEqual({ status: 'duplicate' });
	});

	it('busy when the first is still in flight at the bound, measured from the arrival of the copy', async () => {
		const time = fakeTime();
		const store = new DedupeStore();
		claimNew(store, 'k', T0, WINDOW);
		time.advance(2000);
		let answer: unknown;
		const copy = Promise.resolve(store.decide('k', { windowMs: WINDOW, waitMs: 5000, ...time })).then((d) => (answer = d));
		time.advance(4999);
		await settle();
		expect(answer).toBeUndefined();
		time.advance(1);
		await copy;
		expect(answer).toEqual({ status: 'busy' });
		// a bound of 0: busy without waiting
		expect(await store.decide('k', { windowMs: WINDOW, waitMs: 0, ...time })).toEqual({ status: 'busy' });
	});

	it('a copy that waited for a cancelled first and then meets another copy in flight keeps its own deadline', async () => {
		const time = fakeTime();
		const store = new DedupeStore();
		const first = claimNew(store, 'k', T0, WINDOW);
		const answers: unknown[] = [];
		const copies = [0, 1].map((i) => Promise.resolve(store.decide('k', { windowMs: WINDOW, waitMs: 5000, ...time })).then((d) => (answers[i] = d)));
		time.advance(4000);
		first.cancel();
		await settle();
		expect(answers[0]).toMatchObject({ status: 'new' });
		time.advance(999);
		await settle();
		expect(answers[1]).toBeUndefined();
		time.advance(1);
		await Promise.all(copies);
		expect(answers[1]).toEqual({ status: 'busy' });
	});
});
