import { sleep, type IDataObject, type IWebhookFunctions } from 'n8n-workflow';

import { dedupeStoreFor, type DedupeStore, type DeliveryTicket } from './core/dedupe';
import { DEFAULT_DEDUPE_WINDOW_HOURS, type TriggerOptions } from './options';
import { claimInRedis, REDIS_CREDENTIAL, redisConnections, redisKey, redisLog, type RedisCredential, type RedisDelivery } from './redisStore';

/**
 * The dedupe store (core/dedupe.ts) as an n8n webhook trigger uses it: which store a request
 * belongs to, where its persisted form lives (the node's workflow static data), and when n8n lets
 * a trigger write it.
 */

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

/** A recorded delivery, as the pipeline hands it on to n8n. */
export interface Recorded {
	/**
	 * Called when n8n reads the trigger's answer, after it has stored the execution and before it
	 * saves the static data and answers (see the pipeline's startExecution): commits the delivery
	 * and writes the store's persisted form (with this key, without the keys of deliveries n8n has
	 * not stored yet) into the request's static data.
	 */
	persist(): void;
	/** Called once the answer is out, with its status: anything but 2xx forgets the delivery. */
	settle(status: number): void;
}

export type DeliveryCheck =
	| { duplicate: true; busy?: undefined }
	| { duplicate: false; busy?: undefined; recorded?: Recorded }
	/**
	 * A delivery of this key is still in flight after `inFlightWait.ms`, or (`reason`) the Redis
	 * store could not be asked: answer a status providers retry.
	 */
	| { duplicate: false; busy: true; reason?: string };

const DUPLICATE: DeliveryCheck = { duplicate: true };
const BUSY: DeliveryCheck = { duplicate: false, busy: true };
const NOT_CHECKED: DeliveryCheck = { duplicate: false };

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
 */
export function recordDelivery(context: IWebhookFunctions, options: TriggerOptions, key: string): DeliveryCheck | Promise<DeliveryCheck> {
	if (options.deduplicate === false) return NOT_CHECKED;
	const node = context.getNode();
	const persistent = context.getMode() !== 'manual';
	const scope = `${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:${persistent ? 'live' : 'test'}`;
	if (options.dedupeStore === 'redis') return recordInRedis(context, options, scope, key);
	const store = dedupeStoreFor(scope, options.dedupeMaxEntries);
	const decision = store.decide(key, {
		windowMs: dedupeWindowMs(options),
		waitMs: inFlightWait.ms,
		now,
		sleep,
		load: persistent ? () => context.getWorkflowStaticData('node').dedupe : undefined,
	});
	if (decision instanceof Promise) return decision.then((d) => answer(d.status === 'new' ? new Delivery(context, d.ticket, persistent, store) : d.status));
	return answer(decision.status === 'new' ? new Delivery(context, decision.ticket, persistent, store) : decision.status);
}

function answer(outcome: Delivery | 'duplicate' | 'busy'): DeliveryCheck {
	if (outcome === 'duplicate') return DUPLICATE;
	if (outcome === 'busy') return BUSY;
	return { duplicate: false, recorded: outcome };
}

/** One recorded delivery (a class rather than closures: one object per request). */
class Delivery implements Recorded {
	constructor(
		private readonly context: IWebhookFunctions,
		private readonly ticket: DeliveryTicket,
		private readonly persistent: boolean,
		private readonly store: DedupeStore,
	) {}

	persist(): void {
		// n8n has stored the execution: this key may be saved now, and is, by this save
		this.ticket.commit();
		if (this.persistent) this.context.getWorkflowStaticData('node').dedupe = this.store.toPersisted() as unknown as IDataObject;
	}

	settle(status: number): void {
		// answered 2xx without n8n reading the answer first (not seen on n8n 2.41): stored all the same
		if (status < 300) this.ticket.commit();
		// n8n could not store the execution: the provider retries, which must not be a duplicate
		else this.ticket.cancel();
	}
}

/**
 * The Redis store (redisStore.ts): the key is claimed in Redis, shared by every n8n process that
 * uses the same Redis, instead of this process's memory and the workflow's static data (which it
 * never touches). Redis not reachable, or no Redis credential: 503, logged at warn level
 * (rate-limited per node), and nothing starts.
 */
async function recordInRedis(context: IWebhookFunctions, options: TriggerOptions, scope: string, key: string): Promise<DeliveryCheck> {
	let reason: string;
	try {
		const credential = (await context.getCredentials(REDIS_CREDENTIAL)) as RedisCredential;
		const connection = await redisConnections.link(credential);
		const claim = await claimInRedis(connection.client, redisKey(scope, key), { windowMs: dedupeWindowMs(options), waitMs: inFlightWait.ms, now }, connection);
		if (claim.status === 'new') return { duplicate: false, recorded: new RedisRecorded(context, claim.claim) };
		if (claim.status === 'duplicate') return DUPLICATE;
		if (claim.status === 'busy') return BUSY;
		reason = claim.reason;
	} catch (error) {
		// no credential, or n8n without ioredis
		reason = (error as Error).message;
	}
	warnRedis(context, `could not reach its Redis dedupe store, answered 503 and started nothing: ${reason}`);
	return { duplicate: false, busy: true, reason: 'the dedupe store (Redis) cannot be reached: retry later' };
}

function warnRedis(context: IWebhookFunctions, text: string): void {
	const node = context.getNode();
	const workflow = context.getWorkflow();
	const { log, unlogged } = redisLog.note(`${workflow.id ?? ''}:${node.id ?? node.name}`, now());
	if (!log) return;
	const more = unlogged > 0 ? ` (${unlogged} more since the last such line, not logged one by one)` : '';
	context.logger.warn(`Trigger "${node.name}" in workflow "${workflow.name ?? workflow.id}" ${text}${more}`, { workflowId: workflow.id, node: node.name, unlogged });
}

/** A delivery claimed in Redis: "done" once n8n has stored its execution, deleted when it could not. */
class RedisRecorded implements Recorded {
	constructor(
		private readonly context: IWebhookFunctions,
		private readonly claim: RedisDelivery,
	) {}

	persist(): void {
		// n8n has stored the execution (and answers 200 once it has saved static data)
		void this.claim.commit().then(() => this.report('mark a stored delivery done'));
	}

	settle(status: number): void {
		const settled = status < 300 ? this.claim.commit() : this.claim.cancel();
		void settled.then(() => this.report(status < 300 ? 'mark a stored delivery done' : 'forget a delivery n8n could not store (its retry waits until the claim expires)'));
	}

	private report(what: string): void {
		if (this.claim.failure === undefined) return;
		warnRedis(this.context, `could not ${what} in its Redis dedupe store: ${this.claim.failure}`);
		this.claim.failure = undefined;
	}
}
