/**
 * The dedupe store (dedupe.ts) as a trigger uses it, for any host: whether a delivery key is new,
 * a duplicate, or a copy of a delivery still in flight, and the record of a new one, which the host
 * persists once it has safely started the run and settles with the status of its answer. Where the
 * persisted form lives is the host's: n8n's workflow static data (../n8nDedupe.ts), Node-RED's
 * context store (packages/node-red).
 */
import type { TriggerOptions } from '../options';
import { DEFAULT_DEDUPE_WINDOW_HOURS, type DedupeStore, type DeliveryTicket } from './dedupe';

const HOUR_MS = 3_600_000;

export function dedupeWindowMs(options: TriggerOptions): number {
	const hours = typeof options.dedupeWindowHours === 'number' && options.dedupeWindowHours > 0 ? options.dedupeWindowHours : DEFAULT_DEDUPE_WINDOW_HOURS;
	return hours * HOUR_MS;
}

/**
 * How long a copy of an in-flight delivery waits for the first to settle before it is answered
 * 503 (providers retry that): well inside BuzzBip's 10 s, the shortest answer time of the five.
 * An object, so that tests can shorten it.
 */
export const inFlightWait = { ms: 5_000 };

const now = () => Date.now();

/** A recorded delivery, as the pipeline hands it on to the host. */
export interface Recorded {
	/**
	 * Called once the host has safely started the run, before it saves and answers: marks the
	 * delivery stored and writes the store's persisted form (with this key, without the keys of
	 * deliveries not stored yet) where the host keeps it. Copies of it still wait (see `settle`).
	 */
	persist(): void;
	/**
	 * Called once the answer is out, with its status (so once the host has saved the persisted
	 * form): 2xx commits the delivery, and copies waiting for it are duplicates; anything else
	 * forgets it, and a waiting copy runs.
	 */
	settle(status: number): void;
	/**
	 * The connection closed before the answer was out: the provider retries. A delivery already
	 * stored is committed (its run exists: the retry is a duplicate); one not stored yet is
	 * committed as soon as it is (`persist`).
	 */
	cut(): void;
}

/** What `settleOnAnswer` needs of a response: Node's http.ServerResponse (n8n's and Node-RED's Express responses). */
export interface AnsweredResponse {
	once(event: 'finish' | 'close', listener: () => void): unknown;
	readonly statusCode: number;
}

/**
 * Settles the record when the host's answer is out ('finish'), or marks it cut when the connection
 * closes first ('close' without 'finish'), so that a delivery never stays in flight for good.
 */
export function settleOnAnswer(res: AnsweredResponse, recorded: Recorded): void {
	let finished = false;
	res.once('finish', () => {
		finished = true;
		recorded.settle(res.statusCode);
	});
	res.once('close', () => {
		if (!finished) recorded.cut();
	});
}

export type DeliveryCheck =
	| { duplicate: true; busy?: undefined }
	| { duplicate: false; busy?: undefined; recorded?: Recorded }
	/**
	 * A delivery of this key is still in flight after `inFlightWait.ms`, or (`reason`) a shared
	 * store could not be asked: answer a status providers retry.
	 */
	| { duplicate: false; busy: true; reason?: string };

const DUPLICATE: DeliveryCheck = { duplicate: true };
const BUSY: DeliveryCheck = { duplicate: false, busy: true };
export const NOT_CHECKED: DeliveryCheck = { duplicate: false };

/** Where a host keeps a store's persisted form; absent: in memory only. */
export interface Persistence {
	/** The persisted form the host loaded for this request, read only when the store needs it. */
	load(): unknown;
	/** Writes the store's persisted form (called by `persist`, after the commit). */
	save(persisted: ReturnType<DedupeStore['toPersisted']>): void;
}

/**
 * Says whether the delivery key was seen inside the window, else records it (DedupeStore.decide:
 * a copy of a delivery in flight waits for it, on the host's timer `sleep`).
 */
export function recordIn(
	store: DedupeStore,
	options: TriggerOptions,
	key: string,
	sleep: (ms: number, signal: AbortSignal) => Promise<unknown>,
	persistence?: Persistence,
): DeliveryCheck | Promise<DeliveryCheck> {
	if (options.deduplicate === false) return NOT_CHECKED;
	const decision = store.decide(key, {
		windowMs: dedupeWindowMs(options),
		waitMs: inFlightWait.ms,
		now,
		sleep,
		load: persistence ? () => persistence.load() : undefined,
	});
	if (decision instanceof Promise) return decision.then((d) => answer(d.status === 'new' ? new Delivery(d.ticket, store, persistence) : d.status));
	return answer(decision.status === 'new' ? new Delivery(decision.ticket, store, persistence) : decision.status);
}

/**
 * A store shared by several processes (the Redis store, ../redisStore.ts): it claims a key
 * atomically where every process sees it, so it needs neither this process's memory nor the
 * host's persisted form. Its ticket is committed when the host has stored the run, cancelled
 * when it could not; it never throws, "unavailable" when it could not be asked.
 */
export interface SharedStore {
	claim(key: string, options: { windowMs: number; waitMs: number; now(): number }): Promise<SharedClaim>;
}

export type SharedClaim =
	| { status: 'new'; ticket: { commit(): void; cancel(): void } }
	| { status: 'duplicate' }
	/** Claimed by a delivery still in flight at the end of the wait. */
	| { status: 'busy' }
	/** Nothing was claimed: nothing may start. */
	| { status: 'unavailable'; reason: string };

/** `recordIn` for a shared store: the same answers, the same record (without a persisted form). */
export async function recordInShared(store: SharedStore, options: TriggerOptions, key: string): Promise<DeliveryCheck> {
	if (options.deduplicate === false) return NOT_CHECKED;
	const claim = await store.claim(key, { windowMs: dedupeWindowMs(options), waitMs: inFlightWait.ms, now });
	if (claim.status === 'unavailable') return { duplicate: false, busy: true, reason: claim.reason };
	return answer(claim.status === 'new' ? new Delivery(claim.ticket, undefined, undefined) : claim.status);
}

function answer(outcome: Delivery | 'duplicate' | 'busy'): DeliveryCheck {
	if (outcome === 'duplicate') return DUPLICATE;
	if (outcome === 'busy') return BUSY;
	return { duplicate: false, recorded: outcome };
}

/** A ticket of the store in memory (DeliveryTicket) or of a shared store (only commit and cancel). */
type Ticket = Pick<DeliveryTicket, 'commit' | 'cancel'> & { markStored?(): void };

/** One recorded delivery (a class rather than closures: one object per request). */
class Delivery implements Recorded {
	private stored = false;
	private wasCut = false;

	constructor(
		private readonly ticket: Ticket,
		private readonly store: DedupeStore | undefined,
		private readonly persistence: Persistence | undefined,
	) {}

	persist(): void {
		this.stored = true;
		// the host has stored the run: this key may be saved now, and is, by this save; copies
		// still wait for the answer (the save is durable then). A shared store's ticket commits
		// now: its commit is the durable write.
		if (this.ticket.markStored && !this.wasCut) this.ticket.markStored();
		else this.ticket.commit();
		if (this.store && this.persistence) this.persistence.save(this.store.toPersisted());
	}

	cut(): void {
		this.wasCut = true;
		if (this.stored) this.ticket.commit();
	}

	settle(status: number): void {
		// answered 2xx without persist first: stored all the same
		if (status < 300) this.ticket.commit();
		// the host could not store the run: the provider retries, which must not be a duplicate
		else this.ticket.cancel();
	}
}
