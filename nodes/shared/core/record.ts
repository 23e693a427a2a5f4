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
	 * Called once the host has safely started the run, before it answers: commits the delivery
	 * and writes the store's persisted form (with this key, without the keys of deliveries not
	 * stored yet) where the host keeps it.
	 */
	persist(): void;
	/** Called once the answer is out, with its status: anything but 2xx forgets the delivery. */
	settle(status: number): void;
}

export type DeliveryCheck =
	| { duplicate: true; busy?: undefined }
	| { duplicate: false; busy?: undefined; recorded?: Recorded }
	/** A delivery of this key is still in flight after `inFlightWait.ms`: answer a status providers retry. */
	| { duplicate: false; busy: true };

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

function answer(outcome: Delivery | 'duplicate' | 'busy'): DeliveryCheck {
	if (outcome === 'duplicate') return DUPLICATE;
	if (outcome === 'busy') return BUSY;
	return { duplicate: false, recorded: outcome };
}

/** One recorded delivery (a class rather than closures: one object per request). */
class Delivery implements Recorded {
	constructor(
		private readonly ticket: DeliveryTicket,
		private readonly store: DedupeStore,
		private readonly persistence: Persistence | undefined,
	) {}

	persist(): void {
		// the host has stored the run: this key may be saved now, and is, by this save
		this.ticket.commit();
		this.persistence?.save(this.store.toPersisted());
	}

	settle(status: number): void {
		// answered 2xx without persist first: stored all the same
		if (status < 300) this.ticket.commit();
		// the host could not store the run: the provider retries, which must not be a duplicate
		else this.ticket.cancel();
	}
}
