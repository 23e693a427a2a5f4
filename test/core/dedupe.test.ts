import { DEFAULT_DEDUPE_MAX_ENTRIES, DedupeStore, dedupeStoreFor, resetDedupeStores } from '../../nodes/shared/core/dedupe';

const T0 = Date.UTC(2026, 5, 1, 14, 32, 0); // 2026-06-01T14:32:00Z, a whole second
const HOUR = 3_600_000;
const WINDOW = 73 * HOUR; // Tracebuzz retries for about 73 hours

afterEach(() => resetDedupeStores());

describe('DedupeStore.checkAndRecord', () => {
	it('says false the first time and true for a duplicate inside the window', () => {
		const store = new DedupeStore();
		expect(store.checkAndRecord('evt_7f3a9b2c', T0, WINDOW)).toBe(false);
		expect(store.checkAndRecord('evt_7f3a9b2c', T0, WINDOW)).toBe(true);
		expect(store.checkAndRecord('evt_7f3a9b2c', T0 + 1758 * 60_000, WINDOW)).toBe(true); // Tracebuzz's last retry
		expect(store.checkAndRecord('evt_7f3a9b2c', T0 + WINDOW - 1, WINDOW)).toBe(true);
		expect(store.checkAndRecord('evt_other', T0, WINDOW)).toBe(false);
		expect(store.size).toBe(2);
	});

	it('says false again once the window has passed, and starts a new window from then', () => {
		const store = new DedupeStore();
		expect(store.checkAndRecord('k', T0, WINDOW)).toBe(false);
		expect(store.checkAndRecord('k', T0 + WINDOW, WINDOW)).toBe(false);
		expect(store.checkAndRecord('k', T0 + WINDOW + 1, WINDOW)).toBe(true);
		expect(store.checkAndRecord('k', T0 + 2 * WINDOW - 1, WINDOW)).toBe(true);
		expect(store.checkAndRecord('k', T0 + 2 * WINDOW, WINDOW)).toBe(false);
	});

	it('does not extend the window on duplicates (first-seen time counts)', () => {
		const store = new DedupeStore();
		store.checkAndRecord('k', T0, 10_000);
		expect(store.checkAndRecord('k', T0 + 9_000, 10_000)).toBe(true);
		expect(store.checkAndRecord('k', T0 + 10_000, 10_000)).toBe(false);
	});

	it('keys are exact strings', () => {
		const store = new DedupeStore();
		store.checkAndRecord('evt_1', T0, WINDOW);
		expect(store.checkAndRecord('EVT_1', T0, WINDOW)).toBe(false);
		expect(store.checkAndRecord('evt_1 ', T0, WINDOW)).toBe(false);
		expect(store.checkAndRecord('__proto__', T0, WINDOW)).toBe(false);
		expect(store.checkAndRecord('__proto__', T0, WINDOW)).toBe(true);
		expect(store.checkAndRecord('constructor', T0, WINDOW)).toBe(false);
	});

	it('forget lets a key through again', () => {
		const store = new DedupeStore();
		store.checkAndRecord('k', T0, WINDOW);
		store.forget('k');
		expect(store.size).toBe(0);
		expect(store.checkAndRecord('k', T0 + 1, WINDOW)).toBe(false);
		expect(store.checkAndRecord('k', T0 + 2, WINDOW)).toBe(true);
		store.forget('not there');
		expect(store.size).toBe(1);
	});
});

describe('DedupeStore bound', () => {
	it('evicts the oldest key first', () => {
		const store = new DedupeStore(3);
		expect(store.maxEntries).toBe(3);
		for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) store.checkAndRecord(key, T0 + i, WINDOW);
		expect(store.size).toBe(3);
		expect(store.keys()).toEqual(['b', 'c', 'd']);
		// 'a' was evicted: it passes again (and evicts 'b')
		expect(store.checkAndRecord('a', T0 + 10, WINDOW)).toBe(false);
		expect(store.keys()).toEqual(['c', 'd', 'a']);
		expect(store.checkAndRecord('d', T0 + 11, WINDOW)).toBe(true);
		expect(store.checkAndRecord('c', T0 + 12, WINDOW)).toBe(true);
	});

	it('a key seen again after expiry moves to the back', () => {
		const store = new DedupeStore(2);
		store.checkAndRecord('a', T0, 1000);
		store.checkAndRecord('b', T0 + 500, 1000);
		expect(store.checkAndRecord('a', T0 + 1000, 1000)).toBe(false); // a expired, recorded anew
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
			if (store.checkAndRecord(`evt_${i}`, T0 + i, WINDOW)) duplicates++;
			largest = Math.max(largest, store.size);
		}
		expect(duplicates).toBe(0);
		expect(largest).toBe(1_000);
		expect(store.size).toBe(1_000);
		expect(store.checkAndRecord('evt_99999', T0 + 100_000, WINDOW)).toBe(true);
		expect(store.checkAndRecord('evt_99000', T0 + 100_000, WINDOW)).toBe(true);
		expect(store.checkAndRecord('evt_98999', T0 + 100_000, WINDOW)).toBe(false);
		expect(store.size).toBe(1_000);
		expect(store.keys()).toHaveLength(1_000);
	});

	it('keeps the default bound under 100 000 unique keys with a sha256-sized key', () => {
		const store = dedupeStoreFor('wf:bounded').store;
		const pad = 'f'.repeat(56);
		for (let i = 0; i < 100_000; i++) store.checkAndRecord(`${pad}${i.toString(16).padStart(8, '0')}`, T0 + i, WINDOW);
		expect(store.size).toBe(DEFAULT_DEDUPE_MAX_ENTRIES);
	});
});

describe('DedupeStore.resize', () => {
	it('evicts the oldest keys at once when shrinking, and keeps them when growing', () => {
		const store = new DedupeStore(5);
		for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) store.checkAndRecord(key, T0 + i, WINDOW);
		store.resize(2);
		expect(store.maxEntries).toBe(2);
		expect(store.keys()).toEqual(['d', 'e']);
		store.resize(10);
		expect(store.maxEntries).toBe(10);
		expect(store.size).toBe(2);
		store.checkAndRecord('f', T0 + 10, WINDOW);
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
		for (let i = 0; i < 50; i++) store.checkAndRecord(`k${i}`, T0 + i, WINDOW);
		expect(store.size).toBeLessThanOrEqual(DEFAULT_DEDUPE_MAX_ENTRIES);
		expect(Number.isFinite(store.maxEntries)).toBe(true);
	});
});

describe('DedupeStore.prune', () => {
	it('drops keys at or older than the window, oldest first, keeping the rest', () => {
		const store = new DedupeStore();
		store.checkAndRecord('a', T0, WINDOW);
		store.checkAndRecord('b', T0 + 1000, WINDOW);
		store.checkAndRecord('c', T0 + 2000, WINDOW);
		store.prune(T0 + 1000 + 5000, 5000);
		expect(store.keys()).toEqual(['c']);
		store.prune(T0 + 2000 + 4999, 5000);
		expect(store.size).toBe(1);
		store.prune(T0 + 2000 + 5000, 5000);
		expect(store.size).toBe(0);
	});

	it('runs on every checkAndRecord, so expired keys do not accumulate', () => {
		const store = new DedupeStore();
		for (let i = 0; i < 100; i++) store.checkAndRecord(`k${i}`, T0 + i * 1000, 10_000);
		expect(store.size).toBe(10);
	});
});

describe('DedupeStore persistence', () => {
	it('toPersisted writes v:2, one "<key> <first-seen seconds, base 36>" line per key, oldest first', () => {
		const store = new DedupeStore();
		store.checkAndRecord('evt_7f3a9b2c', T0 + 999, WINDOW);
		store.checkAndRecord('evt_2', T0 + 5_000, WINDOW);
		const s = (ms: number) => Math.floor(ms / 1000).toString(36);
		expect(store.toPersisted()).toEqual({ v: 2, journal: `evt_7f3a9b2c ${s(T0)}\nevt_2 ${s(T0 + 5000)}\n` });
	});

	it('keeps the journal in step with pruning, eviction and re-recording (O(1) per request)', () => {
		const store = new DedupeStore(3);
		for (let i = 0; i < 5; i++) store.checkAndRecord(`k${i}`, T0 + i * 1000, 10_000);
		const lines = (p: { journal: string }) => p.journal.trim().split('\n').map((l) => l.split(' ')[0]);
		expect(lines(store.toPersisted())).toEqual(['k2', 'k3', 'k4']);
		store.checkAndRecord('k5', T0 + 13_500, 10_000); // prunes k2, k3 (older than 10 s)
		expect(lines(store.toPersisted())).toEqual(['k4', 'k5']);
		store.forget('k4');
		expect(lines(store.toPersisted())).toEqual(['k5']);
	});

	it('stores long or odd keys as a fingerprint, consistently', () => {
		const store = new DedupeStore();
		const long = `sha256:${'a'.repeat(64)}`;
		store.checkAndRecord(long, T0, WINDOW);
		store.checkAndRecord('with space', T0, WINDOW);
		// a body hash keeps 64 bits of itself (~); anything else long or odd is hashed (#)
		expect(store.keys()).toEqual([`~${Buffer.from('a'.repeat(16), 'hex').toString('base64url')}`, expect.stringMatching(/^#[A-Za-z0-9_-]{11}$/)]);
		const after = new DedupeStore();
		after.merge(JSON.parse(JSON.stringify(store.toPersisted())), T0 + 1000, WINDOW);
		expect(after.checkAndRecord(long, T0 + 2000, WINDOW)).toBe(true);
		expect(after.checkAndRecord('with space', T0 + 2000, WINDOW)).toBe(true);
	});

	it('toPersisted keeps odd keys inert', () => {
		const store = new DedupeStore();
		store.checkAndRecord('__proto__', T0, WINDOW);
		store.checkAndRecord('constructor', T0, WINDOW);
		const persisted = store.toPersisted();
		expect(store.keys()).toEqual(['__proto__', 'constructor']);
		expect(({} as Record<string, unknown>).constructor).toBe(Object);
		// it survives a JSON round trip (workflow static data) and a merge
		const revived = JSON.parse(JSON.stringify(persisted));
		const after = new DedupeStore();
		after.merge(revived, T0 + 1000, WINDOW);
		expect(after.checkAndRecord('__proto__', T0 + 2000, WINDOW)).toBe(true);
		expect(after.checkAndRecord('constructor', T0 + 2000, WINDOW)).toBe(true);
	});

	it('a duplicate is still caught after a restart (new store merged from the persisted, JSON round-tripped record)', () => {
		const before = new DedupeStore();
		expect(before.checkAndRecord('evt_7f3a9b2c', T0, WINDOW)).toBe(false);
		expect(before.checkAndRecord('tb:11111', T0 + HOUR, WINDOW)).toBe(false);
		const saved = JSON.parse(JSON.stringify(before.toPersisted())) as unknown;

		resetDedupeStores(); // "restart"
		const after = dedupeStoreFor('wf1:node1').store;
		expect(after.size).toBe(0);
		after.merge(saved, T0 + 2 * HOUR, WINDOW);
		expect(after.size).toBe(2);
		expect(after.checkAndRecord('evt_7f3a9b2c', T0 + 72 * HOUR, WINDOW)).toBe(true);
		expect(after.checkAndRecord('tb:11111', T0 + 72 * HOUR, WINDOW)).toBe(true);
		expect(after.checkAndRecord('evt_new', T0 + 72 * HOUR, WINDOW)).toBe(false);
	});

	it('merge ignores keys that expired while n8n was down', () => {
		const before = new DedupeStore();
		before.checkAndRecord('old', T0, WINDOW);
		before.checkAndRecord('recent', T0 + 10 * HOUR, WINDOW);
		const after = new DedupeStore();
		after.merge(before.toPersisted(), T0 + WINDOW + HOUR, WINDOW);
		expect(after.keys()).toEqual(['recent']);
		expect(after.checkAndRecord('old', T0 + WINDOW + HOUR, WINDOW)).toBe(false);
		expect(after.checkAndRecord('recent', T0 + WINDOW + HOUR, WINDOW)).toBe(true);
	});

	it('merge keeps what the store already holds and orders everything by first-seen time', () => {
		const store = new DedupeStore(3);
		store.checkAndRecord('live', T0 + 3000, WINDOW);
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
		store.checkAndRecord('existing', T0, WINDOW);
		expect(() => store.merge(input, T0 + 1000, WINDOW)).not.toThrow();
		expect(store.keys()).toEqual(['existing']);
		expect(store.checkAndRecord('k', T0 + 1000, WINDOW)).toBe(false);
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
		expect(store.checkAndRecord('__proto__', T0 + 1000, WINDOW)).toBe(true);
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
		expect(a2.store).toBe(a1.store);
		expect(b.store).not.toBe(a1.store);
		expect(a1.hydrated).toBe(false);
		a1.store.checkAndRecord('k', T0, WINDOW);
		expect(dedupeStoreFor('wf1:node1').store.checkAndRecord('k', T0 + 1, WINDOW)).toBe(true);
		expect(b.store.checkAndRecord('k', T0 + 1, WINDOW)).toBe(false);
	});

	it('keeps the hydrated flag a caller sets', () => {
		dedupeStoreFor('s').hydrated = true;
		expect(dedupeStoreFor('s').hydrated).toBe(true);
	});

	it('applies the bound of each call to the existing store', () => {
		const { store } = dedupeStoreFor('s', 5);
		expect(store.maxEntries).toBe(5);
		for (let i = 0; i < 5; i++) store.checkAndRecord(`k${i}`, T0 + i, WINDOW);
		expect(dedupeStoreFor('s', 2).store).toBe(store);
		expect(store.maxEntries).toBe(2);
		expect(store.size).toBe(2);
		expect(dedupeStoreFor('s').store.maxEntries).toBe(DEFAULT_DEDUPE_MAX_ENTRIES);
	});

	it('resetDedupeStores forgets every store', () => {
		const first = dedupeStoreFor('s');
		first.store.checkAndRecord('k', T0, WINDOW);
		first.hydrated = true;
		resetDedupeStores();
		const second = dedupeStoreFor('s');
		expect(second).not.toBe(first);
		expect(second.store).not.toBe(first.store);
		expect(second.hydrated).toBe(false);
		expect(second.store.size).toBe(0);
		expect(second.store.checkAndRecord('k', T0 + 1, WINDOW)).toBe(false);
	});
});
