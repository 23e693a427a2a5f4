/**
 * The request pipeline of SPEC.md, for any host: authenticate, parse and validate, filter,
 * deduplicate, emit. It reads nothing of the host but what `DeliveryHost` hands it, and answers
 * nothing itself: it says what to answer (`Outcome`), and the host (n8n's webhook trigger in
 * nodes/shared/pipeline.ts, Node-RED's nodes in packages/node-red) writes it out and starts the
 * run. Nothing a client sends makes it throw: an unexpected failure after authentication still
 * hands the delivery to the Unrecognized output.
 */
import type { DescribedEvent, EventFilter, ProviderDefinition } from '../definition';
import type { TriggerOptions } from '../options';
import type { DeliveryCheck, Recorded } from './record';
import { bodyKey, bodyKeyOfDigest } from './deliveryKey';
import { OFF_THREAD_HASH_BYTES, sha256HexOffMainThread } from './hash';
import { redactHeaders, type HeaderBag } from './headers';
import { isAllowed, parseAllowList, type AllowListResult } from './ipAllowList';
import { parseJsonSafely, type JsonParseResult } from './json';
import { isoOfMs } from './time';
import { verifyRequest, type Secrets } from './verify';

const MINUTE_MS = 60_000;

type Json = Record<string, unknown>;

/** One request, as the host received it. */
export interface DeliveryRequest {
	headers: HeaderBag;
	/**
	 * The body's exact bytes: a Buffer when the host has them already (then no turn of the event
	 * loop is spent), else a function that reads them; undefined when they cannot be had.
	 */
	rawBody: Buffer | (() => Promise<Buffer | undefined>);
	/** When it arrived (Unix ms). */
	receivedAtMs: number;
	/** The caller's address, for Allowed IP Addresses. */
	sourceAddress(): string | undefined;
}

/** What the pipeline asks of its host. */
export interface DeliveryHost {
	options: TriggerOptions;
	/** The node's secrets (see `credentialSecrets`); rejects when no credential is set. */
	secrets(): Promise<Secrets> | Secrets;
	/** The Events parameter: a list of names, or comma-separated names; none: every event. */
	events(): unknown;
	/** The current value of a provider filter's parameter. */
	filterValue(filter: EventFilter<unknown>): unknown;
	/** Records the delivery key (see core/record.ts): new, duplicate, or busy. */
	record(key: string): DeliveryCheck | Promise<DeliveryCheck>;
	/** One node (and provider) of the host: what the large-body hint is kept by. */
	hintKey(): string;
	warn(message: string): void;
	error(message: string): void;
}

/** What the host is to do with a request. */
export type Outcome =
	/** Answer this, start nothing. `rejected`: a 401 of authentication, with its reason (the host logs it). */
	| { kind: 'reply'; status: number; body: Json; headers?: Record<string, string>; rejected?: string }
	/**
	 * Start a run with `item` on output 0 (Event) or 1 (Unrecognized), then answer 200 with
	 * `acknowledgement`; `recorded` (when deduplicating) is persisted once the run is safely
	 * started and settled with the status of the answer. `failed`: the Unrecognized item of a
	 * defect of ours.
	 */
	| { kind: 'emit'; output: 0 | 1; item: Json; acknowledgement: Json; recorded?: Recorded; failed?: boolean };

function reply(status: number, body: Json): Outcome {
	return { kind: 'reply', status, body };
}

/** A 401 that starts nothing, with the reason (never a secret); the host logs it, rate-limited. */
function rejected(reason: string): Outcome {
	return { kind: 'reply', status: 401, body: { error: 'unauthorized', reason }, rejected: reason };
}

/**
 * A copy of a delivery the host has still not stored after a while: 503, which every provider
 * retries, rather than a "duplicate" that would lose the event if the host then failed to store the first.
 */
const BUSY_BODY = { error: 'busy', reason: 'an earlier delivery of this event is still being stored: retry later' };
function busy(): Outcome {
	return { kind: 'reply', status: 503, body: { ...BUSY_BODY }, headers: { 'Retry-After': '5' } };
}

/** The body of a 200 answer: the provider's fixed one (Chatzuri), else `{ status, ...extra }`. */
export function acknowledgement(definition: ProviderDefinition, status: string, extra?: Json): Json {
	if (definition.acknowledgement) return { ...definition.acknowledgement };
	return extra === undefined ? { status } : { status, ...extra };
}

export const UNREADABLE_BODY = 'request body could not be read (multipart bodies are not supported)';

/** A credential field as text; any other value (a number, an object, an array) is no secret at all. */
function credentialText(credentials: Json, field: string | undefined): string {
	const value = field === undefined ? undefined : credentials[field];
	return typeof value === 'string' ? value : '';
}

/** The secrets of a credential whose fields are named as the definition's `credential` names them. */
export function credentialSecrets(credentials: Json, definition: ProviderDefinition): Secrets {
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
function buildItem(received: Received, deliveryKey: string, content: ItemContent): Json {
	const item: Json = { provider: received.provider };
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
	if (content.output === 'event') item.data = content.described.data;
	else item.body = content.body;
	if (content.output === 'unrecognized' || received.options.includeRawBody) item.raw = received.text;
	if (received.options.includeHeaders) item.headers = redactHeaders(received.headers, received.secretHeaders);
	return item;
}

const NO_SECRET_HEADERS: string[] = [];

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

interface UnrecognizedContext {
	/** The bytes the body key hashes (see handleWebhook). */
	keyBytes: Buffer;
	parsed: JsonParseResult;
	issues: Array<{ path: string; message: string }>;
	/** The body's digest, when startBodyHash started it. */
	bodyHash: Promise<string | undefined> | undefined;
}

const NO_BODY = Buffer.alloc(0);

/**
 * The request pipeline of SPEC.md: authenticate, parse and validate, filter, deduplicate, emit.
 * Never throws for anything a client sends.
 */
export async function processDelivery(definition: ProviderDefinition, request: DeliveryRequest, host: DeliveryHost): Promise<Outcome> {
	const { headers, receivedAtMs } = request;
	const options = host.options;

	// 0. where the request comes from
	if (options.allowedIps && options.allowedIps.trim() !== '') {
		const allowList = allowListOf(options.allowedIps);
		if (!allowList.ok) {
			host.warn(`${definition.displayName} Trigger: the Allowed IP Addresses option has entries it cannot read (${allowList.invalid.join(', ')}); refusing every request until it is fixed`);
			return reply(403, { error: 'forbidden', reason: 'allowed addresses option is invalid' });
		}
		if (!isAllowed(request.sourceAddress(), allowList.ranges)) {
			return reply(403, { error: 'forbidden', reason: 'source address not allowed' });
		}
	}

	// 1. authenticate, over the exact bytes received
	let secrets: Secrets;
	try {
		secrets = await host.secrets();
	} catch {
		return rejected('no credential is set on the trigger');
	}
	const verification = definition.verification;
	// a header secret needs no body: checked before the body is read
	if (verification.type === 'header') {
		const verdict = verifyRequest(verification, { rawBody: NO_BODY, headers }, secrets);
		if (!verdict.ok) return rejected(verdict.reason);
	}
	// a host that has read the body already: no await (and no turn of the event loop) then
	const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody : await request.rawBody();
	if (rawBody === undefined) {
		// an HMAC over bytes that cannot be had cannot be checked
		if (verification.type === 'hmac') return rejected(`${UNREADABLE_BODY}: its signature cannot be verified`);
		return reply(400, { error: 'unreadable body', reason: UNREADABLE_BODY });
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
		if (!verdict.ok) return rejected(verdict.reason);
	}

	// What the delivery key of an event without a signed id hashes: the bytes, or, for a scheme that
	// accepts a signature over the re-serialization, that canonical form (whitespace, escapes,
	// number spellings and repeated keys of one signed body then give one key, whichever bytes
	// were signed; the bytes when the body is not JSON), known once the body is parsed.
	let keyBytes = rawBody;
	// the hint is kept and read for large bodies only
	const hintKey = rawBody.length >= OFF_THREAD_HASH_BYTES ? host.hintKey() : undefined;
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
		if (pingAnswer) return reply(200, pingAnswer);
		const validated = parsed.ok ? definition.schema.safeParse(parsed.value) : undefined;
		if (!validated || !validated.success) {
			const issues = validated
				? validated.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
				: [{ path: '', message: (parsed as { reason: string }).reason }];
			return await unrecognized(definition, received, host, { keyBytes, parsed, issues, bodyHash });
		}
		const body = validated.data;
		const described = definition.describe(body, headers);
		// an id the signature does not cover (an unsigned header) names the event, but does not key
		// it: a replay of the signed body with a new id must still be a duplicate
		const keyedById = described.eventId !== null && described.eventIdSigned !== false;
		rememberHadEventId(hintKey, keyedById);

		// 3. filter
		if (!eventSelected(host.events(), described.event)) {
			return reply(200, acknowledgement(definition, 'ignored', { reason: 'event not selected' }));
		}
		if (definition.filters) {
			for (const filter of definition.filters) {
				if (!filter.accepts(host.filterValue(filter), body)) return reply(200, acknowledgement(definition, 'ignored', { reason: `${filter.parameter.displayName.toLowerCase()} not selected` }));
			}
		}
		if (options.maxEventAgeMinutes && options.maxEventAgeMinutes > 0 && described.occurredAt) {
			const age = receivedAtMs - Date.parse(described.occurredAt);
			if (age > options.maxEventAgeMinutes * MINUTE_MS) return reply(401, { error: 'unauthorized', reason: 'event is older than the maximum event age' });
		}

		// 4. deduplicate
		deliveryKey = keyedById ? described.eventId! : bodyHash ? await startedBodyKey(keyBytes, bodyHash) : bodyKey(keyBytes);
		const check = host.record(deliveryKey);
		const delivery = check instanceof Promise ? await check : check;
		if (delivery.duplicate) return reply(200, acknowledgement(definition, 'duplicate'));
		if (delivery.busy) return busy();

		// 5. emit
		const item = buildItem(received, deliveryKey, { output: 'event', described });
		return { kind: 'emit', output: 0, item, acknowledgement: acknowledgement(definition, 'received'), recorded: delivery.recorded };
	} catch (error) {
		// a defect of ours, not of the request: keep the delivery, on the Unrecognized output
		host.error(`${definition.displayName} Trigger could not process an authenticated delivery: ${(error as Error).message}`);
		const item = buildItem(received, deliveryKey ?? bodyKey(keyBytes), {
			output: 'unrecognized',
			reason: 'processing failed',
			issues: [{ path: '', message: (error as Error).message }],
			body: null,
		});
		return { kind: 'emit', output: 1, item, acknowledgement: acknowledgement(definition, 'unrecognized'), failed: true };
	}
}

async function unrecognized(definition: ProviderDefinition, received: Received, host: DeliveryHost, context: UnrecognizedContext): Promise<Outcome> {
	if (received.options.onUnrecognized === 'reject') {
		return reply(400, { error: 'unrecognized payload', issues: context.issues });
	}
	const deliveryKey = context.bodyHash ? await startedBodyKey(context.keyBytes, context.bodyHash) : bodyKey(context.keyBytes);
	const check = host.record(deliveryKey);
	const delivery = check instanceof Promise ? await check : check;
	if (delivery.duplicate) return reply(200, acknowledgement(definition, 'duplicate'));
	if (delivery.busy) return busy();
	// the raw body is what lets a person recover anything: always on this output
	const item = buildItem(received, deliveryKey, {
		output: 'unrecognized',
		reason: context.parsed.ok ? 'body is not a known event' : context.parsed.reason,
		issues: context.issues,
		body: context.parsed.ok ? context.parsed.value : null,
	});
	return { kind: 'emit', output: 1, item, acknowledgement: acknowledgement(definition, 'unrecognized'), recorded: delivery.recorded };
}
