import { createHash } from 'crypto';

import { digestOfBodyKey } from './deliveryKey';

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

/** The longest retry schedule among the providers is Tracebuzz's, about 73 hours: 96 covers it. */
export const DEFAULT_DEDUPE_WINDOW_HOURS = 96;

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
 * `~` + base64url (unpadded) of the 8 bytes that the digest's first 16 characters spell in
 * lower-case hex, i.e. `'~' + Buffer.from(head, 'hex').toString('base64url')`, straight from the
 * text, as one flat string: three hex digits are two base64 characters, and the last digit's 4
 * bits fill the 11th. Undefined if a digit is not lower-case hex.
 */
function fingerprintOfHexDigest(digest: string): string | undefined {
	const v: number[] = [];
	for (let i = 0; i < 16; i++) {
		const digit = hexValue(digest.charCodeAt(i));
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
	// a body key is already a digest: keep 64 bits of it, re-encoded, without hashing again
	// (10,000 keys collide with a chance of 3 in a trillion)
	const digest = digestOfBodyKey(key);
	if (digest !== undefined) {
		const fingerprint = fingerprintOfHexDigest(digest);
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

/** How a delivery ended: n8n stored its execution, or it was forgotten (the provider retries). */
export type Settled = 'committed' | 'cancelled';

/**
 * One delivery recorded by `DedupeStore.claim`: its key is held (a copy is not a new delivery),
 * and it is in flight until it is committed or cancelled. A ticket in flight keeps its key out of
 * the persisted form, so that a save made meanwhile (for another delivery) never holds the key of
 * a delivery n8n may still fail to store.
 */
export class DeliveryTicket {
	private outcomeOf?: Settled;

	/** Set once a copy waits for this delivery to settle. */
	private waiting?: { promise: Promise<Settled>; resolve: (outcome: Settled) => void };

	/**
	 * Set when a persisted form loaded while this delivery was in flight held its key: another
	 * process stored a delivery of the same event. The key is then persisted (a save must not
	 * drop what was loaded) and is not forgotten if this delivery is cancelled.
	 */
	heldElsewhere = false;

	constructor(
		private readonly store: DedupeStore,
		/** The key as the store holds it (`storageKey`). */
		readonly stored: string,
		/** When it was claimed: the store's record of the key is this ticket's while it holds that time. */
		readonly at: number,
	) {}

	/** How it ended, undefined while it is in flight. */
	get settled(): Settled | undefined {
		return this.outcomeOf;
	}

	/**
	 * Set by `markStored`: the host has stored the delivery's run, so the key is part of the
	 * persisted form, while the delivery is still in flight until its answer is out.
	 */
	private storedFlag = false;

	/** Whether the key belongs in the persisted form while the delivery is in flight. */
	get persistable(): boolean {
		return this.storedFlag || this.heldElsewhere;
	}

	/**
	 * The host has stored the delivery's run and is about to save the persisted form and answer:
	 * the key is part of the persisted form from now on, but copies of it still wait, until the
	 * answer is out (`commit`) and so the form saved. A copy answered "duplicate" before the record
	 * is durable could be the only answer the provider gets if the process dies before the save:
	 * its retry would then run the event again though a 200 was sent for it.
	 */
	markStored(): void {
		if (this.outcomeOf === undefined) this.storedFlag = true;
	}

	/**
	 * n8n has stored the delivery's execution: the key is a duplicate for every later copy and is
	 * part of the persisted form from now on. Copies waiting for this delivery are duplicates.
	 */
	commit(): void {
		this.store.release(this, false);
		this.end('committed');
	}

	/**
	 * The provider was not told the delivery was received (n8n could not store it, or answered
	 * an error after all): the key is forgotten, so that the retry is a new delivery. Also after
	 * `commit`, for a delivery answered with an error once stored. Copies waiting for this delivery
	 * try again.
	 */
	cancel(): void {
		this.store.release(this, true);
		this.end('cancelled');
	}

	/** Resolves once the delivery is committed or cancelled (the first of the two). */
	outcome(): Promise<Settled> {
		if (this.outcomeOf !== undefined) return Promise.resolve(this.outcomeOf);
		if (!this.waiting) {
			let resolve!: (outcome: Settled) => void;
			const promise = new Promise<Settled>((done) => (resolve = done));
			this.waiting = { promise, resolve };
		}
		return this.waiting.promise;
	}

	private end(outcome: Settled): void {
		if (this.outcomeOf !== undefined) return;
		this.outcomeOf = outcome;
		this.waiting?.resolve(outcome);
	}
}

/** What `DedupeStore.claim` says about a key. */
export type Claim =
	/** Not seen inside the window: recorded now, this delivery is the one that runs. */
	| { status: 'new'; ticket: DeliveryTicket }
	/** Seen, and its delivery is stored (or was handed on before this process knew it). */
	| { status: 'duplicate' }
	/** Seen, and its first delivery is still in flight: not yet known to be a duplicate. */
	| { status: 'pending'; first: DeliveryTicket };

/** What `DedupeStore.decide` says once a copy of an in-flight delivery has waited. */
export type Decision =
	| { status: 'new'; ticket: DeliveryTicket }
	| { status: 'duplicate' }
	/** The first delivery of the key was still in flight at the wait's end: answer a status providers retry. */
	| { status: 'busy' };

const DUPLICATE: { status: 'duplicate' } = { status: 'duplicate' };
const BUSY: { status: 'busy' } = { status: 'busy' };

export interface DecideOptions {
	windowMs: number;
	/** How long a copy of an in-flight delivery waits for it to settle. */
	waitMs: number;
	now(): number;
	/** Resolves after `ms` (or rejects, when aborted): the host's timer. */
	sleep(ms: number, signal: AbortSignal): Promise<unknown>;
	/** The persisted form the host loaded for this request, read when the store needs it (see `claim`). */
	load?: () => unknown;
}

/**
 * How long a delivery may stay in flight (claimed, its answer not out) before a copy takes it
 * for abandoned: n8n stores an execution in milliseconds, and a provider's own timeout is far
 * shorter (BuzzBip 10 s).
 */
export const IN_FLIGHT_MAX_MS = 60_000;

/** How many journals the store remembers having merged or written, to skip merging them again. */
const KNOWN_JOURNALS = 4;

/** How many keys cancelled after they were committed the store remembers (see `merge`). */
const TOMBSTONES_BOUND = 1_000;

/**
 * Remembers delivery keys for a time window, in memory, bounded: past `maxEntries` the oldest
 * key is evicted first. A Map keeps insertion order, which is first-seen order, so pruning and
 * eviction only ever look at the front, and the journal only ever grows at the end and is cut
 * at the front: every request costs O(1), whatever the bound.
 *
 * The store owns the whole life of a delivery: `claim` records a key and hands out a ticket,
 * the ticket is committed (n8n stored the execution) or cancelled (forgotten), copies of a
 * delivery in flight wait for it (`decide`), and `toPersisted` leaves the keys of deliveries in
 * flight out.
 */
export class DedupeStore {
	/** Every key held, committed or in flight, by first-seen time. */
	private readonly seenAt = new Map<string, number>();

	/** The tickets in flight, by stored key: always keys `seenAt` holds. */
	private readonly inFlight = new Map<string, DeliveryTicket>();

	private bound = DEFAULT_DEDUPE_MAX_ENTRIES;

	private journal = '';

	/** Set when a key leaves from the middle: the journal is rebuilt once, when next read. */
	private journalStale = false;

	/** Characters at the front of the journal whose keys have left (cut in batches). */
	private journalCut = 0;

	/** The journals last merged or written, newest last: the same text again has nothing new. */
	private readonly knownJournals: string[] = [];

	/**
	 * Keys forgotten after they had been committed (so maybe written by this store), with the
	 * second they were first seen: a persisted form loaded later may still hold that record,
	 * which must not bring them back.
	 */
	private readonly tombstones = new Map<string, number>();

	constructor(maxEntries: number = DEFAULT_DEDUPE_MAX_ENTRIES) {
		this.resize(maxEntries);
	}

	get maxEntries(): number {
		return this.bound;
	}

	/** Keys held, committed and in flight. */
	get size(): number {
		return this.seenAt.size;
	}

	/** Deliveries in flight (claimed, neither committed nor cancelled). */
	get inFlightCount(): number {
		return this.inFlight.size;
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
	 * Says whether the delivery key was seen inside the window, else records it and returns its
	 * ticket. Synchronous, so that concurrent deliveries of one event in one process cannot both
	 * pass.
	 *
	 * `load` gives the persisted form the host loaded for this request (workflow static data,
	 * which other processes sharing it may have written since this store last looked): when the
	 * key is not held in memory, it is merged before deciding, so that a delivery another process
	 * recorded (before a restart of this one, or at any time in a multi-process set-up) is a
	 * duplicate here too. A key held in memory is decided without reading it.
	 */
	claim(key: string, nowMs: number, windowMs: number, load?: () => unknown): Claim {
		return this.claimStored(storageKey(key), nowMs, windowMs, load);
	}

	/**
	 * `claim`, and a copy of a delivery in flight waits for it to settle (at most `waitMs`): a
	 * duplicate once it is committed, the delivery itself if it was cancelled (or waits again, for
	 * the copy that got there first), and busy if it was still in flight at the end of the wait.
	 * Every other delivery is answered synchronously.
	 */
	decide(key: string, options: DecideOptions): Decision | Promise<Decision> {
		return this.decideStored(storageKey(key), options, undefined);
	}

	private decideStored(stored: string, options: DecideOptions, deadline: number | undefined): Decision | Promise<Decision> {
		const now = options.now();
		const claim = this.claimStored(stored, now, options.windowMs, options.load);
		if (claim.status !== 'pending') return claim;
		return this.waitFor(claim.first, stored, options, deadline ?? now + options.waitMs);
	}

	private async waitFor(first: DeliveryTicket, stored: string, options: DecideOptions, deadline: number): Promise<Decision> {
		const remaining = deadline - options.now();
		if (remaining <= 0) return BUSY;
		const abort = new AbortController();
		const unsettled = options.sleep(remaining, abort.signal).then(
			() => undefined,
			() => undefined,
		);
		const outcome = await Promise.race([first.outcome(), unsettled]);
		abort.abort();
		if (outcome === 'committed') return DUPLICATE;
		if (outcome === undefined) return BUSY;
		return await this.decideStored(stored, options, deadline);
	}

	private claimStored(stored: string, nowMs: number, windowMs: number, load: (() => unknown) | undefined): Claim {
		this.prune(nowMs, windowMs);
		let previous = this.seenAt.get(stored);
		if (previous !== undefined && previous > nowMs - windowMs) {
			const first = this.inFlight.size === 0 ? undefined : this.inFlight.get(stored);
			if (first === undefined) return DUPLICATE;
			if (nowMs - first.at <= IN_FLIGHT_MAX_MS) return { status: 'pending', first };
			// in flight for too long: its answer and its connection's end were missed; a stored
			// delivery ran (a duplicate), one never stored is given up (this copy runs)
			if (first.persistable) {
				first.commit();
				return DUPLICATE;
			}
			first.cancel();
			previous = this.seenAt.get(stored);
		}
		if (load !== undefined) {
			// not known here: what the host loaded may know it (another process stored it)
			this.merge(load(), nowMs, windowMs);
			previous = this.seenAt.get(stored);
			if (previous !== undefined && previous > nowMs - windowMs) return DUPLICATE;
		}
		if (previous !== undefined) this.removeFromMiddle(stored);
		this.seenAt.set(stored, nowMs);
		if (!this.journalStale) this.journal += line(stored, nowMs);
		const ticket = new DeliveryTicket(this, stored, nowMs);
		this.inFlight.set(stored, ticket);
		this.evictOverflow();
		return { status: 'new', ticket };
	}

	/**
	 * A ticket ends (called by the ticket): it leaves the in-flight set, and when cancelled its key
	 * is forgotten, as long as the store's record of the key is still the ticket's own (not one a
	 * later delivery made after the key had left the store).
	 */
	release(ticket: DeliveryTicket, forget: boolean): void {
		const owner = this.inFlight.get(ticket.stored);
		if (owner === ticket) this.inFlight.delete(ticket.stored);
		// a key another process stored stays: its event did run
		if (!forget || ticket.heldElsewhere || !(owner === ticket || owner === undefined) || this.seenAt.get(ticket.stored) !== ticket.at) return;
		this.removeFromMiddle(ticket.stored);
		if (ticket.settled === 'committed' || ticket.persistable) {
			// committed or stored, so maybe written already: a form loaded later must not bring it back
			if (this.tombstones.size >= TOMBSTONES_BOUND) this.tombstones.delete(this.tombstones.keys().next().value as string);
			this.tombstones.set(ticket.stored, Math.floor(ticket.at / 1000) * 1000);
		}
	}

	/** Drops keys older than the window, oldest first. */
	prune(nowMs: number, windowMs: number): void {
		const oldest = nowMs - windowMs;
		for (const [key, at] of this.seenAt) {
			if (at > oldest) break;
			this.removeOldest(key, at);
		}
	}

	/**
	 * Adds persisted keys that this store does not hold yet (after a restart, or recorded by
	 * another process), keeping age order; keys older than the window are left out, and the bound
	 * holds. A journal this store has just merged or written is skipped (nothing in it is new).
	 * A key it holds for a delivery still in flight is marked as stored elsewhere (see
	 * `DeliveryTicket.heldElsewhere`).
	 */
	merge(persisted: unknown, nowMs: number, windowMs: number): void {
		const journal = journalOf(persisted);
		if (journal !== undefined && this.knownJournals.includes(journal)) return;
		const oldest = nowMs - windowMs;
		// a full store keeps its newest keys: a key older than all it holds would be evicted at
		// once (and the journal lines of the keys another process evicted would bounce between
		// the processes' saves)
		const full = this.seenAt.size >= this.bound ? (this.seenAt.values().next().value as number) : -Infinity;
		// by key: a journal may hold a key twice (an evicted key's line before it was cut, and its
		// line once recorded again): its latest time counts
		const incoming = new Map<string, number>();
		const consider = (key: string, at: number) => {
			if (at <= oldest || at < full) return;
			if (this.seenAt.has(key)) {
				const ticket = this.inFlight.size === 0 ? undefined : this.inFlight.get(key);
				if (ticket !== undefined) ticket.heldElsewhere = true;
				return;
			}
			if (this.tombstones.size > 0 && this.tombstones.get(key) === at) return;
			const seen = incoming.get(key);
			if (seen === undefined || seen < at) incoming.set(key, at);
		};
		if (journal === undefined) for (const [key, at] of readPersisted(persisted)) consider(key, at);
		else this.scanJournal(journal, consider);
		if (journal !== undefined) this.remember(journal);
		if (incoming.size === 0) return;
		this.insert([...incoming].sort((x, y) => x[1] - y[1]));
		this.evictOverflow();
	}

	/**
	 * Inserts keys (in time order) where their times put them. A Map only appends, so the keys
	 * held that are newer than the oldest of them (usually none or a few: what another process
	 * recorded is recent) are taken out and put back behind them, and the journal's lines of those
	 * keys (its last ones) are rewritten; the rest stays as it is.
	 */
	private insert(incoming: Array<[string, number]>): void {
		const first = incoming[0][1];
		const tail: Array<[string, number]> = [];
		for (const entry of this.seenAt) if (tail.length > 0 || entry[1] > first) tail.push(entry);
		let journalEnd = this.journal.length;
		if (!this.journalStale) {
			// the last `tail.length` lines of the journal are the tail's
			for (let n = 0; n < tail.length && journalEnd > 0; n++) journalEnd = this.journal.lastIndexOf('\n', journalEnd - 2) + 1;
		}
		for (const [key] of tail) this.seenAt.delete(key);
		let added = '';
		let i = 0;
		for (const entry of tail) {
			while (i < incoming.length && incoming[i][1] <= entry[1]) added += this.append(incoming[i++]);
			added += this.append(entry);
		}
		while (i < incoming.length) added += this.append(incoming[i++]);
		if (!this.journalStale) this.journal = this.journal.slice(0, journalEnd) + added;
	}

	/** Sets an entry at the end of the map; its journal line. */
	private append([key, at]: [string, number]): string {
		this.seenAt.set(key, at);
		return this.journalStale ? '' : line(key, at);
	}

	/**
	 * Reads a journal's lines, as readPersisted does, but a line whose key this store holds (most
	 * of them, when processes share one journal) costs only finding its key: its time is read
	 * only when a delivery of that key is in flight here.
	 */
	private scanJournal(journal: string, consider: (key: string, at: number) => void): void {
		let start = 0;
		while (start < journal.length) {
			let end = journal.indexOf('\n', start);
			if (end < 0) end = journal.length;
			const space = journal.indexOf(' ', start);
			if (space > start && space < end) {
				const key = journal.slice(start, space);
				if (!this.seenAt.has(key) || (this.inFlight.size > 0 && this.inFlight.has(key))) {
					const seconds = parseInt(journal.slice(space + 1, end), 36);
					if (PLAIN_KEY.test(key) && Number.isFinite(seconds)) consider(key, seconds * 1000);
				}
			}
			start = end + 1;
		}
	}

	private remember(journal: string): void {
		if (this.knownJournals.length >= KNOWN_JOURNALS) this.knownJournals.shift();
		this.knownJournals.push(journal);
	}

	/** The persisted form: every key held except those of deliveries in flight, oldest first. */
	toPersisted(): PersistedDedupe {
		if (this.journalStale) {
			let journal = '';
			for (const [key, at] of this.seenAt) journal += line(key, at);
			this.journal = journal;
			this.journalStale = false;
			this.journalCut = 0;
		}
		// lines not cut yet are of keys evicted or expired: reading them back merges and drops them
		const journal = this.inFlight.size === 0 ? this.journal : journalWithout(this.journal, this.uncommitted());
		this.remember(journal);
		return { v: 2, journal };
	}

	/** The in-flight keys a save leaves out: all but those stored (`markStored`) or another process has stored. */
	private uncommitted(): ReadonlyMap<string, DeliveryTicket> {
		let persistable = false;
		for (const ticket of this.inFlight.values()) if (ticket.persistable) persistable = true;
		if (!persistable) return this.inFlight;
		return new Map([...this.inFlight].filter(([, ticket]) => !ticket.persistable));
	}

	private removeOldest(key: string, at: number): void {
		this.seenAt.delete(key);
		if (this.inFlight.size > 0) this.inFlight.delete(key);
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
		if (this.inFlight.size > 0) this.inFlight.delete(key);
	}

	private evictOverflow(): void {
		while (this.seenAt.size > this.bound) {
			const [key, at] = this.seenAt.entries().next().value as [string, number];
			this.removeOldest(key, at);
		}
	}
}

/**
 * The journal without the lines of these keys. They are keys of deliveries in flight, so among
 * the journal's last lines: only the tail from the earliest of them on is split and filtered.
 */
function journalWithout(journal: string, keys: ReadonlyMap<string, unknown>): string {
	let start = journal.length;
	for (const key of keys.keys()) {
		// its latest line: a key recorded again after it expired may also have an older one
		const after = journal.lastIndexOf(`\n${key} `);
		const at = after >= 0 ? after + 1 : journal.startsWith(`${key} `) ? 0 : -1;
		if (at >= 0 && at < start) start = at;
	}
	if (start === journal.length) return journal;
	const kept = journal
		.slice(start)
		.split('\n')
		.filter((entry) => entry !== '' && !keys.has(entry.slice(0, entry.indexOf(' '))));
	return journal.slice(0, start) + kept.map((entry) => `${entry}\n`).join('');
}

/** The journal text of a persisted form (v2), if it is one. */
function journalOf(value: unknown): string | undefined {
	return value !== null && typeof value === 'object' && (value as PersistedDedupe).v === 2 && typeof (value as PersistedDedupe).journal === 'string' ? (value as PersistedDedupe).journal : undefined;
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
const stores = new Map<string, DedupeStore>();

/** The store of a scope (created empty), with the bound of this call applied. */
export function dedupeStoreFor(scope: string, maxEntries: number = DEFAULT_DEDUPE_MAX_ENTRIES): DedupeStore {
	let store = stores.get(scope);
	if (!store) {
		store = new DedupeStore(maxEntries);
		stores.set(scope, store);
	}
	store.resize(maxEntries);
	return store;
}

/** For tests: forget every in-process store, as an n8n restart does. */
export function resetDedupeStores(): void {
	stores.clear();
}
