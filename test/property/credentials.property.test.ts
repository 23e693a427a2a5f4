/**
 * Whatever the credential holds (any secret, a header name in any spelling, an empty or missing
 * secret), the trigger fails closed, never throws, and no secret reaches a response, an item
 * (also with "include headers" and "include raw body" on) or a log line.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { testCredential } from '../../nodes/shared/createTrigger';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { signWith } from '../../nodes/shared/core/sign';
import {
	announce,
	callWebhook,
	captureConsole,
	expectSafeCall,
	fcParams,
	freshScope,
	MODES,
	runs,
	TRIGGERS,
	uniqueSample,
	type Trigger,
} from './support';

const label = announce('test/property/credentials.property.test.ts');
jest.setTimeout(300_000);
afterAll(() => resetDedupeStores());

/** Distinctive secrets, so that "the output contains it" cannot happen by chance. */
const secretArb = fc
	.tuple(fc.constantFrom('Sx', 'whsec_', 'key-', 'Ω'), fc.string({ unit: 'grapheme-ascii', minLength: 12, maxLength: 40 }))
	.map(([head, tail]) => `${head}${tail}`)
	.filter((s) => s.trim() === s);

/** A header name as a person may type it into the credential: any token, any case, spaces around. */
const headerNameArb = fc
	.tuple(
		fc.oneof(
			fc.constantFrom('X-Hook-Token', 'x-api-key', 'Authorization', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype', 'content-type', 'X-Tracebuzz-Secret'),
			fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/),
		),
		fc.constantFrom('', ' ', '  ', '\t'),
		fc.constantFrom('', ' ', '\t', '\n'),
	)
	.map(([name, before, after]) => ({ typed: `${before}${name}${after}`, name }));

function credentials(t: Trigger, secret: string, previous: string, headerName?: string): IDataObject {
	const c = t.definition.credential;
	const data: IDataObject = { [c.secret]: secret, [c.previousSecret]: previous };
	if (c.headerName) data[c.headerName] = headerName;
	return data;
}

describe(`property: credentials and secrets (${label})`, () => {
	for (const t of TRIGGERS) {
		const custom = t.definition.credential.headerName !== undefined;
		for (const mode of MODES) {
			it(`${t.definition.nodeName} (${mode}): any secret${custom ? ' and any header name a credential test accepts' : ''}: genuine requests pass, no output carries the secret, with headers and raw body included [${runs()} runs]`, async () => {
				await fc.assert(
					fc.asyncProperty(
						secretArb,
						secretArb,
						headerNameArb,
						fc.constantFrom(...t.specs),
						fc.nat(1_000_000),
						fc.boolean(),
						fc.constantFrom('same', 'lower', 'upper'),
						async (secret, previous, header, spec, n, usePrevious, caseOfName) => {
							fc.pre(secret !== previous && !secret.includes(previous) && !previous.includes(secret));
							const creds = credentials(t, secret, previous, header.typed);
							// only credentials that n8n's credential test accepts
							fc.pre(testCredential(t.definition, creds as Parameters<typeof testCredential>[1]).status === 'OK');
							const text = JSON.stringify(uniqueSample(t.definition.provider, spec, n));
							const auth = signWith(t.definition.verification, text, { secret: usePrevious ? previous : secret, headerName: header.name });
							const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': 'abc' };
							for (const [name, value] of Object.entries(auth)) Object.defineProperty(headers, caseOfName === 'lower' ? name.toLowerCase() : caseOfName === 'upper' ? name.toUpperCase() : name, { value, enumerable: true, writable: true, configurable: true });
							const options = { includeHeaders: true, includeRawBody: true, ...(mode === 'reject' ? { onUnrecognized: 'reject' } : {}) };
							const out = captureConsole();
							let call;
							try {
								call = await callWebhook(t.node, { body: text, headers }, { credentials: creds, parameters: { options }, staticData: {}, ...freshScope() });
							} finally {
								out.restore();
							}
							expectSafeCall(call, { mode, secrets: [secret, previous] }, out.lines);
							expect(call.status).toBe(200);
							expect(call.events).toHaveLength(1);
							expect(call.events[0].raw).toBe(text);

							// and the same request without its auth header: 401, nothing thrown, nothing leaked
							const bare = await callWebhook(t.node, { body: text, headers: { 'content-type': 'application/json' } }, { credentials: creds, parameters: { options }, staticData: {}, ...freshScope() });
							expectSafeCall(bare, { mode, secrets: [secret, previous] });
							expect(bare.status).toBe(401);
						},
					),
					fcParams(runs()),
				);
			});
		}

		it(`${t.definition.nodeName}: an empty, blank or missing current secret fails closed for every request, whatever the previous one [${runs()} runs]`, async () => {
			const emptyish = fc.constantFrom<unknown>('', undefined, null);
			await fc.assert(
				fc.asyncProperty(emptyish, fc.oneof(secretArb, emptyish), fc.constantFrom(...t.specs), fc.nat(1_000_000), fc.boolean(), async (current, previous, spec, n, signWithPrevious) => {
					const c = t.definition.credential;
					const creds: IDataObject = { [c.secret]: current as string, [c.previousSecret]: previous as string };
					if (c.headerName) creds[c.headerName] = 'X-Hook-Token';
					const text = JSON.stringify(uniqueSample(t.definition.provider, spec, n));
					const used = signWithPrevious && typeof previous === 'string' ? previous : '';
					const auth = used === '' && t.definition.verification.type === 'header' ? {} : signWith(t.definition.verification, text, { secret: used, headerName: 'X-Hook-Token' });
					const call = await callWebhook(t.node, { body: text, headers: { 'content-type': 'application/json', ...auth } }, { credentials: creds, staticData: {}, ...freshScope() });
					expectSafeCall(call, { mode: 'route', secrets: typeof previous === 'string' ? [previous] : [] });
					expect(call.status).toBe(401);
					expect(call.result.workflowData).toBeUndefined();
				}),
				fcParams(runs()),
			);
		});
	}
});
