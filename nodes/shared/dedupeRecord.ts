import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { dedupeStoreFor, type DedupeStore } from './core/dedupe';
import { DEFAULT_DEDUPE_WINDOW_HOURS, type TriggerOptions } from './options';

const HOUR_MS = 3_600_000;

type NodeContext = Pick<IWebhookFunctions | IExecuteFunctions, 'getMode' | 'getNode' | 'getWorkflow' | 'getWorkflowStaticData'>;

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
	/** Writes the record into the request's static data again (see startExecution). */
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
	// saved by n8n only when it starts nothing, or when the static data was empty: for an event,
	// the run saves it (persistDeliveries below)
	const persist = () => {
		if (staticData) staticData.dedupe = store.toPersisted() as unknown as IDataObject;
	};
	persist();
	return { duplicate: false, recorded: { store, key, persist } };
}

/**
 * The trigger's `execute()`: n8n runs it as the first step of the execution a delivery started,
 * with the delivery's items as input. It passes them through and writes the dedupe record into
 * the run's own static data, which n8n saves when the run ends: the record that survives a
 * restart. (A write in webhook() is not saved on a request that starts an execution:
 * test/e2e/STATIC-DATA-FINDINGS.md.)
 */
export async function persistDeliveries(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const events = this.getInputData(0) ?? [];
	const unrecognized = this.getInputData(1) ?? [];
	const options = (this.getNodeParameter('options', 0, {}) ?? {}) as TriggerOptions;
	if (this.getMode() !== 'manual' && options.deduplicate !== false) {
		const now = Date.now();
		const { store, staticData } = openRecord(this, options, now);
		// in a process that did not receive the request (a queue-mode worker), learn its keys here
		for (const item of [...events, ...unrecognized]) {
			const key = item.json?.deliveryKey;
			if (typeof key === 'string') store.checkAndRecord(key, now, dedupeWindowMs(options));
		}
		if (staticData) staticData.dedupe = store.toPersisted() as unknown as IDataObject;
	}
	return [events, unrecognized];
}
