import { createHash } from 'crypto';

/**
 * How a dedupe record is kept in workflow static data: one line per delivery key, oldest first,
 * `<key> <first-seen Unix seconds in base 36>\n`. A single string, because n8n rewrites a
 * workflow's whole static data on every save: a string of 10,000 short lines costs one copy to
 * serialize, where an object of 10,000 properties costs ten thousand.
 */
export interface PersistedDedupe {
	v: 2;
	journal: string;
}

/** The format of 0.1.0 development builds: key → first-seen Unix seconds. Still read. */
interface PersistedDedupeV1 {
	v: 1;
	seen: Record<string, unknown>;
}

export const DEFAULT_DEDUPE_MAX_ENTRIES = 10_000;

/** Keys are stored as given when short and plain; others as a 64-bit fingerprint. */
const PLAIN_KEY = /^[\x21-\x7e]{1,64}$/;

/** base64url's alphabet, as char codes. */
const BASE64URL = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (c) => c.charCodeAt(0));
const TILDE = 0x7e;

/** The value of a lower-case hex digit's char code, or -1. */
function hexValue(code: number): number {
	if (code >= 48 && code <= 57) return code - 48;
	if (code >= 97 && code <= 102) return code - 87;
	return -1;
}

/**
 * `~` + base64url (unpadded) of the 8 bytes that `key[7..23)` spells in lower-case hex, i.e.
 * `'~' + Buffer.from(head, 'hex').toString('base64url')`, straight from the text, as one flat
 * string: three hex digits are two base64 characters, and the last digit's 4 bits fill the 11th.
 * Undefined if a digit is not lower-case hex.
 */
function fingerprintOfHexDigest(key: string): string | undefined {
	const v: number[] = [];
	for (let i = 7; i < 23; i++) {
		const digit = hexValue(key.charCodeAt(i));
		if (digit < 0) return undefined;
		v.push(digit);
	}
	const b = BASE64URL;
	return String.fromCharCode(
		TILDE,
		b[(v[0] << 2) | (v[1] >> 2)], b[((v[1] & 3) << 4) | v[2]],
		b[(v[3] << 2) | (v[4] >> 2)], b[((v[4] & 3) << 4) | v[5]],
		b[(v[6] << 2) | (v[7] >> 2)], b[((v[7] & 3) << 4) | v[8]],
		b[(v[9] << 2) | (v[10] >> 2)], b[((v[10] & 3) << 4) | v[11]],
		b[(v[12] << 2) | (v[13] >> 2)], b[((v[13] & 3) << 4) | v[14]],
		b[v[15] << 2],
	);
}

export function storageKey(key: string): string {
	// a body-hash key is already a digest: keep 64 bits of it, re-encoded, without hashing again
	// (10,000 keys collide with a chance of 3 in a trillion)
	if (key.length === 71 && key.startsWith('sha256:')) {
		const fingerprint = fingerprintOfHexDigest(key);
		if (fingerprint !== undefined) return fingerprint;
	}
	return PLAIN_KEY.test(key) ? key : `#${createHash('sha256').update(key).digest('base64url').slice(0, 11)}`;
}

/** The journal's time field, `Math.floor(ms / 1000).toString(36)`, kept for the current second. */
let lastSecond = -1;
let lastSecondText = '';
function seconds36(atMs: number): string {
	const second = Math.floor(atMs / 1000);
	if (second !== lastSecond) {
		lastSecond = second;
		lastSecondText = second.toString(36);
	}
	return lastSecondText;
}

const line = (key: string, atMs: number) => `${key} ${seconds36(atMs)}\n`;

/**
 * Remembers delivery keys for a time window, in memory, bounded: past `maxEntries` the oldest
 * key is evicted first. A Map keeps insertion order, which is first-seen order, so pruning and
 * eviction only ever look at the front, and the journal only ever grows at the end and is cut
 * at the front: every request costs O(1), whatever the bound.
 */
export class DedupeStore {
	private readonly seenAt = new Map<string, number>();

	private bound = DEFAULT_DEDUPE_MAX_ENTRIES;

	private journal = '';

	/** Set when a key leaves from the middle: the journal is rebuilt once, when next read. */
	private journalStale = false;

	/** Characters at the front of the journal whose keys have left (cut in batches). */
	private journalCut = 0;

	constructor(maxEntries: number = DEFAULT_DEDUPE_MAX_ENTRIES) {
		this.resize(maxEntries);
	}

	get maxEntries(): number {
		return this.bound;
	}

	get size(): number {
		return this.seenAt.size;
	}

	/** Changes the bound; a smaller one evicts the oldest keys at once. */
	resize(maxEntries: number): void {
		this.bound = typeof maxEntries === 'number' && Number.isFinite(maxEntries) ? Math.max(1, Math.floor(maxEntries)) : DEFAULT_DEDUPE_MAX_ENTRIES;
		this.evictOverflow();
	}

	/** The keys held, oldest first (as stored: see `storageKey`). */
	keys(): string[] {
		return [...this.seenAt.keys()];
	}

	/**
	 * Records the key and says whether it had already been seen inside the window. Synchronous, so
	 * that concurrent deliveries of one event in one process cannot both pass.
	 */
	checkAndRecord(key: string, nowMs: number, windowMs: number): boolean {
		return this.checkAndRecordStored(storageKey(key), nowMs, windowMs);
	}

	/** `checkAndRecord` for a key already in its stored form (`storageKey`). */
	checkAndRecordStored(stored: string, nowMs: number, windowMs: number): boolean {
		this.prune(nowMs, windowMs);
		const previous = this.seenAt.get(stored);
		if (previous !== undefined && previous > nowMs - windowMs) return true;
		if (previous !== undefined) this.removeFromMiddle(stored);
		this.seenAt.set(stored, nowMs);
		if (!this.journalStale) this.journal += line(stored, nowMs);
		this.evictOverflow();
		return false;
	}

	/** Forgets a key, for a delivery that was recorded but could not be handed to n8n. */
	forget(key: string): void {
		this.forgetStored(storageKey(key));
	}

	/** `forget` for a key already in its stored form. */
	forgetStored(stored: string): void {
		this.removeFromMiddle(stored);
	}

	/** Drops keys older than the window, oldest first. */
	prune(nowMs: number, windowMs: number): void {
		const oldest = nowMs - windowMs;
		for (const [key, at] of this.seenAt) {
			if (at > oldest) break;
			this.removeOldest(key, at);
		}
	}

	/** Adds persisted keys that this store does not hold yet (after a restart), keeping age order. */
	merge(persisted: unknown, nowMs: number, windowMs: number): void {
		const oldest = nowMs - windowMs;
		const incoming: Array<[string, number]> = [];
		for (const [key, at] of readPersisted(persisted)) {
			if (at > oldest && !this.seenAt.has(key)) incoming.push([key, at]);
		}
		if (incoming.length === 0) return;
		const all = [...incoming, ...this.seenAt].sort((a, b) => a[1] - b[1]);
		this.seenAt.clear();
		for (const [key, at] of all) this.seenAt.set(key, at);
		this.journalStale = true;
		this.evictOverflow();
	}

	toPersisted(): PersistedDedupe {
		if (this.journalStale) {
			let journal = '';
			for (const [key, at] of this.seenAt) journal += line(key, at);
			this.journal = journal;
			this.journalStale = false;
			this.journalCut = 0;
		}
		// lines not cut yet are of keys evicted or expired: reading them back merges and drops them
		return { v: 2, journal: this.journal };
	}

	private removeOldest(key: string, at: number): void {
		this.seenAt.delete(key);
		if (this.journalStale) return;
		// cut the front in batches: slicing a long string that keeps growing at the end copies it,
		// so a cut per request would cost the whole journal every time
		this.journalCut += line(key, at).length;
		if (this.journalCut > this.journal.length / 8) {
			this.journal = this.journal.slice(this.journalCut);
			this.journalCut = 0;
		}
	}

	private removeFromMiddle(key: string): void {
		if (this.seenAt.delete(key)) this.journalStale = true;
	}

	private evictOverflow(): void {
		while (this.seenAt.size > this.bound) {
			const [key, at] = this.seenAt.entries().next().value as [string, number];
			this.removeOldest(key, at);
		}
	}
}

/** Reads either persisted format into [key, first-seen ms] pairs, skipping anything malformed. */
function readPersisted(value: unknown): Array<[string, number]> {
	if (value === null || typeof value !== 'object') return [];
	const pairs: Array<[string, number]> = [];
	if ((value as PersistedDedupe).v === 2 && typeof (value as PersistedDedupe).journal === 'string') {
		for (const entry of (value as PersistedDedupe).journal.split('\n')) {
			const space = entry.indexOf(' ');
			const key = entry.slice(0, space);
			const seconds = parseInt(entry.slice(space + 1), 36);
			if (space > 0 && PLAIN_KEY.test(key) && Number.isFinite(seconds)) pairs.push([key, seconds * 1000]);
		}
	} else if ((value as PersistedDedupeV1).v === 1 && (value as PersistedDedupeV1).seen !== null && typeof (value as PersistedDedupeV1).seen === 'object') {
		const seen = (value as PersistedDedupeV1).seen;
		for (const key of Object.keys(seen)) {
			const seconds = seen[key];
			if (typeof seconds === 'number' && Number.isFinite(seconds)) pairs.push([storageKey(key), seconds * 1000]);
		}
	}
	return pairs;
}

/**
 * One store per trigger node, for the life of the n8n process. n8n loads a workflow's static data
 * afresh from its database for every webhook request, so concurrent deliveries all see the same
 * stale copy: the in-process store is what makes "exactly once" hold inside one process.
 */
const stores = new Map<string, { store: DedupeStore; hydrated: boolean }>();

export function dedupeStoreFor(scope: string, maxEntries: number = DEFAULT_DEDUPE_MAX_ENTRIES) {
	let entry = stores.get(scope);
	if (!entry) {
		entry = { store: new DedupeStore(maxEntries), hydrated: false };
		stores.set(scope, entry);
	}
	entry.store.resize(maxEntries);
	return entry;
}

/** For tests: forget every in-process store, as an n8n restart does. */
export function resetDedupeStores(): void {
	stores.clear();
}
