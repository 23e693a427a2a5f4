import { sleep, type IDataObject, type IWebhookFunctions } from 'n8n-workflow';

import { dedupeStoreFor, storageKey, type DedupeStore } from './core/dedupe';
import { DEFAULT_DEDUPE_WINDOW_HOURS, type TriggerOptions } from './options';

const HOUR_MS = 3_600_000;

type NodeContext = Pick<IWebhookFunctions, 'getMode' | 'getNode' | 'getWorkflow' | 'getWorkflowStaticData'>;

export function dedupeWindowMs(options: TriggerOptions): number {
	const hours = typeof options.dedupeWindowHours === 'number' && options.dedupeWindowHours > 0 ? options.dedupeWindowHours : DEFAULT_DEDUPE_WINDOW_HOURS;
	return hours * HOUR_MS;
}

/**
 * The keys of this store's deliveries that n8n has not stored yet.
 *
 * A save writes the whole store, and the store also holds the keys of deliveries still on their
 * way to n8n's database. If such a key were saved (by a concurrent delivery's save) and n8n then
 * died before storing that delivery's execution, the provider's retry would be answered
 * "duplicate" after the restart and the event would never run. So a save leaves those keys out:
 * a key reaches the database only with a save made after n8n has stored its execution (its own
 * save, when n8n reads its answer), which is also before the provider has its 200.
 */
const IN_FLIGHT_BOUND = 10_000;

/** By store: its in-flight deliveries, by stored key. */
const inFlightByStore = new WeakMap<DedupeStore, Map<string, Delivery>>();

function inFlightOf(store: DedupeStore): Map<string, Delivery> {
	let keys = inFlightByStore.get(store);
	if (!keys) {
		keys = new Map();
		inFlightByStore.set(store, keys);
	}
	return keys;
}

/**
 * How long a copy of an in-flight delivery waits for the first to settle before it is answered
 * 503 (providers retry that): well inside BuzzBip's 10 s, the shortest answer time of the five.
 * An object, so that tests can shorten it.
 */
export const inFlightWait = { ms: 5_000 };

/** The journal without the lines of in-flight keys (they are among its last lines). */
export function journalWithout(journal: string, inFlight: { readonly size: number; has(key: string): boolean; keys(): Iterable<string> }): string {
	if (inFlight.size === 0) return journal;
	let start = journal.length;
	for (const key of inFlight.keys()) {
		// its latest line: a key recorded again after it expired may also have an older one
		const after = journal.lastIndexOf(`\n${key} `);
		const at = after >= 0 ? after + 1 : journal.startsWith(`${key} `) ? 0 : -1;
		if (at >= 0 && at < start) start = at;
	}
	if (start === journal.length) return journal;
	const kept = journal
		.slice(start)
		.split('\n')
		.filter((entry) => entry !== '' && !inFlight.has(entry.slice(0, entry.indexOf(' '))));
	return journal.slice(0, start) + kept.map((entry) => `${entry}\n`).join('');
}

/**
 * The trigger node's dedupe store, loaded from the workflow's static data the first time this
 * process sees the node (after an n8n restart). Test URL deliveries are remembered in memory only.
 *
 * Only that first request and the deliveries that write the record open the node's static data:
 * n8n creates the node's object on first access, which marks the request's whole static data
 * changed, and n8n then saves that request's copy (loaded when it arrived) over whatever a
 * concurrent delivery saved meanwhile. A duplicate must not do that, or it can overwrite the
 * record of the delivery it duplicates before that delivery's save has landed.
 */
function openRecord(context: NodeContext, options: TriggerOptions, nowMs: number) {
	const mode = context.getMode();
	const node = context.getNode();
	const persistent = mode !== 'manual';
	const scope = `${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:${persistent ? 'live' : 'test'}`;
	const entry = dedupeStoreFor(scope, options.dedupeMaxEntries);
	if (persistent && !entry.hydrated) {
		entry.store.merge(context.getWorkflowStaticData('node').dedupe, nowMs, dedupeWindowMs(options));
		entry.hydrated = true;
	}
	return { store: entry.store, persistent };
}

export interface Recorded {
	/**
	 * Called when n8n reads the trigger's answer, after it has stored the execution and before it
	 * saves the static data and answers (see startExecution): writes the record, with this key and
	 * without the keys of deliveries n8n has not stored yet, into the request's static data.
	 */
	persist(): void;
	/** Called once the answer is out, with its status. */
	settle(status: number): void;
}

export type DeliveryCheck =
	| { duplicate: true; busy?: undefined }
	| { duplicate: false; busy?: undefined; recorded?: Recorded }
	/** A delivery of this key is still in flight after `inFlightWait.ms`: answer a status providers retry. */
	| { duplicate: false; busy: true };

/**
 * Says whether the key was seen inside the window, else records it (synchronously: concurrent
 * deliveries of one event in one process cannot both pass) and returns the record, which the
 * caller forgets again if n8n cannot start the execution.
 *
 * A copy that arrives while the first delivery of its key is still in flight (recorded, not yet
 * stored by n8n) is not told "duplicate" yet: if n8n then failed to store the first, the provider
 * would hold a 200 for the copy, never retry, and the event would be lost. It waits for the first
 * to settle: a duplicate once n8n has stored it, a new delivery if it was forgotten, and busy
 * (503, retried by the provider) if neither happened within `inFlightWait.ms`. Only such copies
 * wait: every other delivery is answered synchronously, as before.
 */
export function recordDelivery(context: IWebhookFunctions, options: TriggerOptions, key: string): DeliveryCheck | Promise<DeliveryCheck> {
	return check(context, options, storageKey(key), undefined);
}

function check(context: IWebhookFunctions, options: TriggerOptions, stored: string, deadline: number | undefined): DeliveryCheck | Promise<DeliveryCheck> {
	if (options.deduplicate === false) return { duplicate: false };
	const now = Date.now();
	const { store, persistent } = openRecord(context, options, now);
	const inFlight = inFlightOf(store);
	if (store.checkAndRecordStored(stored, now, dedupeWindowMs(options))) {
		const first = inFlight.size === 0 ? undefined : inFlight.get(stored);
		if (first === undefined) return { duplicate: true };
		return waitFor(first, context, options, stored, deadline ?? now + inFlightWait.ms);
	}
	const delivery = new Delivery(context, store, stored, inFlight, persistent);
	inFlight.set(stored, delivery);
	// a delivery whose answer never came (n8n failed before reading it, the client went away)
	// must not keep the map growing
	if (inFlight.size > IN_FLIGHT_BOUND) inFlight.delete(inFlight.keys().next().value as string);
	return { duplicate: false, recorded: delivery };
}

async function waitFor(first: Delivery, context: IWebhookFunctions, options: TriggerOptions, stored: string, deadline: number): Promise<DeliveryCheck> {
	const remaining = deadline - Date.now();
	if (remaining <= 0) return { duplicate: false, busy: true };
	const abort = new AbortController();
	const outcome = await Promise.race([first.outcome(), sleep(remaining, abort.signal).then(() => 'unsettled' as const, () => 'unsettled' as const)]);
	abort.abort();
	if (outcome === 'stored') return { duplicate: true };
	if (outcome === 'unsettled') return { duplicate: false, busy: true };
	// forgotten: this copy is the delivery now (or waits for the copy that got there first)
	return await check(context, options, stored, deadline);
}

type Outcome = 'stored' | 'forgotten';

/** One recorded delivery (a class rather than closures: one object per request). */
class Delivery implements Recorded {
	/** Set once a copy waits for this delivery to settle. */
	private waiting?: { promise: Promise<Outcome>; resolve: (outcome: Outcome) => void };

	private settled?: Outcome;

	constructor(
		private readonly context: IWebhookFunctions,
		private readonly store: DedupeStore,
		private readonly stored: string,
		private readonly inFlight: Map<string, Delivery>,
		private readonly persistent: boolean,
	) {}

	/** Resolves once n8n has stored this delivery, or it was forgotten. */
	outcome(): Promise<Outcome> {
		if (this.settled !== undefined) return Promise.resolve(this.settled);
		if (!this.waiting) {
			let resolve!: (outcome: Outcome) => void;
			const promise = new Promise<Outcome>((done) => (resolve = done));
			this.waiting = { promise, resolve };
		}
		return this.waiting.promise;
	}

	private done(outcome: Outcome): void {
		if (this.settled !== undefined) return;
		this.settled = outcome;
		this.waiting?.resolve(outcome);
	}

	persist(): void {
		// n8n has stored the execution: this key may be saved now, and is, by this save
		if (this.inFlight.get(this.stored) === this) this.inFlight.delete(this.stored);
		if (this.persistent) {
			const record = this.store.toPersisted();
			if (this.inFlight.size > 0) record.journal = journalWithout(record.journal, this.inFlight);
			this.context.getWorkflowStaticData('node').dedupe = record as unknown as IDataObject;
		}
		this.done('stored');
	}

	settle(status: number): void {
		if (status < 300) {
			// answered without n8n reading the answer first (not seen on n8n 2.41): stored all the same
			this.done('stored');
			return;
		}
		// n8n could not store the execution: the provider retries, which must not be a duplicate
		if (this.inFlight.get(this.stored) === this) this.inFlight.delete(this.stored);
		this.store.forgetStored(this.stored);
		this.done('forgotten');
	}
}
