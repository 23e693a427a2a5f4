import { sleep, type IDataObject, type IWebhookFunctions } from 'n8n-workflow';

import { dedupeStoreFor } from './core/dedupe';
import { NOT_CHECKED, recordIn, recordInShared, type DeliveryCheck, type SharedClaim, type SharedStore } from './core/record';
import type { TriggerOptions } from './options';
import { claimInRedis, REDIS_CREDENTIAL, redisConnections, redisKey, redisLog, type RedisCredential, type RedisDelivery } from './redisStore';

/**
 * The dedupe record (core/record.ts) as an n8n webhook trigger keeps it: which store a request
 * belongs to, where its persisted form lives (the node's workflow static data), and when n8n lets
 * a trigger write it; or, with the "Dedupe Store: Redis" option, the shared store in Redis.
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
	if (options.dedupeStore === 'redis') return recordInShared(new N8nRedisStore(context, scope), options, key);
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

const now = () => Date.now();

const UNREACHABLE = 'the dedupe store (Redis) cannot be reached: retry later';

/**
 * The Redis store (redisStore.ts) for one request: the key is claimed in the Redis of the node's
 * Redis credential, shared by every n8n process that uses the same Redis, instead of this
 * process's memory and the workflow's static data (which it never touches). Redis not reachable,
 * or no Redis credential: 503, logged at warn level (rate-limited per node), and nothing starts.
 */
class N8nRedisStore implements SharedStore {
	constructor(
		private readonly context: IWebhookFunctions,
		private readonly scope: string,
	) {}

	async claim(key: string, options: { windowMs: number; waitMs: number; now(): number }): Promise<SharedClaim> {
		let reason: string;
		try {
			const credential = (await this.context.getCredentials(REDIS_CREDENTIAL)) as RedisCredential;
			const connection = await redisConnections.link(credential);
			const claim = await claimInRedis(connection.client, redisKey(this.scope, key), options, connection);
			if (claim.status !== 'unreachable') return claim.status === 'new' ? { status: 'new', ticket: new RedisTicket(this.context, claim.claim) } : claim;
			reason = claim.reason;
		} catch (error) {
			// no credential, or n8n without ioredis
			reason = (error as Error).message;
		}
		warnRedis(this.context, `could not reach its Redis dedupe store, answered 503 and started nothing: ${reason}`);
		return { status: 'unavailable', reason: UNREACHABLE };
	}
}

function warnRedis(context: IWebhookFunctions, text: string): void {
	const node = context.getNode();
	const workflow = context.getWorkflow();
	const { log, unlogged } = redisLog.note(`${workflow.id ?? ''}:${node.id ?? node.name}`, now());
	if (!log) return;
	const more = unlogged > 0 ? ` (${unlogged} more since the last such line, not logged one by one)` : '';
	context.logger.warn(`Trigger "${node.name}" in workflow "${workflow.name ?? workflow.id}" ${text}${more}`, { workflowId: workflow.id, node: node.name, unlogged });
}

/** A key claimed in Redis: "done" once n8n has stored its execution, deleted when it could not; a failure is logged. */
class RedisTicket {
	constructor(
		private readonly context: IWebhookFunctions,
		private readonly claim: RedisDelivery,
	) {}

	commit(): void {
		void this.claim.commit().then(() => this.report('mark a stored delivery done'));
	}

	cancel(): void {
		void this.claim.cancel().then(() => this.report('forget a delivery n8n could not store (its retry waits until the claim expires)'));
	}

	private report(what: string): void {
		if (this.claim.failure === undefined) return;
		warnRedis(this.context, `could not ${what} in its Redis dedupe store: ${this.claim.failure}`);
		this.claim.failure = undefined;
	}
}
