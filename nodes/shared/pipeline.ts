import { NodeOperationError, type IDataObject, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import { credentialSecrets, eventItemOf, processDelivery, selectedEvents, type DeliveryHost, type Outcome } from './core/deliver';
import type { HeaderBag } from './core/headers';
import { settleOnAnswer, type Recorded } from './core/record';
import { RejectionLog } from './core/rejectionLog';
import type { EventFilter, ProviderDefinition } from './definition';
import { recordDelivery } from './n8nDedupe';
import type { TriggerOptions } from './options';
import { sampleHeaderBag, samplesOf } from './sample';
import { samplePage } from './samplePage';

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
	settleOnAnswer(res, recorded);
	// n8n reads the answer right after it has stored the execution, then saves the workflow's
	// static data and only then answers. Writing the dedupe record at that moment (a change made
	// earlier is reset when the run is set up) makes it durable before the provider has its 200,
	// so a restart while the run is under way cannot let the retry start it again
	// (test/e2e/STATIC-DATA-FINDINGS.md). Copies that wait for this delivery are answered
	// "duplicate" only once this answer is out, so after that save: a copy's 200 never goes out for
	// an event whose record a crash could still lose.
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
	if (this.getWebhookName() === SAMPLE_WEBHOOK) return handleSample.call(this, definition);
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
		if (outcome.status === 401 || outcome.status === 403) return refusal.call(this, outcome.status, outcome.body as { error: string; reason: string });
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

/**
 * A refusal (401, 403) that starts nothing, answered with its reason. While the editor listens for
 * a test event (manual mode) the answer is the same, and the result is a `Refusal`, which the
 * trigger's webhook() turns into the node's error (`surfaceRefusal`).
 */
function refusal(this: IWebhookFunctions, status: 401 | 403, body: { error: string; reason: string }): IWebhookResponseData {
	const answer = reply(this.getResponseObject(), status, body);
	return this.getMode() === 'manual' ? (new Refusal(status, body) as unknown as IWebhookResponseData) : answer;
}

/** A refused test request: answered already, to be shown in the editor. */
class Refusal {
	readonly noWebhookResponse = true;
	constructor(
		readonly status: 401 | 403,
		readonly body: { error: string; reason: string },
	) {}
}

/**
 * What a trigger's webhook() returns for a pipeline's result: the result itself, or, for a test
 * request refused while the editor listens, the reason thrown as the node's error. n8n then records
 * an error execution with it, and the editor stops listening and shows it, so a person whose secret
 * is mistyped sees why. The caller still gets the 401 already written (n8n's own answer to the
 * error, a 500, is not sent: the response is out). The reason never holds a secret.
 */
export function surfaceRefusal(this: IWebhookFunctions, result: IWebhookResponseData): IWebhookResponseData {
	if (!((result as unknown) instanceof Refusal)) return result;
	const { status, body } = result as unknown as Refusal;
	throw new NodeOperationError(this.getNode(), body.reason, {
		description: `The Test URL answered this request ${status} ${JSON.stringify(body)} and started nothing, as the Production URL would. ${REFUSAL_HINT[status]}`,
	});
}

/** A refusal from outside the pipeline (the Verified Webhook Trigger's settings), surfaced at once. */
export function refuse(this: IWebhookFunctions, status: 401 | 403, body: { error: string; reason: string }): IWebhookResponseData {
	return surfaceRefusal.call(this, refusal.call(this, status, body));
}

const REFUSAL_HINT: Record<401 | 403, string> = {
	401: 'Check that the credential holds the same secret as the sender\'s webhook settings, and that the request is the sender\'s own (signed, not edited on the way).',
	403: 'Check the Allowed IP Addresses option.',
};

/** The name of every trigger's second webhook: GET on the same path, the sample of an event. */
export const SAMPLE_WEBHOOK: string = 'sample';

/**
 * The sample webhook (GET on the trigger's URL). While the editor listens for a test event (the
 * Test URL, manual mode), a browser opening the URL hands n8n a sample of one event, built from the
 * sender's documented example: exactly the item a real delivery of it gives, plus `sample: true`.
 * It becomes the trigger's output in the editor, so the next node can map its fields before any
 * real event. The event is `?event=<name>`, else the first one the Events parameter selects, else
 * the sender's first. The browser gets a page that says which event was sent and links to the
 * others. Nothing is verified (a sample carries no signature), nothing is recorded for
 * deduplication, and on the Production URL the sample webhook answers 404 and starts nothing.
 */
export function handleSample(this: IWebhookFunctions, definition: ProviderDefinition): IWebhookResponseData {
	const res = this.getResponseObject();
	if (this.getMode() !== 'manual') {
		return reply(res, 404, { error: 'not found', reason: 'samples are sent only on the Test URL, while the editor listens for a test event' });
	}
	const catalogue = samplesOf(definition);
	const selected = selectedEvents(this.getNodeParameter('events', []));
	const query = (this.getQueryData() ?? {}) as IDataObject;
	const asked = typeof query.event === 'string' && query.event.trim() !== '' ? query.event.trim() : undefined;
	const events = catalogue?.events ?? [];
	const page = (input: Partial<Parameters<typeof samplePage>[0]>, status = 200) => {
		res.status(status);
		res.setHeader('Content-Type', 'text/html; charset=utf-8');
		res.setHeader('Cache-Control', 'no-store');
		res.end(samplePage({ sender: definition.displayName, nodeName: this.getNode().name, events, selected, ...input }));
	};
	const chosen = asked !== undefined ? events.find((event) => event.value === asked) : (selected.map((value) => events.find((event) => event.value === value)).find((event) => event !== undefined) ?? events[0]);
	if (!catalogue || !chosen) {
		// nothing started: n8n keeps listening, and the page offers the events there are
		page({ problem: asked !== undefined && catalogue ? `${asked} is not an event of ${definition.displayName}.` : `${definition.displayName} has no sample.` }, 404);
		return { noWebhookResponse: true };
	}
	const receivedAtMs = Date.now();
	const options = (this.getNodeParameter('options', {}) ?? {}) as TriggerOptions;
	const delivery = catalogue.build(chosen.value, new Date(receivedAtMs));
	const item = eventItemOf(definition, delivery.body, sampleHeaderBag(delivery.headers), receivedAtMs, options);
	if (!item) {
		// a defect of ours: say so and start nothing
		page({ problem: `The sample of ${chosen.value} could not be built.` }, 404);
		return { noWebhookResponse: true };
	}
	item.sample = true;
	page({ sent: chosen });
	return { noWebhookResponse: true, workflowData: [[{ json: item as IDataObject }], []] };
}
