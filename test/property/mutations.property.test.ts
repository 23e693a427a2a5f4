/**
 * Every single-byte mutation class of a valid signed request, for every event (and Chatzuri
 * channel) of every trigger, in both "on unrecognized" modes:
 *   - the body: one byte replaced, one bit flipped, one byte inserted, one byte deleted;
 *   - the signature / secret header's value: one character replaced, inserted or deleted;
 *   - the auth header's name: one character replaced, inserted or deleted.
 * HMAC providers sign the body, so a changed body is 401 (Chatzuri also accepts a signature over
 * JSON.stringify(JSON.parse(body)): a mutation that keeps that re-serialization is genuine).
 * Header-secret providers do not sign the body: a changed body is still authenticated, and must
 * then be handled (200 or the unrecognized output, 400 when rejecting), never crash.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { prepareRequest } from '../../packages/cli/src/send';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { hmacDigest } from '../../nodes/shared/core/verify';
import {
	announce,
	callWebhook,
	credentialsFor,
	expectSafeCall,
	fcParams,
	freshScope,
	HEADER_NAME,
	isHmac,
	MODES,
	PREVIOUS,
	runs,
	SECRET,
	TRIGGERS,
	uniqueSample,
	type Mode,
	type Trigger,
} from './support';

const label = announce('test/property/mutations.property.test.ts');
jest.setTimeout(300_000);
afterAll(() => resetDedupeStores());

interface Signed {
	text: string;
	headers: Record<string, string>;
	authName: string;
}

/** A genuine request as cli/send.ts builds it: one of the provider's events, signed with the current or previous secret. */
function signedRequest(t: Trigger): fc.Arbitrary<Signed> {
	const v = t.definition.verification;
	const encodings = v.type === 'hmac' ? v.encoding : ['hex' as const];
	return fc
		.record({
			spec: fc.constantFrom(...t.specs),
			n: fc.nat(1_000_000),
			indent: fc.constantFrom(undefined, undefined, 2),
			secret: fc.constantFrom(SECRET, SECRET, PREVIOUS),
			encoding: fc.constantFrom(...encodings),
			withPrefix: fc.boolean(),
		})
		.map(({ spec, n, indent, secret, encoding, withPrefix }) => {
			const text = JSON.stringify(uniqueSample(t.definition.provider, spec, n), null, indent);
			const request = prepareRequest(t.definition.provider, text, { url: 'http://localhost/webhook', secret, headerName: HEADER_NAME, encoding, withPrefix });
			const authName = Object.keys(request.headers).find((name) => name.toLowerCase() === t.authHeader.toLowerCase())!;
			return { text: request.body, headers: request.headers, authName };
		});
}

const options = fc.record({ includeHeaders: fc.boolean(), includeRawBody: fc.boolean() });

function parameters(mode: Mode, extra: IDataObject): IDataObject {
	return { options: { ...extra, ...(mode === 'reject' ? { onUnrecognized: 'reject' } : {}) } };
}

type ByteMutation = { kind: 'replace'; at: number; byte: number } | { kind: 'flip'; at: number; bit: number } | { kind: 'insert'; at: number; byte: number } | { kind: 'delete'; at: number };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
	fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
	fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
	fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x20, 0x0a, 0x09, 0x0d, 0x7b, 0x22, 0x2c)) }),
	fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
);

/** The mutated bytes, or undefined when the mutation would leave them unchanged. */
function mutateBytes(source: Buffer, m: ByteMutation): Buffer | undefined {
	const at = m.kind === 'insert' ? m.at % (source.length + 1) : m.at % source.length;
	let out: Buffer;
	if (m.kind === 'replace') {
		out = Buffer.from(source);
		out[at] = m.byte;
	} else if (m.kind === 'flip') {
		out = Buffer.from(source);
		out[at] ^= 1 << m.bit;
	} else if (m.kind === 'insert') out = Buffer.concat([source.subarray(0, at), Buffer.from([m.byte]), source.subarray(at)]);
	else out = Buffer.concat([source.subarray(0, at), source.subarray(at + 1)]);
	return out.equals(source) ? undefined : out;
}

type CharMutation = { kind: 'replace' | 'insert'; at: number; char: string } | { kind: 'delete'; at: number };
const charPool = fc.oneof(
	fc.constantFrom(...'0123456789abcdefABCDEF=+/-_ \t'.split('')),
	fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
	fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const charMutation: fc.Arbitrary<CharMutation> = fc.oneof(
	fc.record({ kind: fc.constantFrom('replace' as const, 'insert' as const), at: fc.nat(), char: charPool }),
	fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
);

function mutateText(source: string, m: CharMutation): string {
	const chars = Array.from(source);
	const at = m.kind === 'insert' ? m.at % (chars.length + 1) : m.at % chars.length;
	if (m.kind === 'replace') chars[at] = m.char;
	else if (m.kind === 'insert') chars.splice(at, 0, m.char);
	else chars.splice(at, 1);
	return chars.join('');
}

/** Whether `value` denotes this digest in a way the spec allows (hex any case, base64, optional prefix, surrounding spaces). */
function denotes(t: Trigger, value: string, digest: Buffer): boolean {
	const v = t.definition.verification;
	if (v.type !== 'hmac') return false;
	let text = value.trim();
	if (v.prefix && text.toLowerCase().startsWith(v.prefix.toLowerCase())) text = text.slice(v.prefix.length);
	if (/^[0-9a-fA-F]+$/.test(text) && Buffer.from(text, 'hex').equals(digest)) return true;
	if (v.encoding.includes('base64') && /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
		return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').equals(digest);
	}
	return false;
}

function digestOf(t: Trigger, bytes: Buffer | string, secret: string): Buffer {
	const v = t.definition.verification;
	if (v.type !== 'hmac') throw new Error('not an HMAC provider');
	return hmacDigest(v.algorithm, secret, bytes);
}

/** What a 401 to a forged request must never reveal: the secrets and the signatures it should have carried. */
function forgedSecrets(t: Trigger, body: Buffer): string[] {
	if (!isHmac(t)) return [SECRET, PREVIOUS];
	const expected = [SECRET, PREVIOUS].map((secret) => digestOf(t, body, secret));
	return [SECRET, PREVIOUS, ...expected.flatMap((d) => [d.toString('hex'), d.toString('base64').replace(/=+$/, '')])];
}

function reserialized(bytes: Buffer): string | undefined {
	try {
		return JSON.stringify(JSON.parse(bytes.toString('utf8')));
	} catch {
		return undefined;
	}
}

describe(`property: single-byte mutations of a valid signed request (${label})`, () => {
	for (const t of TRIGGERS) {
		for (const mode of MODES) {
			describe(`${t.definition.nodeName}, onUnrecognized ${mode}`, () => {
				it(`the unmutated request is accepted once [${runs()} runs]`, async () => {
					await fc.assert(
						fc.asyncProperty(signedRequest(t), options, async (request, extra) => {
							const call = await callWebhook(t.node, { body: request.text, headers: request.headers }, { credentials: credentialsFor(t), parameters: parameters(mode, extra), staticData: {}, ...freshScope() });
							expectSafeCall(call, { mode, secrets: [SECRET, PREVIOUS] });
							expect(call.status).toBe(200);
							expect(call.events).toHaveLength(1);
						}),
						fcParams(runs()),
					);
				});

				it(`one byte of the body replaced, flipped, inserted or deleted: ${isHmac(t) ? '401 (unless the re-serialization is the signed text, Chatzuri)' : 'not signed, so handled: 200/400, never 401, never a crash'} [${runs(2)} runs]`, async () => {
					await fc.assert(
						fc.asyncProperty(signedRequest(t), byteMutation, options, async (request, mutation, extra) => {
							const original = Buffer.from(request.text);
							const body = mutateBytes(original, mutation);
							fc.pre(body !== undefined);
							const call = await callWebhook(t.node, { body: body!, headers: request.headers }, { credentials: credentialsFor(t), parameters: parameters(mode, extra), staticData: {}, ...freshScope() });
							const v = t.definition.verification;
							if (v.type === 'hmac') {
								const genuine = v.signedPayload === 'rawBodyOrReserialized' && reserialized(body!) === request.text;
								if (genuine) {
									expectSafeCall(call, { mode, secrets: [SECRET, PREVIOUS] });
									expect(call.status).toBe(200);
									return;
								}
								expectSafeCall(call, { mode, secrets: forgedSecrets(t, body!) });
								expect(call.status).toBe(401);
								expect((call.body as IDataObject).reason).toBe('signature mismatch');
								expect(call.result.workflowData).toBeUndefined();
							} else {
								expectSafeCall(call, { mode, secrets: [SECRET, PREVIOUS] });
								expect(call.status).not.toBe(401);
								if (mode === 'route') {
									expect(call.status).toBe(200);
									const ping = (call.body as IDataObject).ping === true;
									expect(call.events.length + call.unrecognized.length).toBe(ping ? 0 : 1);
								} else {
									expect(call.events.length).toBe(call.status === 200 && (call.body as IDataObject).ping !== true ? 1 : 0);
								}
							}
						}),
						fcParams(runs(2)),
					);
				});

				it(`one character of the ${isHmac(t) ? 'signature' : 'secret'} header's value replaced, inserted or deleted: 401 [${runs(2)} runs]`, async () => {
					await fc.assert(
						fc.asyncProperty(signedRequest(t), charMutation, options, async (request, mutation, extra) => {
							const sent = request.headers[request.authName];
							const value = mutateText(sent, mutation);
							fc.pre(value !== sent);
							const headers = { ...request.headers, [request.authName]: value };
							const call = await callWebhook(t.node, { body: request.text, headers }, { credentials: credentialsFor(t), parameters: parameters(mode, extra), staticData: {}, ...freshScope() });
							const body = Buffer.from(request.text);
							if (isHmac(t)) {
								// hex in any case, surrounding spaces, base64 padding: the same digest, still genuine
								const same = [SECRET, PREVIOUS].some((secret) => denotes(t, value, digestOf(t, body, secret)));
								if (same) {
									expectSafeCall(call, { mode, secrets: [SECRET, PREVIOUS] });
									return;
								}
							} else if (value.trim() === sent) {
								// HTTP strips surrounding whitespace from header values: not a real mutation
								return;
							}
							expectSafeCall(call, { mode, secrets: forgedSecrets(t, body) });
							expect(call.status).toBe(401);
							expect(call.result.workflowData).toBeUndefined();
						}),
						fcParams(runs(2)),
					);
				});

				it(`one character of the auth header's name replaced, inserted or deleted: 401 [${runs()} runs]`, async () => {
					const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'*+-.^_`|~'.split(''));
					const nameMutation: fc.Arbitrary<CharMutation> = fc.oneof(
						fc.record({ kind: fc.constantFrom('replace' as const, 'insert' as const), at: fc.nat(), char: tokenChar }),
						fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
					);
					await fc.assert(
						fc.asyncProperty(signedRequest(t), nameMutation, options, async (request, mutation, extra) => {
							const name = mutateText(request.authName, mutation);
							fc.pre(name !== '' && name.toLowerCase() !== request.authName.toLowerCase());
							const headers: Record<string, string> = {};
							for (const [key, value] of Object.entries(request.headers)) headers[key === request.authName ? name : key] = value;
							const call = await callWebhook(t.node, { body: request.text, headers }, { credentials: credentialsFor(t), parameters: parameters(mode, extra), staticData: {}, ...freshScope() });
							expectSafeCall(call, { mode, secrets: forgedSecrets(t, Buffer.from(request.text)) });
							expect(call.status).toBe(401);
							// a header name the user chose: one reason for missing and wrong (F11)
							expect(String((call.body as IDataObject).reason)).toMatch(t.authHeader === HEADER_NAME ? /^authentication header missing or does not match$/ : /^missing /);
							expect(call.result.workflowData).toBeUndefined();
						}),
						fcParams(runs()),
					);
				});
			});
		}
	}
});
