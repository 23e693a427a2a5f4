import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

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

const inFlightByStore = new WeakMap<DedupeStore, Set<string>>();

function inFlightOf(store: DedupeStore): Set<string> {
	let keys = inFlightByStore.get(store);
	if (!keys) {
		keys = new Set();
		inFlightByStore.set(store, keys);
	}
	return keys;
}

/** The journal without the lines of in-flight keys (they are among its last lines). */
export function journalWithout(journal: string, inFlight: ReadonlySet<string>): string {
	if (inFlight.size === 0) return journal;
	let start = journal.length;
	for (const key of inFlight) {
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

/**
 * Says whether the key was seen inside the window, else records it (synchronously: concurrent
 * deliveries of one event in one process cannot both pass) and returns the record, which the
 * caller forgets again if n8n cannot start the execution.
 */
export function recordDelivery(context: IWebhookFunctions, options: TriggerOptions, key: string): { duplicate: true } | { duplicate: false; recorded?: Recorded } {
	if (options.deduplicate === false) return { duplicate: false };
	const now = Date.now();
	const { store, persistent } = openRecord(context, options, now);
	const stored = storageKey(key);
	if (store.checkAndRecordStored(stored, now, dedupeWindowMs(options))) return { duplicate: true };
	const inFlight = inFlightOf(store);
	inFlight.add(stored);
	// a delivery whose answer never came (n8n failed before reading it, the client went away)
	// must not keep the set growing
	if (inFlight.size > IN_FLIGHT_BOUND) inFlight.delete(inFlight.values().next().value as string);
	return { duplicate: false, recorded: new Delivery(context, store, stored, inFlight, persistent) };
}

/** One recorded delivery (a class rather than closures: one object per request). */
class Delivery implements Recorded {
	constructor(
		private readonly context: IWebhookFunctions,
		private readonly store: DedupeStore,
		private readonly stored: string,
		private readonly inFlight: Set<string>,
		private readonly persistent: boolean,
	) {}

	persist(): void {
		// n8n has stored the execution: this key may be saved now, and is, by this save
		this.inFlight.delete(this.stored);
		if (!this.persistent) return;
		const record = this.store.toPersisted();
		if (this.inFlight.size > 0) record.journal = journalWithout(record.journal, this.inFlight);
		this.context.getWorkflowStaticData('node').dedupe = record as unknown as IDataObject;
	}

	settle(status: number): void {
		if (status < 300) return;
		// n8n could not store the execution: the provider retries, which must not be a duplicate
		this.inFlight.delete(this.stored);
		this.store.forgetStored(this.stored);
	}
}
