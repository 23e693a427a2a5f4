import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { bodyKey, bodyKeyOfDigest } from './core/deliveryKey';
import { redactHeaders, type HeaderBag } from './core/headers';
import { OFF_THREAD_HASH_BYTES, sha256HexOffMainThread } from './core/hash';
import { isoOfMs } from './core/time';
import { isAllowed, parseAllowList, type AllowListResult } from './core/ipAllowList';
import { parseJsonSafely, type JsonParseResult } from './core/json';
import { RejectionLog } from './core/rejectionLog';
import { verifyRequest, type Secrets } from './core/verify';
import type { DescribedEvent, ProviderDefinition } from './definition';
import { recordDelivery, type Recorded } from './n8nDedupe';
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

const UNREADABLE_BODY = 'request body could not be read (multipart bodies are not supported)';

/** A credential field as text; any other value (a number, an object, an array) is no secret at all. */
function credentialText(credentials: IDataObject, field: string | undefined): string {
	const value = field === undefined ? undefined : credentials[field];
	return typeof value === 'string' ? value : '';
}

function credentialSecrets(credentials: IDataObject, definition: ProviderDefinition): Secrets {
	return {
		current: credentialText(credentials, definition.credential.secret),
		previous: credentialText(credentials, definition.credential.previousSecret),
		// trimmed once here, so that authentication and the redaction of "include headers" agree
		headerName: credentialText(credentials, definition.credential.headerName).trim(),
	};
}

/**
 * `JSON.stringify(JSON.parse(text))` as bytes, or undefined when the text is not JSON. A leading
 * byte order mark is left out, as the parser leaves it out.
 */
function reserialize(text: string): Buffer | undefined {
	try {
		return Buffer.from(JSON.stringify(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)));
	} catch {
		return undefined;
	}
}

/**
 * By trigger node (workflow, node and provider): whether the last large event it received named its own id,
 * in which case the key is that id and a body hash started beforehand would be wasted. Unknown at
 * first: assumed not. Only a hint (the key is the same either way), kept for large bodies only,
 * the only ones whose hash is started early. Bounded: cleared when it holds too many nodes.
 */
const lastHadEventId = new Map<string, boolean>();
const HINTS_BOUND = 1_000;

/** One trigger node of one workflow: what per-node state (the hint, the rejection log) is kept by. */
function nodeKey(context: IWebhookFunctions): string {
	const node = context.getNode();
	return `${context.getWorkflow().id ?? ''}:${node.id ?? node.name}`;
}

function nodeHintKey(context: IWebhookFunctions, definition: ProviderDefinition): string {
	// the provider too: a Verified Webhook Trigger's preset can change while the node stays
	return `${nodeKey(context)}:${definition.provider}`;
}

function rememberHadEventId(hintKey: string | undefined, keyedById: boolean): void {
	if (hintKey === undefined || lastHadEventId.get(hintKey) === keyedById) return;
	if (lastHadEventId.size >= HINTS_BOUND) lastHadEventId.clear();
	lastHadEventId.set(hintKey, keyedById);
}

/**
 * The body's SHA-256 (the delivery key of an event without an id, and of every Unrecognized
 * delivery), started once authentication has passed, off the main thread for a large body so that
 * it runs beside the parsing and validation: undefined for a small one (hashed when needed) or a
 * node whose events carry ids.
 */
function startBodyHash(bytes: Buffer, hintKey: string | undefined): Promise<string | undefined> | undefined {
	if (bytes.length < OFF_THREAD_HASH_BYTES || (hintKey !== undefined && lastHadEventId.get(hintKey) === true)) return undefined;
	return sha256HexOffMainThread(bytes);
}

/** The body key: the digest started by startBodyHash, else hashed now. */
async function startedBodyKey(bytes: Buffer, started: Promise<string | undefined>): Promise<string> {
	const digest = await started;
	return digest === undefined ? bodyKey(bytes) : bodyKeyOfDigest(digest);
}

/** Every header that carries a secret, so that "include headers" never copies one into an item. */
function secretHeaderNames(definition: ProviderDefinition, secrets: Secrets): string[] {
	const verification = definition.verification;
	if (verification.type === 'hmac') return [];
	return [verification.header ?? secrets.headerName ?? ''].filter((name) => name !== '');
}

/**
 * The Allowed IP Addresses option, parsed once per text (the option is the same on every request
 * of a node). Bounded: cleared when it holds too many texts.
 */
const allowLists = new Map<string, AllowListResult>();
const ALLOW_LISTS_BOUND = 100;

function allowListOf(text: string): AllowListResult {
	let parsed = allowLists.get(text);
	if (parsed === undefined) {
		parsed = parseAllowList(text);
		if (allowLists.size >= ALLOW_LISTS_BOUND) allowLists.clear();
		allowLists.set(text, parsed);
	}
	return parsed;
}

/** What every item of an authenticated request shares. */
interface Received {
	provider: string;
	receivedAtMs: number;
	text: string;
	headers: HeaderBag;
	/** The headers whose values are secrets (redacted from `headers`), known after authentication. */
	secretHeaders: string[];
	options: TriggerOptions;
}

type ItemContent =
	| { output: 'event'; described: DescribedEvent }
	| { output: 'unrecognized'; reason: string; issues: Array<{ path: string; message: string }>; body: unknown };

/**
 * The item of a delivery, for either output: the fields SPEC.md names, in one order, with the raw
 * body (always on the Unrecognized output, with Include Raw Body on the Event output) and the
 * redacted headers (with Include Headers).
 */
function buildItem(received: Received, deliveryKey: string, content: ItemContent): IDataObject {
	const item: IDataObject = { provider: received.provider };
	if (content.output === 'event') {
		item.event = content.described.event;
		item.eventId = content.described.eventId;
		item.occurredAt = content.described.occurredAt;
	} else {
		item.reason = content.reason;
		item.issues = content.issues;
	}
	item.receivedAt = isoOfMs(received.receivedAtMs);
	item.deliveryKey = deliveryKey;
	if (content.output === 'event') item.data = content.described.data as IDataObject;
	else item.body = content.body as IDataObject | null;
	if (content.output === 'unrecognized' || received.options.includeRawBody) item.raw = received.text;
	if (received.options.includeHeaders) item.headers = redactHeaders(received.headers, received.secretHeaders);
	return item;
}

const NO_SECRET_HEADERS: string[] = [];

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
		const allowList = allowListOf(options.allowedIps);
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
	const headers = req.headers as HeaderBag;
	let secrets: Secrets;
	try {
		secrets = credentialSecrets((await this.getCredentials(definition.credential.name)) as IDataObject, definition);
	} catch {
		return rejected.call(this, definition, 'no credential is set on the trigger');
	}
	const verification = definition.verification;
	// a header secret needs no body: checked before the body is read
	if (verification.type === 'header') {
		const verdict = verifyRequest(verification, { rawBody: NO_BODY, headers }, secrets);
		if (!verdict.ok) return rejected.call(this, definition, verdict.reason);
	}
	// n8n 2.x has read it already: no await (and no turn of the event loop) then
	const rawBody = Buffer.isBuffer(req.rawBody) ? req.rawBody : await readRawBody(req);
	if (rawBody === undefined) {
		// an HMAC over bytes that cannot be had cannot be checked
		if (verification.type === 'hmac') return rejected.call(this, definition, `${UNREADABLE_BODY}: its signature cannot be verified`);
		return reply(res, 400, { error: 'unreadable body', reason: UNREADABLE_BODY });
	}
	// decoded once, when first needed: by the Chatzuri re-serialization check (only when the raw
	// bytes do not match) or by the parser, after authentication and after a large body's hash has
	// been handed off (so that it has a head start)
	let decoded: string | undefined;
	// the re-serialization, computed at most once (by the check or for the delivery key)
	const canonicalForm = verification.type === 'hmac' && verification.signedPayload === 'rawBodyOrReserialized';
	let reserialized: Buffer | undefined | null = null;
	const reserializedBody = () => (reserialized === null ? (reserialized = reserialize((decoded ??= rawBody.toString('utf8')))) : reserialized);
	if (verification.type === 'hmac') {
		const verdict = verifyRequest(
			verification,
			// the re-serialization is offered only to the schemes that accept it, computed only if asked for
			canonicalForm ? { rawBody, headers, reserializedBody } : { rawBody, headers },
			secrets,
		);
		if (!verdict.ok) return rejected.call(this, definition, verdict.reason);
	}

	// What the delivery key of an event without a signed id hashes: the bytes, or, for a scheme that
	// accepts a signature over the re-serialization, that canonical form (whitespace, escapes,
	// number spellings and repeated keys of one signed body then give one key, whichever bytes
	// were signed; the bytes when the body is not JSON), known once the body is parsed.
	let keyBytes = rawBody;
	// the hint is kept and read for large bodies only
	const hintKey = rawBody.length >= OFF_THREAD_HASH_BYTES ? nodeHintKey(this, definition) : undefined;
	let bodyHash = canonicalForm ? undefined : startBodyHash(rawBody, hintKey);
	const text = (decoded ??= rawBody.toString('utf8'));
	// authenticated: what every item of this request shares, and which headers "include headers"
	// must redact, are known now
	const received: Received = {
		provider: definition.provider,
		receivedAtMs,
		text,
		headers,
		secretHeaders: options.includeHeaders ? secretHeaderNames(definition, secrets) : NO_SECRET_HEADERS,
		options,
	};
	let deliveryKey: string | undefined;
	try {
		// 2. parse and validate
		const parsed = definition.parseBody ? definition.parseBody(text, headers) : parseJsonSafely(text);
		if (canonicalForm) {
			keyBytes = (reserialized === null && !definition.parseBody ? stringifiedParse(parsed) : undefined) ?? reserializedBody() ?? rawBody;
			bodyHash = startBodyHash(keyBytes, hintKey);
		}
		const pingAnswer = definition.ping?.(parsed);
		if (pingAnswer) return reply(res, 200, pingAnswer as IDataObject);
		const validated = parsed.ok ? definition.schema.safeParse(parsed.value) : undefined;
		if (!validated || !validated.success) {
			const issues = validated
				? validated.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
				: [{ path: '', message: (parsed as { reason: string }).reason }];
			return await unrecognized.call(this, definition, received, { keyBytes, parsed, issues, bodyHash });
		}
		const body = validated.data;
		const described = definition.describe(body, headers);
		// an id the signature does not cover (an unsigned header) names the event, but does not key
		// it: a replay of the signed body with a new id must still be a duplicate
		const keyedById = described.eventId !== null && described.eventIdSigned !== false;
		rememberHadEventId(hintKey, keyedById);

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
		deliveryKey = keyedById ? described.eventId! : bodyHash ? await startedBodyKey(keyBytes, bodyHash) : bodyKey(keyBytes);
		const check = recordDelivery(this, options, deliveryKey);
		const delivery = check instanceof Promise ? await check : check;
		if (delivery.duplicate) return reply(res, 200, acknowledgement(definition, 'duplicate'));
		if (delivery.busy) return busy(res, delivery.reason);

		// 5. emit
		const item = buildItem(received, deliveryKey, { output: 'event', described });
		return startExecution(res, [[{ json: item }], []], acknowledgement(definition, 'received'), delivery.recorded);
	} catch (error) {
		// a defect of ours, not of the request: keep the delivery, on the Unrecognized output
		this.logger.error(`${definition.displayName} Trigger could not process an authenticated delivery: ${(error as Error).message}`);
		const item = buildItem(received, deliveryKey ?? bodyKey(keyBytes), {
			output: 'unrecognized',
			reason: 'processing failed',
			issues: [{ path: '', message: (error as Error).message }],
			body: null,
		});
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

/**
 * `JSON.stringify` of what parseJsonSafely parsed, which is the re-serialization of the text when
 * it removed no key (saves parsing the body twice); undefined otherwise.
 */
function stringifiedParse(parsed: JsonParseResult): Buffer | undefined {
	if (!parsed.ok || parsed.removedKeys.length > 0) return undefined;
	try {
		return Buffer.from(JSON.stringify(parsed.value));
	} catch {
		// nested too deep to serialize: neither can the re-serialization be
		return undefined;
	}
}

/** Rejections logged at warn level: per node the first, then one line a minute with a count. */
export const rejectionLog = new RejectionLog();

/**
 * A 401 that starts nothing, with the reason (never a secret). Logged at warn level with the
 * workflow, node, reason and source address, rate-limited per node (`rejectionLog`), so that a
 * person whose secret is mistyped finds it in n8n's log and a flood cannot fill it.
 */
function rejected(this: IWebhookFunctions, definition: ProviderDefinition, reason: string): IWebhookResponseData {
	const node = this.getNode();
	const workflow = this.getWorkflow();
	const { log, unlogged } = rejectionLog.note(nodeKey(this), Date.now());
	if (log) {
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
	return reply(this.getResponseObject(), 401, { error: 'unauthorized', reason });
}

const NO_BODY = Buffer.alloc(0);

/**
 * A copy of a delivery n8n has still not stored after a while: 503, which every provider retries,
 * rather than a "duplicate" that would lose the event if n8n then failed to store the first.
 */
function busy(res: ExpressLikeResponse, reason = 'an earlier delivery of this event is still being stored: retry later'): IWebhookResponseData {
	if (typeof res.setHeader === 'function' && !res.headersSent) res.setHeader('Retry-After', '5');
	return reply(res, 503, { error: 'busy', reason });
}

interface UnrecognizedContext {
	/** The bytes the body key hashes (see handleWebhook). */
	keyBytes: Buffer;
	parsed: JsonParseResult;
	issues: Array<{ path: string; message: string }>;
	/** The body's digest, when startBodyHash started it. */
	bodyHash: Promise<string | undefined> | undefined;
}

async function unrecognized(
	this: IWebhookFunctions,
	definition: ProviderDefinition,
	received: Received,
	context: UnrecognizedContext,
): Promise<IWebhookResponseData> {
	const res = this.getResponseObject();
	if (received.options.onUnrecognized === 'reject') {
		return reply(res, 400, { error: 'unrecognized payload', issues: context.issues });
	}
	const deliveryKey = context.bodyHash ? await startedBodyKey(context.keyBytes, context.bodyHash) : bodyKey(context.keyBytes);
	const check = recordDelivery(this, received.options, deliveryKey);
	const delivery = check instanceof Promise ? await check : check;
	if (delivery.duplicate) return reply(res, 200, acknowledgement(definition, 'duplicate'));
	if (delivery.busy) return busy(res, delivery.reason);
	// the raw body is what lets a person recover anything: always on this output
	const item = buildItem(received, deliveryKey, {
		output: 'unrecognized',
		reason: context.parsed.ok ? 'body is not a known event' : context.parsed.reason,
		issues: context.issues,
		body: context.parsed.ok ? context.parsed.value : null,
	});
	return startExecution(res, [[], [{ json: item }]], acknowledgement(definition, 'unrecognized'), delivery.recorded);
}
