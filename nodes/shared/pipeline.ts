import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { redactHeaders, type HeaderBag } from './core/headers';
import { OFF_THREAD_HASH_BYTES, sha256Hex, sha256HexOffMainThread } from './core/hash';
import { isoOfMs } from './core/time';
import { isAllowed, parseAllowList } from './core/ipAllowList';
import { parseJsonSafely, type JsonParseResult } from './core/json';
import { verifyRequest, type Secrets } from './core/verify';
import type { ProviderDefinition } from './definition';
import { recordDelivery, type Recorded } from './dedupeRecord';
import type { TriggerOptions } from './options';

const MINUTE_MS = 60_000;

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

/** The body of a 200 answer: the provider's fixed one (Chatzuri), else `{ status, ...extra }`. */
function acknowledgement(definition: ProviderDefinition, status: string, extra?: IDataObject): IDataObject {
	if (definition.acknowledgement) return { ...(definition.acknowledgement as IDataObject) };
	return extra === undefined ? { status } : { status, ...extra };
}

async function readRawBody(req: ExpressLikeRequest): Promise<Buffer> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') await req.readRawBody();
	if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
	// never reached on n8n 2.x for JSON bodies; a last resort that keeps the delivery
	return req.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(req.body));
}

function credentialText(credentials: IDataObject, field: string | undefined): string {
	const value = field === undefined ? undefined : credentials[field];
	return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function credentialSecrets(credentials: IDataObject, definition: ProviderDefinition): Secrets {
	return {
		current: credentialText(credentials, definition.credential.secret),
		previous: credentialText(credentials, definition.credential.previousSecret),
		// trimmed once here, so that authentication and the redaction of "include headers" agree
		headerName: credentialText(credentials, definition.credential.headerName).trim(),
	};
}

/** `JSON.stringify(JSON.parse(text))` as bytes, or undefined when the text is not JSON. */
function reserialize(text: string): Buffer | undefined {
	try {
		return Buffer.from(JSON.stringify(JSON.parse(text)));
	} catch {
		return undefined;
	}
}

/**
 * By provider (the Verified Webhook Trigger builds its definition per request, from a preset or
 * 'custom'): whether its last event named its own id, in which case the key is that id and a body
 * hash started beforehand would be wasted. Unknown at first: assumed not. Only a hint: the key is
 * the same either way.
 */
const lastHadEventId = new Map<string, boolean>();

/**
 * The body's SHA-256 (the delivery key of an event without an id, and of every Unrecognized
 * delivery), started once authentication has passed, off the main thread for a large body so that
 * it runs beside the parsing and validation: undefined for a small one (hashed when needed) or a
 * provider whose events carry ids.
 */
function startBodyHash(rawBody: Buffer, definition: ProviderDefinition): Promise<string | undefined> | undefined {
	if (rawBody.length < OFF_THREAD_HASH_BYTES || lastHadEventId.get(definition.provider) === true) return undefined;
	return sha256HexOffMainThread(rawBody);
}

/** The delivery key of a body: `sha256:` and its digest, hashed now. */
function bodyKeyNow(rawBody: Buffer): string {
	return `sha256:${sha256Hex(rawBody)}`;
}

/** The body key: the digest started by startBodyHash, else hashed now. */
async function bodyKey(rawBody: Buffer, started: Promise<string | undefined>): Promise<string> {
	const digest = await started;
	return digest === undefined ? bodyKeyNow(rawBody) : `sha256:${digest}`;
}

/** Every header that carries a secret, so that "include headers" never copies one into an item. */
function secretHeaderNames(definition: ProviderDefinition, secrets: Secrets): string[] {
	const verification = definition.verification;
	if (verification.type === 'hmac') return [];
	return [verification.header ?? secrets.headerName ?? ''].filter((name) => name !== '');
}

/**
 * The request pipeline of SPEC.md: authenticate, parse and validate, filter, deduplicate, emit.
 * Nothing a client sends makes it throw: an unexpected failure after authentication still hands
 * the delivery to the Unrecognized output.
 */
export async function handleWebhook(
	this: IWebhookFunctions,
	definition: ProviderDefinition,
): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	const receivedAtMs = Date.now();
	const options = (this.getNodeParameter('options', {}) ?? {}) as TriggerOptions;

	// 0. where the request comes from
	if (options.allowedIps && options.allowedIps.trim() !== '') {
		const allowList = parseAllowList(options.allowedIps);
		if (!allowList.ok) {
			this.logger.warn(`${definition.displayName} Trigger: the Allowed IP Addresses option has entries it cannot read (${allowList.invalid.join(', ')}); refusing every request until it is fixed`);
			return reply(res, 403, { error: 'forbidden', reason: 'allowed addresses option is invalid' });
		}
		const address = req.ip ?? req.socket?.remoteAddress;
		if (!isAllowed(address, allowList.ranges)) {
			return reply(res, 403, { error: 'forbidden', reason: 'source address not allowed' });
		}
	}

	// 1. authenticate, over the exact bytes received
	// n8n 2.x has read it already: no await (and no turn of the event loop) then
	const rawBody = Buffer.isBuffer(req.rawBody) ? req.rawBody : await readRawBody(req);
	// decoded once, when first needed: by the Chatzuri re-serialization check (only when the raw
	// bytes do not match) or by the parser, after authentication and after a large body's hash has
	// been handed off (so that it has a head start)
	let decoded: string | undefined;
	const headers = req.headers as HeaderBag;
	let secrets: Secrets;
	try {
		secrets = credentialSecrets((await this.getCredentials(definition.credential.name)) as IDataObject, definition);
	} catch {
		return reply(res, 401, { error: 'unauthorized', reason: 'no credential is set on the trigger' });
	}
	const verification = definition.verification;
	const verdict = verifyRequest(
		verification,
		// the re-serialization is offered only to the schemes that accept it, computed only if asked for
		verification.type === 'hmac' && verification.signedPayload === 'rawBodyOrReserialized'
			? { rawBody, headers, reserializedBody: () => reserialize((decoded ??= rawBody.toString('utf8'))) }
			: { rawBody, headers },
		secrets,
	);
	if (!verdict.ok) {
		this.logger.debug(`${definition.displayName} Trigger rejected a request: ${verdict.reason}`);
		return reply(res, 401, { error: 'unauthorized', reason: verdict.reason });
	}

	const bodyHash = startBodyHash(rawBody, definition);
	const text = decoded ?? rawBody.toString('utf8');
	let deliveryKey: string | undefined;
	try {
		// 2. parse and validate
		const parsed = definition.parseBody ? definition.parseBody(text, headers) : parseJsonSafely(text);
		const pingAnswer = definition.ping?.(parsed);
		if (pingAnswer) return reply(res, 200, pingAnswer as IDataObject);
		const validated = parsed.ok ? definition.schema.safeParse(parsed.value) : undefined;
		if (!validated || !validated.success) {
			const issues = validated
				? validated.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
				: [{ path: '', message: (parsed as { reason: string }).reason }];
			return await unrecognized.call(this, definition, options, { text, rawBody, parsed, issues, receivedAtMs, headers, secrets, bodyHash });
		}
		const body = validated.data;
		const described = definition.describe(body, headers);
		const hadEventId = described.eventId !== null;
		if (lastHadEventId.get(definition.provider) !== hadEventId) lastHadEventId.set(definition.provider, hadEventId);

		// 3. filter
		if (!eventSelected(this.getNodeParameter('events', []), described.event)) {
			return reply(res, 200, acknowledgement(definition, 'ignored', { reason: 'event not selected' }));
		}
		if (definition.filters) {
			for (const filter of definition.filters) {
				const value = this.getNodeParameter(filter.parameter.name, filter.parameter.default);
				if (!filter.accepts(value, body)) return reply(res, 200, acknowledgement(definition, 'ignored', { reason: `${filter.parameter.displayName.toLowerCase()} not selected` }));
			}
		}
		if (options.maxEventAgeMinutes && options.maxEventAgeMinutes > 0 && described.occurredAt) {
			const age = receivedAtMs - Date.parse(described.occurredAt);
			if (age > options.maxEventAgeMinutes * MINUTE_MS) return reply(res, 401, { error: 'unauthorized', reason: 'event is older than the maximum event age' });
		}

		// 4. deduplicate
		deliveryKey = described.eventId ?? (bodyHash ? await bodyKey(rawBody, bodyHash) : bodyKeyNow(rawBody));
		const delivery = recordDelivery(this, options, deliveryKey);
		if (delivery.duplicate) return reply(res, 200, acknowledgement(definition, 'duplicate'));

		// 5. emit
		const item: IDataObject = {
			provider: definition.provider,
			event: described.event,
			eventId: described.eventId,
			occurredAt: described.occurredAt,
			receivedAt: isoOfMs(receivedAtMs),
			deliveryKey,
			data: described.data as IDataObject,
		};
		if (options.includeRawBody || options.includeHeaders) addOptionalFields(item, options, text, headers, definition, secrets);
		return startExecution(res, [[{ json: item }], []], acknowledgement(definition, 'received'), delivery.recorded);
	} catch (error) {
		// a defect of ours, not of the request: keep the delivery, on the Unrecognized output
		this.logger.error(`${definition.displayName} Trigger could not process an authenticated delivery: ${(error as Error).message}`);
		const item: IDataObject = {
			provider: definition.provider,
			reason: 'processing failed',
			issues: [{ path: '', message: (error as Error).message }],
			receivedAt: isoOfMs(receivedAtMs),
			deliveryKey: deliveryKey ?? bodyKeyNow(rawBody),
			body: null,
			raw: text,
		};
		if (res.headersSent) return { noWebhookResponse: true, workflowData: [[], [{ json: item }]] };
		return startExecution(res, [[], [{ json: item }]], acknowledgement(definition, 'unrecognized'));
	}
}

/** The Events parameter: a list of options, or (Verified Webhook Trigger) comma-separated names. */
function selectedEvents(value: unknown): string[] {
	if (typeof value === 'string') return value.split(',').map((name) => name.trim()).filter((name) => name !== '');
	return Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : [];
}

/** Whether the Events parameter lets the event through: it names it, or names none. */
function eventSelected(value: unknown, event: string): boolean {
	if (Array.isArray(value)) {
		// the common shape, read without a copy
		let any = false;
		for (let i = 0; i < value.length; i++) {
			const name: unknown = value[i];
			if (typeof name !== 'string') continue;
			if (name === event) return true;
			any = true;
		}
		return !any;
	}
	const events = selectedEvents(value);
	return events.length === 0 || events.includes(event);
}

interface UnrecognizedContext {
	text: string;
	rawBody: Buffer;
	parsed: JsonParseResult;
	issues: Array<{ path: string; message: string }>;
	receivedAtMs: number;
	headers: HeaderBag;
	secrets: Secrets;
	/** The body's digest, when startBodyHash started it. */
	bodyHash: Promise<string | undefined> | undefined;
}

async function unrecognized(
	this: IWebhookFunctions,
	definition: ProviderDefinition,
	options: TriggerOptions,
	context: UnrecognizedContext,
): Promise<IWebhookResponseData> {
	const res = this.getResponseObject();
	if (options.onUnrecognized === 'reject') {
		return reply(res, 400, { error: 'unrecognized payload', issues: context.issues });
	}
	const deliveryKey = context.bodyHash ? await bodyKey(context.rawBody, context.bodyHash) : bodyKeyNow(context.rawBody);
	const delivery = recordDelivery(this, options, deliveryKey);
	if (delivery.duplicate) return reply(res, 200, acknowledgement(definition, 'duplicate'));
	const item: IDataObject = {
		provider: definition.provider,
		reason: context.parsed.ok ? 'body is not a known event' : context.parsed.reason,
		issues: context.issues,
		receivedAt: isoOfMs(context.receivedAtMs),
		deliveryKey,
		body: context.parsed.ok ? (context.parsed.value as IDataObject) : null,
		// the raw body is what lets a person recover anything: always on this output
		raw: context.text,
	};
	if (options.includeHeaders) item.headers = redactHeaders(context.headers, secretHeaderNames(definition, context.secrets));
	return startExecution(res, [[], [{ json: item }]], acknowledgement(definition, 'unrecognized'), delivery.recorded);
}

function addOptionalFields(
	item: IDataObject,
	options: TriggerOptions,
	text: string,
	headers: HeaderBag,
	definition: ProviderDefinition,
	secrets: Secrets,
): void {
	if (options.includeRawBody) item.raw = text;
	if (options.includeHeaders) item.headers = redactHeaders(headers, secretHeaderNames(definition, secrets));
}
