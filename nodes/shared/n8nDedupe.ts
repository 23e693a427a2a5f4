import { sleep, type IDataObject, type IWebhookFunctions } from 'n8n-workflow';

import { dedupeStoreFor } from './core/dedupe';
import { NOT_CHECKED, recordIn, type DeliveryCheck } from './core/record';
import type { TriggerOptions } from './options';

/**
 * The dedupe record (core/record.ts) as an n8n webhook trigger keeps it: which store a request
 * belongs to, where its persisted form lives (the node's workflow static data), and when n8n lets
 * a trigger write it.
 */

export { dedupeWindowMs, inFlightWait, type DeliveryCheck, type Recorded } from './core/record';

/**
 * Says whether the delivery key was seen inside the window, else records it and returns the
 * record that the pipeline hands on to n8n (DedupeStore.decide: a copy of a delivery in flight
 * waits for it). One store per workflow, node and mode, for the life of the process; Test URL
 * deliveries are remembered in memory only.
 *
 * The static data n8n loaded for this request is merged when the key is not in memory: several
 * n8n processes (queue mode's `n8n webhook` processes) share it, so it may hold a delivery
 * another process stored (or this one before a restart), and a save, which writes the whole
 * store, then holds every key the request loaded too (n8n saves static data as one row, last
 * writer wins: a save must not drop the others' keys).
 *
 * The node's static data is opened only then and by a delivery that writes the record, never
 * for a key held in memory: n8n creates the node's object on first access, which marks the
 * request's whole static data changed, and n8n then saves that request's copy (loaded when it
 * arrived) over whatever a concurrent delivery saved meanwhile. A duplicate must not do that, or
 * it can overwrite the record of the delivery it duplicates before that delivery's save has
 * landed. (A key not in memory is found in a loaded copy only when the node's object is there.)
 *
 * The record's `persist` is called when n8n reads the trigger's answer, after it has stored the
 * execution and before it saves the static data and answers (see the pipeline's startExecution).
 */
export function recordDelivery(context: IWebhookFunctions, options: TriggerOptions, key: string): DeliveryCheck | Promise<DeliveryCheck> {
	if (options.deduplicate === false) return NOT_CHECKED;
	const node = context.getNode();
	const persistent = context.getMode() !== 'manual';
	const scope = `${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:${persistent ? 'live' : 'test'}`;
	const store = dedupeStoreFor(scope, options.dedupeMaxEntries);
	return recordIn(
		store,
		options,
		key,
		sleep,
		persistent
			? {
					load: () => context.getWorkflowStaticData('node').dedupe,
					save: (persisted) => (context.getWorkflowStaticData('node').dedupe = persisted as unknown as IDataObject),
				}
			: undefined,
	);
}
