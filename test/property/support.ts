/**
 * Shared pieces of the property-based suites (fast-check) over every trigger's real `webhook()`.
 *
 * Reproducible by default: every property runs with one fixed seed, printed once per file and in
 * the describe names. Environment:
 *   FC_SEED=<int>|random   the seed (default below); a failure report also prints seed and path
 *   FC_RUNS=<int>          runs of a standard property (default 25); heavier ones scale from it
 */
import fc from 'fast-check';
import type { IDataObject, INodeType } from 'n8n-workflow';

import { buildSample, sampleSpecs, serialSource } from '../../packages/cli/src/samples';
import { DANGEROUS_KEYS } from '../../nodes/shared/core/json';
import { signRequest, type SignOptions } from '../../nodes/shared/core/sign';
import type { ProviderDefinition } from '../../nodes/shared/definition';
import { PROVIDERS } from '../../nodes/shared/providers';
import { REGISTERED } from '../helpers/registry';
import { callWebhook as callThroughN8n, type FakeNodeInit, type FakeRequestInit, type WebhookCall } from '../helpers/webhookContext';

// ---------------------------------------------------------------------------------------------
// seed and number of runs

export const DEFAULT_SEED = 20261121;
export const DEFAULT_RUNS = 25;

function readSeed(): number {
	const text = process.env.FC_SEED?.trim();
	if (!text) return DEFAULT_SEED;
	if (text === 'random') return (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
	const value = Number(text);
	if (!Number.isInteger(value)) throw new Error(`FC_SEED must be an integer or "random", got "${text}"`);
	return value | 0;
}

function readRuns(): number {
	const text = process.env.FC_RUNS?.trim();
	if (!text) return DEFAULT_RUNS;
	const value = Number(text);
	if (!Number.isInteger(value) || value < 1) throw new Error(`FC_RUNS must be a positive integer, got "${text}"`);
	return value;
}

export const FC_SEED = readSeed();
export const FC_RUNS = readRuns();

/** Runs of a property whose one run costs `weight` standard runs' time (weight < 1: heavier). */
export function runs(weight = 1): number {
	return Math.max(1, Math.round(FC_RUNS * weight));
}

export function fcParams(numRuns: number): fc.Parameters<unknown> {
	// no shrinking deadline: a failing case is reported with seed and path, so it can be replayed
	return { seed: FC_SEED, numRuns, endOnFailure: false };
}

/** Prints the seed once per file, with the line that replays the file. */
export function announce(file: string): string {
	const label = `seed ${FC_SEED}, FC_RUNS ${FC_RUNS}`;
	// eslint-disable-next-line no-console
	console.log(`[property] ${file}: FC_SEED=${FC_SEED} FC_RUNS=${FC_RUNS}  (replay: FC_SEED=${FC_SEED} FC_RUNS=${FC_RUNS} npx jest ${file})`);
	return label;
}

// ---------------------------------------------------------------------------------------------
// the five triggers

export const SECRET = 'pbt-current-Secr3t-7c1f0e9a55';
export const PREVIOUS = 'pbt-previous-Secr3t-4b2d8a61ee';
export const HEADER_NAME = 'X-Hook-Token';

export interface EventSpec {
	event: string;
	channel?: string;
}

export interface Trigger {
	node: INodeType;
	definition: ProviderDefinition;
	/** Every event (and, for Chatzuri, every channel) the provider can send. */
	specs: EventSpec[];
	/** The header that carries the secret or the signature. */
	authHeader: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function trigger(node: INodeType, definition: ProviderDefinition<any>): Trigger {
	const v = definition.verification;
	const authHeader = v.type === 'hmac' ? v.signatureHeader : (v.header ?? HEADER_NAME);
	return { node, definition, specs: sampleSpecs(PROVIDERS[definition.provider]), authHeader };
}

/** Every registered provider's trigger, in the registry's order (test/helpers/registry.ts). */
export const TRIGGERS: Trigger[] = REGISTERED.map(({ node, definition }) => trigger(node, definition));

export const MODES = ['route', 'reject'] as const;
export type Mode = (typeof MODES)[number];

export function isHmac(t: Trigger): boolean {
	return t.definition.verification.type === 'hmac';
}

export function credentialsFor(t: Trigger, secret = SECRET, previous = PREVIOUS, headerName = HEADER_NAME): IDataObject {
	const c = t.definition.credential;
	const data: IDataObject = { [c.secret]: secret, [c.previousSecret]: previous };
	if (c.headerName) data[c.headerName] = headerName;
	return data;
}

/** The provider's authentication headers for these exact bytes, and its own extra headers. */
export function authHeaders(t: Trigger, body: Buffer | string, secret = SECRET, options: SignOptions = {}, headerName = HEADER_NAME): Record<string, string> {
	return signRequest(t.definition.provider, body, { secret, headerName }, options);
}

/** A fresh dedupe scope per call site, so that runs do not see each other's deliveries. */
let scopeCounter = 0;
export function freshScope(): Pick<FakeNodeInit, 'workflowId' | 'nodeId'> {
	scopeCounter += 1;
	return { workflowId: `pbt-wf-${FC_SEED}-${scopeCounter}`, nodeId: `pbt-node-${scopeCounter}` };
}

// ---------------------------------------------------------------------------------------------
// valid, deterministic sample bodies (cli/samples.ts with every random field overridden)

const T0 = Date.UTC(2026, 5, 1, 14, 32, 0);

/**
 * A valid body of `spec`, unique per `n`: same (spec, n), same bytes; other n, another event. The
 * provider's own sample rules (`samples.fresh` of its definition) with a serial source.
 */
export function uniqueSample(provider: string, spec: EventSpec, n: number): Record<string, unknown> {
	return buildSample(provider, spec.event, { channel: spec.channel, source: serialSource(n, 'pbt', new Date(T0)) });
}

// ---------------------------------------------------------------------------------------------
// arbitraries

const ESCAPED = (key: string) => Array.from(key, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** Object keys, with the prototype-reaching ones (also spelled with JSON escapes) often. */
export const jsonKeyText: fc.Arbitrary<string> = fc
	.tuple(
		fc.oneof(
			{ weight: 3, arbitrary: fc.string({ maxLength: 8 }) },
			{
				weight: 3,
				arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '__proto__.polluted', 'constructor.prototype', 'props', 'geoloc.lat', 'toString', 'hasOwnProperty', 'valueOf', 'event', 'type', 'id', 'eventType', 'channel', 'payload', 'data'),
			},
		),
		fc.constantFrom('plain', 'plain', 'underscore', 'all'),
	)
	.map(([key, spelling]) =>
		spelling === 'plain' ? JSON.stringify(key) : spelling === 'underscore' ? `"${JSON.stringify(key).slice(1, -1).replace(/_/g, '\\u005f')}"` : `"${ESCAPED(key)}"`,
	);

const ws = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ');

/** JSON text (not a JS value, so duplicate and `__proto__` keys reach the parser as written). */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; leaf: string; array: string; object: string }>((tie) => ({
	value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
	leaf: fc.oneof(
		fc.constantFrom('null', 'true', 'false', '0', '-0', '1e400', '-1e400', '123456789012345678901234567890', '1.5', '"2026-06-01T14:32:00Z"', '"1663831826"', '""'),
		fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
		fc.integer().map(String),
		fc.string({ unit: 'binary', maxLength: 16 }).map((s) => JSON.stringify(s)),
	),
	array: fc.array(tie('value'), { maxLength: 4 }).chain((xs) => ws.map((w) => `[${w}${xs.join(`,${w}`)}]`)),
	object: fc
		.array(fc.tuple(jsonKeyText, tie('value')), { maxLength: 5 })
		.chain((kvs) => ws.map((w) => `{${w}${kvs.map(([k, v]) => `${k}:${w}${v}`).join(`,${w}`)}}`)),
})).value;

/** Bytes that are not UTF-8: lone continuation bytes, overlong starts, surrogates, cut sequences. */
export const invalidUtf8: fc.Arbitrary<Buffer> = fc
	.array(fc.oneof(fc.constantFrom(0xff, 0xfe, 0xc0, 0xc1, 0x80, 0xbf, 0xed, 0xf5, 0xf8, 0xe2), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 64 })
	.chain((bytes) =>
		fc.constantFrom('alone', 'inString', 'inKey').map((where) => {
			const junk = Buffer.from(bytes);
			if (where === 'alone') return junk;
			if (where === 'inString') return Buffer.concat([Buffer.from('{"event":"'), junk, Buffer.from('","type":"message.received"}')]);
			return Buffer.concat([Buffer.from('{"'), junk, Buffer.from('":1}')]);
		}),
	);

/** Deep nesting, closed or not, through arrays, objects and `__proto__` objects. */
export const deepNesting: fc.Arbitrary<Buffer> = fc
	.record({ depth: fc.integer({ min: 1, max: 50_000 }), opener: fc.constantFrom('[', '{"a":', '{"__proto__":', '{"constructor":{"prototype":'), closed: fc.boolean() })
	.map(({ depth, opener, closed }) => {
		const closer = opener === '[' ? ']' : opener.endsWith('"prototype":') ? '}}' : '}';
		return Buffer.from(opener.repeat(depth) + '1' + (closed ? closer.repeat(depth) : ''));
	});

/** A few MB at most, inside a string or as a run of digits or whitespace. */
export const hugeBody: fc.Arbitrary<Buffer> = fc
	.record({ size: fc.integer({ min: 50_000, max: 3_000_000 }), shape: fc.constantFrom('string', 'number', 'whitespace', 'keys') })
	.map(({ size, shape }) => {
		if (shape === 'string') return Buffer.from(`{"event":"newResult","type":"message.received","x":"${'\u00e9'.repeat(size / 2)}"}`);
		if (shape === 'number') return Buffer.from(`{"id":${'9'.repeat(size)}}`);
		if (shape === 'whitespace') return Buffer.from(`${' '.repeat(size)}{}`);
		return Buffer.from(`{${Array.from({ length: Math.floor(size / 40) }, (_, i) => `"k${i}":${i}`).join(',')}}`);
	});

/** A valid body of the provider's, then damaged: fields replaced, removed, dangerous keys added. */
export function mangledSample(t: Trigger, ops: Array<'replace' | 'delete' | 'inject' | 'injectNested'> = ['replace', 'delete', 'inject', 'injectNested']): fc.Arbitrary<Buffer> {
	return fc
		.record({
			spec: fc.constantFrom(...t.specs),
			n: fc.nat(1_000_000),
			edits: fc.array(
				fc.record({
					op: fc.constantFrom(...ops),
					index: fc.nat(),
					value: jsonText,
					key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
				}),
				{ maxLength: 4 },
			),
			indent: fc.constantFrom(undefined, 2, '\t'),
		})
		.map(({ spec, n, edits, indent }) => {
			let text = JSON.stringify(uniqueSample(t.definition.provider, spec, n), null, indent);
			for (const edit of edits) {
				const value = JSON.parse(text) as Record<string, unknown>;
				const keys = Object.keys(value);
				const key = keys[edit.index % Math.max(1, keys.length)];
				if (edit.op === 'inject' || edit.op === 'injectNested') {
					// text surgery: JSON.stringify would drop an own `__proto__` key set by assignment
					const target = edit.op === 'injectNested' ? /("(?:payload|data|props|agent)"\s*:\s*\{)/ : /^(\s*\{)/;
					const injected = `"${edit.key}":{"polluted":"yes","prototype":{"polluted":"yes"}}`;
					const match = target.exec(text) ?? /^(\s*\{)/.exec(text);
					if (!match) continue;
					const at = match.index + match[0].length;
					// no trailing comma when the object was empty
					text = `${text.slice(0, at)}${injected}${/^\s*\}/.test(text.slice(at)) ? '' : ','}${text.slice(at)}`;
					continue;
				}
				if (key === undefined) continue;
				if (edit.op === 'delete') delete value[key];
				else value[key] = JSON.parse(safeJson(edit.value));
				text = JSON.stringify(value);
			}
			return Buffer.from(text);
		});
}

function safeJson(text: string): string {
	try {
		JSON.parse(text);
		return text;
	} catch {
		return 'null';
	}
}

/** Every kind of body a client can send to a trigger. */
export function anyBody(t: Trigger): fc.Arbitrary<Buffer> {
	return fc.oneof(
		{ weight: 4, arbitrary: mangledSample(t) },
		// valid events with prototype-reaching keys added: they must still be emitted, cleaned
		{ weight: 3, arbitrary: mangledSample(t, ['inject', 'injectNested']) },
		{ weight: 4, arbitrary: jsonText.map((s) => Buffer.from(s)) },
		{ weight: 2, arbitrary: fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)) },
		{ weight: 2, arbitrary: invalidUtf8 },
		{ weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }).map((s) => Buffer.from(s)) },
		{ weight: 1, arbitrary: deepNesting },
		{ weight: 1, arbitrary: fc.constantFrom('', ' ', '\ufeff', '\ufeff{}', 'null', '{}', '[]', '"x"', '{"event":null}', '\u0000').map((s) => Buffer.from(s)) },
	);
}

export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
	undefined,
	'application/json',
	'application/json; charset=utf-8',
	'APPLICATION/JSON',
	'text/plain',
	'application/x-www-form-urlencoded',
	'multipart/form-data; boundary=----x',
	'application/octet-stream',
	'application/xml',
	'',
	'application/json; charset=latin1',
	';;;',
);

const headerName = fc.oneof(
	fc.constantFrom('content-length', 'x-forwarded-for', 'user-agent', '__proto__', 'constructor', 'prototype', 'toString', 'x-api-key', 'x-hook-token', 'x-chatzuri-signature', 'x-buzzbip-signature', 'X-API-KEY', 'Authorization'),
	fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/),
);
const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', ' ', 'sha256=', 'sha1=', '0'.repeat(40), '0'.repeat(64), 'A'.repeat(43) + '=', '\u0000'));

/** Headers a client can add; they come before the authentication headers (which win on a clash). */
export const extraHeaders: fc.Arbitrary<Array<[string, string]>> = fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 });

export type AuthKind = 'current' | 'previous' | 'missing' | 'wrongSecret' | 'garbage' | 'empty';
export const authKind: fc.Arbitrary<AuthKind> = fc.constantFrom('current', 'current', 'current', 'previous', 'missing', 'wrongSecret', 'garbage', 'empty');

/** Headers of a request: a content type, extra ones, then authentication of the given kind. */
export function requestHeaders(t: Trigger, body: Buffer, kind: AuthKind, type: string | undefined, extra: Array<[string, string]>, signOptions: SignOptions = {}): Record<string, string> {
	const headers: Record<string, string> = {};
	if (type !== undefined) headers['content-type'] = type;
	for (const [name, value] of extra) Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
	// extra headers must not carry the auth header: that is what `kind` decides
	for (const name of Object.keys(headers)) if (name.toLowerCase() === t.authHeader.toLowerCase()) delete headers[name];
	if (kind === 'missing') return headers;
	if (kind === 'empty') return { ...headers, [t.authHeader]: '' };
	if (kind === 'garbage') return { ...headers, [t.authHeader]: 'definitely-not-it' };
	const secret = kind === 'current' ? SECRET : kind === 'previous' ? PREVIOUS : 'wrong-secret-0000000000000';
	return { ...headers, ...authHeaders(t, body, secret, signOptions) };
}

// ---------------------------------------------------------------------------------------------
// invariants

const PROTOTYPES: Array<[string, object]> = [
	['Object.prototype', Object.prototype],
	['Array.prototype', Array.prototype],
	['Function.prototype', Function.prototype],
	['String.prototype', String.prototype],
	['Number.prototype', Number.prototype],
	['Boolean.prototype', Boolean.prototype],
];

const describeProto = (p: object) => [...Reflect.ownKeys(p).map(String).sort(), `proto:${String(Object.getPrototypeOf(p) === null ? 'null' : Object.getPrototypeOf(p) === Object.prototype ? 'Object' : 'other')}`].join(',');
const PROTO_SNAPSHOT = PROTOTYPES.map(([name, p]) => [name, describeProto(p)] as const);

/** Built-in prototypes are exactly as at load time, and a fresh object sees nothing new. */
export function expectPrototypesClean(): void {
	for (const [index, [name, p]] of PROTOTYPES.entries()) {
		const now = describeProto(p);
		if (now !== PROTO_SNAPSHOT[index][1]) throw new Error(`${name} changed: ${now}`);
	}
	const probe = {} as Record<string, unknown>;
	for (const key of ['polluted', 'isAdmin', 'x']) if (probe[key] !== undefined || ([] as unknown as Record<string, unknown>)[key] !== undefined) throw new Error(`a fresh object sees "${key}"`);
}

/** Every key and string inside a value, walked without recursion (bodies can nest deeply). */
function* stringsIn(value: unknown): Generator<string> {
	const stack: unknown[] = [value];
	const seen = new Set<object>();
	while (stack.length > 0) {
		const node = stack.pop();
		if (typeof node === 'string') yield node;
		else if (node !== null && typeof node === 'object' && !seen.has(node)) {
			seen.add(node);
			for (const key of Object.keys(node)) {
				yield key;
				stack.push((node as Record<string, unknown>)[key]);
			}
		}
	}
}

/** Items have plain prototypes everywhere and no prototype-reaching own keys. */
function expectPlainItem(item: unknown): void {
	const stack: unknown[] = [item];
	const seen = new Set<object>();
	while (stack.length > 0) {
		const node = stack.pop();
		if (node === null || typeof node !== 'object' || seen.has(node)) continue;
		seen.add(node);
		const proto = Object.getPrototypeOf(node);
		if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) throw new Error(`an item holds an object whose prototype is not plain`);
		for (const key of Object.keys(node)) {
			if (DANGEROUS_KEYS.has(key)) throw new Error(`an item holds an own "${key}" key`);
			stack.push((node as Record<string, unknown>)[key]);
		}
	}
}

export interface Expectation {
	mode: Mode;
	/** Strings that must appear nowhere in the answer, the items or the logs. */
	secrets: string[];
	/** Whether the allowedIps option is set (only then may 403 appear). */
	allowedIps?: boolean;
}

/**
 * What SPEC.md's "must never" says of any single call: the answer is 200, 400 (reject mode) or
 * 401 (403 only with an allow-list); nothing but 200 starts an execution; at most one item; no
 * secret anywhere the caller or the workflow can see; no prototype changed.
 */
export function expectSafeCall(call: WebhookCall, expectation: Expectation, consoleOutput: string[] = []): void {
	const allowed = [200, 401, ...(expectation.mode === 'reject' ? [400] : []), ...(expectation.allowedIps ? [403] : [])];
	if (!allowed.includes(call.status as number)) throw new Error(`status ${call.status} is not one of ${allowed.join(', ')} (body ${JSON.stringify(call.body)})`);
	// a request that starts an execution is answered by n8n (webhookResponse) once the run is stored;
	// every other one by the trigger itself
	const startsRun = call.result.workflowData !== undefined;
	if (startsRun ? call.result.noWebhookResponse === true || call.result.webhookResponse === undefined : call.result.noWebhookResponse !== true) {
		throw new Error(startsRun ? 'a delivery was answered before n8n stored its execution' : 'the trigger did not answer a request that starts nothing');
	}
	if (call.body === undefined) throw new Error('no response body was sent');
	const items = [...call.events, ...call.unrecognized];
	if (call.status !== 200 && call.result.workflowData !== undefined) throw new Error(`a ${call.status} answer started an execution`);
	if (items.length > 1) throw new Error(`one request produced ${items.length} items`);
	if (call.status === 401 && (call.body as IDataObject).error !== 'unauthorized') throw new Error(`a 401 without error "unauthorized": ${JSON.stringify(call.body)}`);
	for (const item of items) expectPlainItem(item);
	const answer = JSON.stringify(call.body);
	for (const secret of expectation.secrets) {
		if (secret === '') continue;
		if (answer.includes(secret)) throw new Error(`the answer contains a secret: ${answer}`);
		for (const line of [...call.logs, ...consoleOutput]) if (line.includes(secret)) throw new Error(`a log line contains a secret: ${line}`);
		for (const item of items) for (const text of stringsIn(item)) if (text.includes(secret)) throw new Error(`an item contains a secret (in "${text.slice(0, 120)}")`);
	}
	expectPrototypesClean();
}

/** Captures console output while a property runs (the pipeline must not print secrets there either). */
export function captureConsole(): { lines: string[]; restore(): void } {
	const lines: string[] = [];
	const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
	const originals = methods.map((m) => console[m]);
	for (const m of methods) (console as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => lines.push(args.map(String).join(' '));
	return {
		lines,
		restore: () => methods.forEach((m, i) => ((console as unknown as Record<string, unknown>)[m] = originals[i])),
	};
}

/**
 * A request as n8n 2.41.1 hands it to the trigger. Two kinds never reach the trigger's checks with
 * their bytes: a body that does not parse as the JSON (or XML) its Content-Type announces (n8n
 * answers 422 itself) and a multipart body (n8n's form parser consumes it: the trigger answers
 * that it cannot read it). Both answers are checked here; then the same bytes are sent again
 * without a Content-Type, as a client may send anything, so that what the properties assert is
 * still asserted of the trigger for every generated body.
 */
export async function callWebhook(node: INodeType, request: FakeRequestInit, init: FakeNodeInit = {}): Promise<WebhookCall> {
	const call = await callThroughN8n(node, request, init);
	const contentTypeName = Object.keys(request.headers ?? {}).find((name) => name.toLowerCase() === 'content-type');
	if (contentTypeName === undefined || request.unreadable) return call;
	const multipart = /^\s*multipart\/form-data\s*(;|$)/i.test(request.headers![contentTypeName]);
	if (!call.refusedByN8n && !multipart) return call;
	if (call.result.workflowData !== undefined || call.events.length + call.unrecognized.length !== 0) throw new Error('a request n8n does not hand over with its bytes started an execution');
	if (call.refusedByN8n) {
		if (call.status !== 422) throw new Error(`n8n refused a body with ${call.status}, not 422`);
	} else if (![400, 401].includes(call.status as number)) {
		throw new Error(`a multipart body the trigger cannot read was answered ${call.status} (${JSON.stringify(call.body)}), not 400 or 401`);
	}
	const headers = { ...request.headers };
	delete headers[contentTypeName];
	return callThroughN8n(node, { ...request, headers }, init);
}

// ---------------------------------------------------------------------------------------------
// node parameters

/** Any combination of the trigger's options, with `onUnrecognized` as the mode says. */
export function optionsArb(mode: Mode): fc.Arbitrary<IDataObject> {
	return fc
		.record(
			{
				includeRawBody: fc.boolean(),
				includeHeaders: fc.boolean(),
				deduplicate: fc.boolean(),
				dedupeWindowHours: fc.constantFrom(0, 0.1, 1, 96, 1e6, -5),
				dedupeMaxEntries: fc.constantFrom(1, 100, 10_000),
				maxEventAgeMinutes: fc.constantFrom(0, 5, 1e9),
				defaultMode: fc.boolean(),
			},
			{ requiredKeys: ['defaultMode'] },
		)
		.map(({ defaultMode, ...options }) => (mode === 'route' && defaultMode ? options : { ...options, onUnrecognized: mode }) as IDataObject);
}

/** Any selection of events and of the provider's own filters (channels, objects, states, own messages). */
export function filtersArb(t: Trigger): fc.Arbitrary<IDataObject> {
	const params: Record<string, fc.Arbitrary<unknown>> = { events: fc.subarray(t.definition.events.map((e) => e.value)) };
	for (const filter of t.definition.filters ?? []) {
		const p = filter.parameter;
		params[p.name] = p.type === 'boolean' ? fc.boolean() : fc.subarray((p.options ?? []).map((o) => (o as { value: string }).value));
	}
	return fc.record(params, { requiredKeys: [] }) as fc.Arbitrary<IDataObject>;
}
