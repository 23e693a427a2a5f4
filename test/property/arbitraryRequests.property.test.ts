/**
 * Arbitrary requests against every trigger's real webhook(), in both "on unrecognized" modes:
 * binary and non-UTF-8 bodies, deep nesting, huge bodies, `__proto__`/`constructor`/`prototype`
 * keys (also spelled with JSON escapes), arbitrary headers and content types, every kind of
 * authentication, any options. SPEC.md, "What the package must never do".
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import {
	announce,
	anyBody,
	authKind,
	callWebhook,
	captureConsole,
	contentType,
	credentialsFor,
	expectSafeCall,
	extraHeaders,
	fcParams,
	filtersArb,
	freshScope,
	hugeBody,
	MODES,
	optionsArb,
	PREVIOUS,
	requestHeaders,
	runs,
	SECRET,
	TRIGGERS,
} from './support';

const label = announce('test/property/arbitraryRequests.property.test.ts');
jest.setTimeout(300_000);
afterAll(() => resetDedupeStores());

const signEncoding = fc.record({ encoding: fc.constantFrom<'hex' | 'base64' | undefined>(undefined, 'hex', 'base64'), withPrefix: fc.boolean() });

describe(`property: arbitrary requests (${label})`, () => {
	for (const t of TRIGGERS) {
		for (const mode of MODES) {
			describe(`${t.definition.nodeName}, onUnrecognized ${mode}`, () => {
				it(`answers 200, 400 or 401 to anything, never throws, starts nothing unauthenticated, leaks no secret [${runs()} runs]`, async () => {
					const encodings = t.definition.verification.type === 'hmac' ? t.definition.verification.encoding : ['hex'];
					await fc.assert(
						fc.asyncProperty(
							anyBody(t),
							authKind,
							contentType,
							extraHeaders,
							optionsArb(mode),
							filtersArb(t),
							signEncoding.filter((s) => s.encoding === undefined || encodings.includes(s.encoding)),
							async (body, kind, type, extra, options, filters, sign) => {
								const headers = requestHeaders(t, body, kind, type, extra, sign);
								const consoleOut = captureConsole();
								let call;
								try {
									call = await callWebhook(t.node, { body, headers }, { credentials: credentialsFor(t), parameters: { ...filters, options }, staticData: {}, ...freshScope() });
								} finally {
									consoleOut.restore();
								}
								expectSafeCall(call, { mode, secrets: [SECRET, PREVIOUS] }, consoleOut.lines);
								const authenticated = kind === 'current' || kind === 'previous';
								if (!authenticated) {
									expect(call.status).toBe(401);
									expect(call.result.workflowData).toBeUndefined();
								} else if (call.status === 401) {
									// the only 401 an authenticated request may get: the replay guard
									expect((call.body as IDataObject).reason).toBe('event is older than the maximum event age');
									expect(options.maxEventAgeMinutes).toBeGreaterThan(0);
								}
								if (call.status === 400) expect(call.unrecognized.length + call.events.length).toBe(0);
							},
						),
						fcParams(runs()),
					);
				});

				it(`loses no authenticated delivery: one item per request, raw body kept [${runs()} runs]`, async () => {
					await fc.assert(
						fc.asyncProperty(anyBody(t), fc.constantFrom('current', 'previous'), contentType, extraHeaders, async (body, kind, type, extra) => {
							const headers = requestHeaders(t, body, kind as 'current', type, extra);
							const options: IDataObject = { deduplicate: false, includeRawBody: true, ...(mode === 'reject' ? { onUnrecognized: 'reject' } : {}) };
							const call = await callWebhook(t.node, { body, headers }, { credentials: credentialsFor(t), parameters: { options }, staticData: {}, ...freshScope() });
							expectSafeCall(call, { mode, secrets: [SECRET, PREVIOUS] });
							const ping = t.definition.provider === 'tracebuzz' && call.status === 200 && (call.body as IDataObject).ping === true;
							if (ping) {
								expect(call.result.workflowData).toBeUndefined();
								return;
							}
							if (mode === 'route') {
								expect(call.status).toBe(200);
								expect(call.events.length + call.unrecognized.length).toBe(1);
							} else {
								expect([200, 400]).toContain(call.status);
								expect(call.unrecognized).toHaveLength(0);
								expect(call.events).toHaveLength(call.status === 200 ? 1 : 0);
							}
							const item = call.events[0] ?? call.unrecognized[0];
							if (item) expect(item.raw).toBe(body.toString('utf8'));
						}),
						fcParams(runs()),
					);
				});

				it(`survives huge bodies (up to 3 MB) [${runs(0.2)} runs]`, async () => {
					await fc.assert(
						fc.asyncProperty(hugeBody, authKind, async (body, kind) => {
							const headers = requestHeaders(t, body, kind, 'application/json', []);
							const call = await callWebhook(t.node, { body, headers }, { credentials: credentialsFor(t), parameters: { options: { onUnrecognized: mode, includeRawBody: true } }, staticData: {}, ...freshScope() });
							expectSafeCall(call, { mode, secrets: [SECRET, PREVIOUS] });
							if (kind !== 'current' && kind !== 'previous') expect(call.status).toBe(401);
						}),
						fcParams(runs(0.2)),
					);
				});
			});
		}

		describe(`${t.definition.nodeName}, allowed IP addresses`, () => {
			const entry = fc.oneof(
				fc.constantFrom('127.0.0.1', '198.51.100.0/24', '::1', '2001:db8::/32', '::ffff:127.0.0.1', '0.0.0.0/0', '10.0.0.0/8', 'fe80::1%eth0', '::/0'),
				fc.constantFrom('999.1.1.1', '1.2.3.4/33', 'localhost', '::ffff:1.2.3.4/200', '1.2.3', '/24', 'x/y', ':::'),
				fc.string({ maxLength: 12 }),
			);
			const allowList = fc.array(entry, { maxLength: 4 }).chain((entries) => fc.constantFrom(', ', ' ', ';', '\n').map((sep) => entries.join(sep)));
			const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('127.0.0.1', '::1', '::ffff:198.51.100.7', '', 'unknown', '1.2.3.4%x'));

			it(`answers 403 only when the option is set, and then starts nothing [${runs()} runs]`, async () => {
				await fc.assert(
					fc.asyncProperty(allowList, ip, authKind, async (allowedIps, address, kind) => {
						const body = Buffer.from(JSON.stringify(t.definition.examples[0].body));
						const headers = requestHeaders(t, body, kind, 'application/json', []);
						const call = await callWebhook(t.node, { body, headers, ip: address }, { credentials: credentialsFor(t), parameters: { options: { allowedIps } }, staticData: {}, ...freshScope() });
						const set = allowedIps.trim() !== '';
						expectSafeCall(call, { mode: 'route', secrets: [SECRET, PREVIOUS], allowedIps: set });
						if (call.status === 403) expect(call.result.workflowData).toBeUndefined();
					}),
					fcParams(runs()),
				);
			});
		});
	}
});
