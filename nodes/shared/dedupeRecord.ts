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
 * The trigger node's dedupe store, loaded from the workflow's static data the first time this
 * process sees the node (after an n8n restart), and that static data when it is saved at all
 * (test URL deliveries are remembered in memory only, apart from the production ones).
 */
function openRecord(context: NodeContext, options: TriggerOptions, nowMs: number) {
	const mode = context.getMode();
	const node = context.getNode();
	const persistent = mode !== 'manual';
	const scope = `${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:${persistent ? 'live' : 'test'}`;
	const entry = dedupeStoreFor(scope, options.dedupeMaxEntries);
	const staticData = persistent ? context.getWorkflowStaticData('node') : undefined;
	if (staticData && !entry.hydrated) {
		entry.store.merge(staticData.dedupe, nowMs, dedupeWindowMs(options));
		entry.hydrated = true;
	}
	return { store: entry.store, staticData };
}

export interface Recorded {
	store: DedupeStore;
	key: string;
	/** Writes the record into the request's static data (see startExecution). */
	persist(): void;
}

/**
 * Says whether the key was seen inside the window, else records it (synchronously: concurrent
 * deliveries of one event in one process cannot both pass) and returns the record, which the
 * caller forgets again if n8n cannot start the execution.
 */
export function recordDelivery(context: IWebhookFunctions, options: TriggerOptions, key: string): { duplicate: true } | { duplicate: false; recorded?: Recorded } {
	if (options.deduplicate === false) return { duplicate: false };
	const now = Date.now();
	const { store, staticData } = openRecord(context, options, now);
	if (store.checkAndRecord(key, now, dedupeWindowMs(options))) return { duplicate: true };
	// written once, when n8n reads the trigger's answer: a write made now would be reset when n8n
	// sets the run up (startExecution in pipeline.ts)
	const persist = () => {
		if (staticData) staticData.dedupe = store.toPersisted() as unknown as IDataObject;
	};
	return { duplicate: false, recorded: { store, key, persist } };
}
