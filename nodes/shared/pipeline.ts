import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { credentialSecrets, processDelivery, type DeliveryHost, type Outcome } from './core/deliver';
import type { HeaderBag } from './core/headers';
import type { Recorded } from './core/record';
import { RejectionLog } from './core/rejectionLog';
import type { EventFilter, ProviderDefinition } from './definition';
import { recordDelivery } from './n8nDedupe';
import type { TriggerOptions } from './options';

/**
 * The n8n host of the request pipeline (core/deliver.ts): hands it the request, the node's
 * parameters, credential and dedupe store, and turns its outcome into n8n's answer and execution.
 */

type ExpressLikeResponse = ReturnType<IWebhookFunctions['getResponseObject']>;
type ExpressLikeRequest = ReturnType<IWebhookFunctions['getRequestObject']>;

/** Answers a request that starts nothing. */
function reply(res: ExpressLikeResponse, status: number, body: IDataObject): IWebhookResponseData {
	res.status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * Hands a delivery to n8n, which answers the provider with `acknowledgement` only once it has
 * stored the execution (so a busy n8n slows the provider down instead of dropping work), or with
 * 500 when it cannot: the provider retries, and the dedupe key is forgotten so that the retry is
 * not mistaken for a duplicate.
 */
function startExecution(
	res: ExpressLikeResponse,
	workflowData: IWebhookResponseData['workflowData'],
	acknowledgement: IDataObject,
	recorded?: Recorded,
): IWebhookResponseData {
	if (!recorded) return { workflowData, webhookResponse: acknowledgement };
	res.once('finish', () => recorded.settle(res.statusCode));
	// n8n reads the answer right after it has stored the execution, then saves the workflow's
	// static data and only then answers. Writing the dedupe record at that moment (a change made
	// earlier is reset when the run is set up) makes it durable before the provider has its 200,
	// so a restart while the run is under way cannot let the retry start it again
	// (test/e2e/STATIC-DATA-FINDINGS.md).
	return new DeferredAnswer(workflowData, acknowledgement, recorded) as IWebhookResponseData;
}

/**
 * A result whose `webhookResponse` writes the dedupe record when n8n reads it. A class, so that
 * every result shares one getter and one shape (a getter defined per object gave each result its
 * own hidden class, and more garbage per request).
 */
class DeferredAnswer {
	constructor(
		readonly workflowData: IWebhookResponseData['workflowData'],
		private readonly answer: IDataObject,
		private readonly recorded: Recorded,
	) {}

	get webhookResponse(): IDataObject {
		this.recorded.persist();
		return this.answer;
	}
}

/**
 * The body's bytes when n8n has not read them already, or undefined when they cannot be had: n8n
 * consumes a multipart body's stream itself before the node runs, and `readRawBody` then throws.
 * Never throws.
 */
async function readRawBody(req: ExpressLikeRequest): Promise<Buffer | undefined> {
	try {
		if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') await req.readRawBody();
		if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
		// never reached on n8n 2.x for JSON bodies; a last resort that keeps the delivery
		return req.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(req.body));
	} catch {
		return undefined;
	}
}

/** One trigger node of one workflow: what per-node state (the hint, the rejection log) is kept by. */
function nodeKey(context: IWebhookFunctions): string {
	const node = context.getNode();
	return `${context.getWorkflow().id ?? ''}:${node.id ?? node.name}`;
}

/** What the pipeline reads of one n8n request (a class: one shape, one object per request). */
class N8nHost implements DeliveryHost {
	constructor(
		private readonly context: IWebhookFunctions,
		private readonly definition: ProviderDefinition,
		readonly options: TriggerOptions,
	) {}

	async secrets() {
		return credentialSecrets((await this.context.getCredentials(this.definition.credential.name)) as IDataObject, this.definition);
	}

	events(): unknown {
		return this.context.getNodeParameter('events', []);
	}

	filterValue(filter: EventFilter<unknown>): unknown {
		return this.context.getNodeParameter(filter.parameter.name, filter.parameter.default);
	}

	record(key: string) {
		return recordDelivery(this.context, this.options, key);
	}

	hintKey(): string {
		// the provider too: a Verified Webhook Trigger's preset can change while the node stays
		return `${nodeKey(this.context)}:${this.definition.provider}`;
	}

	warn(message: string): void {
		this.context.logger.warn(message);
	}

	error(message: string): void {
		this.context.logger.error(message);
	}
}

/**
 * The request pipeline of SPEC.md (core/deliver.ts) on n8n. Nothing a client sends makes it
 * throw: an unexpected failure after authentication still hands the delivery to the
 * Unrecognized output.
 */
export async function handleWebhook(
	this: IWebhookFunctions,
	definition: ProviderDefinition,
): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	const receivedAtMs = Date.now();
	const options = (this.getNodeParameter('options', {}) ?? {}) as TriggerOptions;
	const outcome: Outcome = await processDelivery(
		definition,
		{
			headers: req.headers as HeaderBag,
			// n8n 2.x has read it already: no await (and no turn of the event loop) then
			rawBody: Buffer.isBuffer(req.rawBody) ? req.rawBody : () => readRawBody(req),
			receivedAtMs,
			sourceAddress: () => req.ip ?? req.socket?.remoteAddress,
		},
		new N8nHost(this, definition, options),
	);
	if (outcome.kind === 'reply') {
		if (outcome.rejected !== undefined) logRejection.call(this, definition, outcome.rejected);
		if (outcome.headers && typeof res.setHeader === 'function' && !res.headersSent) {
			for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
		}
		return reply(res, outcome.status, outcome.body as IDataObject);
	}
	const workflowData = outcome.output === 0 ? [[{ json: outcome.item as IDataObject }], []] : [[], [{ json: outcome.item as IDataObject }]];
	if (outcome.failed && res.headersSent) return { noWebhookResponse: true, workflowData };
	return startExecution(res, workflowData, outcome.acknowledgement as IDataObject, outcome.recorded);
}

/** Rejections logged at warn level: per node the first, then one line a minute with a count. */
export const rejectionLog = new RejectionLog();

/**
 * Logs a 401 of authentication at warn level with the workflow, node, reason (never a secret) and
 * source address, rate-limited per node (`rejectionLog`), so that a person whose secret is
 * mistyped finds it in n8n's log and a flood cannot fill it.
 */
function logRejection(this: IWebhookFunctions, definition: ProviderDefinition, reason: string): void {
	const node = this.getNode();
	const workflow = this.getWorkflow();
	const { log, unlogged } = rejectionLog.note(nodeKey(this), Date.now());
	if (!log) return;
	const req = this.getRequestObject();
	const sourceAddress = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
	const more = unlogged > 0 ? ` (${unlogged} more rejected since the last such line, not logged one by one)` : '';
	this.logger.warn(`${definition.displayName} Trigger "${node.name}" in workflow "${workflow.name ?? workflow.id}" rejected a request from ${sourceAddress}: ${reason}${more}`, {
		workflowId: workflow.id,
		node: node.name,
		reason,
		sourceAddress,
		unlogged,
	});
}
