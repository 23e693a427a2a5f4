import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { dedupeStoreFor, type DedupeStore } from './core/dedupe';
import { DEFAULT_DEDUPE_WINDOW_HOURS, type TriggerOptions } from './options';

const HOUR_MS = 3_600_000;

type NodeContext = Pick<IWebhookFunctions, 'getMode' | 'getNode' | 'getWorkflow' | 'getWorkflowStaticData'>;

export function dedupeWindowMs(options: TriggerOptions): number {
	const hours = typeof options.dedupeWindowHours === 'number' && options.dedupeWindowHours > 0 ? options.dedupeWindowHours : DEFAULT_DEDUPE_WINDOW_HOURS;
	return hours * HOUR_MS;
}

/**
 * What this process knows about which recorded keys are already in the database.
 *
 * Every recorded key gets the next sequence number. A save writes the whole store (`toPersisted`),
 * so it holds every key recorded before it was written, including those of deliveries still in
 * flight. n8n answers a delivery only after it has awaited the save of its static data, so once a
 * delivery that wrote the record is answered 2xx, every key up to the sequence number its record
 * covered is in the database. A delivery whose key is already there when n8n reads its answer
 * needs no save of its own: under load one save covers the deliveries that arrived while the
 * previous one was under way, instead of one database write per delivery.
 */
interface Durability {
	/** Sequence number of the last key recorded. */
	recorded: number;
	/** Every key up to this sequence number is in a save n8n has finished. */
	durable: number;
	/** A key was forgotten after it may have been saved: the next delivery rewrites the record. */
	rewrite: boolean;
}

const durability = new WeakMap<DedupeStore, Durability>();

function durabilityOf(store: DedupeStore): Durability {
	let state = durability.get(store);
	if (!state) {
		state = { recorded: 0, durable: 0, rewrite: false };
		durability.set(store, state);
	}
	return state;
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
	store: DedupeStore;
	key: string;
	/**
	 * Called when n8n reads the trigger's answer, after it has stored the execution and before it
	 * saves the static data and answers (see startExecution): writes the record into the request's
	 * static data unless a finished save already holds this key.
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
	if (store.checkAndRecord(key, now, dedupeWindowMs(options))) return { duplicate: true };
	const state = durabilityOf(store);
	return { duplicate: false, recorded: new Delivery(context, store, key, state, ++state.recorded, persistent) };
}

/** One recorded delivery (a class rather than closures: one object per request). */
class Delivery implements Recorded {
	/** The sequence number this delivery's own save covers, 0 when it made none. */
	private covers = 0;

	constructor(
		private readonly context: IWebhookFunctions,
		readonly store: DedupeStore,
		readonly key: string,
		private readonly state: Durability,
		private readonly sequence: number,
		private readonly persistent: boolean,
	) {}

	persist(): void {
		const state = this.state;
		if (!this.persistent || this.covers > 0) return;
		if (state.durable >= this.sequence && !state.rewrite) return;
		this.context.getWorkflowStaticData('node').dedupe = this.store.toPersisted() as unknown as IDataObject;
		this.covers = state.recorded;
		state.rewrite = false;
	}

	settle(status: number): void {
		const state = this.state;
		if (status >= 300) {
			this.store.forget(this.key);
			// the key may be in a save already (this one's or a concurrent delivery's)
			state.rewrite = true;
			return;
		}
		// n8n answers once it has awaited the save (a save that fails is logged, and answered 200
		// all the same: then these keys reach the database with the next save)
		if (this.covers > state.durable) state.durable = this.covers;
	}
}
