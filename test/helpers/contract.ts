import type { IDataObject, INodeType } from 'n8n-workflow';

import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { signRequest } from '../../nodes/shared/core/sign';
import type { ProviderDefinition } from '../../nodes/shared/definition';
import { callWebhook, type FakeNodeInit } from './webhookContext';

export const SECRET = 'current-secret-0123456789';
export const PREVIOUS = 'previous-secret-9876543210';
export const HEADER_NAME = 'X-Hook-Token';

export function credentialsFor(definition: ProviderDefinition, secret = SECRET, previous = PREVIOUS): IDataObject {
	const c = definition.credential;
	const data: IDataObject = { [c.secret]: secret, [c.previousSecret]: previous };
	if (c.headerName) data[c.headerName] = HEADER_NAME;
	return data;
}

export function signedHeaders(definition: ProviderDefinition, body: string, secret = SECRET): Record<string, string> {
	return { 'content-type': 'application/json', ...signRequest(definition.provider, body, { secret, headerName: HEADER_NAME }) };
}

/** Sends `body` signed with the current secret to a fresh dedupe scope unless one is given. */
export async function deliver(node: INodeType, definition: ProviderDefinition, body: unknown, init: FakeNodeInit = {}, secret = SECRET) {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	return callWebhook(node, { body: text, headers: signedHeaders(definition, text, secret) }, { credentials: credentialsFor(definition), ...init });
}

/**
 * What SPEC.md asks of every trigger, whatever the provider: rejections answer 401 with no
 * workflowData, the previous secret works, duplicates and filtered events start nothing,
 * unknown bodies reach the second output.
 */
export function describeTriggerContract(node: INodeType, definition: ProviderDefinition, sample: unknown): void {
	const text = JSON.stringify(sample);
	const okBody = definition.acknowledgement ?? { status: 'received' };
	const authHeaderName = definition.verification.type === 'hmac' ? definition.verification.signatureHeader : (definition.verification.header ?? HEADER_NAME);

	beforeEach(() => resetDedupeStores());

	describe(`${definition.displayName} request contract`, () => {
		it('emits one item for a genuine request and answers the provider', async () => {
			const call = await deliver(node, definition, sample);
			expect(call.status).toBe(200);
			expect(call.body).toEqual(okBody);
			expect(call.events).toHaveLength(1);
			expect(call.unrecognized).toHaveLength(0);
			// n8n answers, once the execution is stored
			expect(call.result.noWebhookResponse).toBeUndefined();
			expect(call.result.webhookResponse).toEqual(okBody);
		});

		it('forgets the delivery when n8n cannot start the execution, so the provider\'s retry runs', async () => {
			const staticData = {};
			const first = await deliver(node, definition, sample, { staticData });
			expect(first.events).toHaveLength(1);
			first.failExecution(500);
			const retry = await deliver(node, definition, sample, { staticData });
			expect(retry.status).toBe(200);
			expect(retry.events).toHaveLength(1);
			retry.finish();
			const duplicate = await deliver(node, definition, sample, { staticData });
			expect(duplicate.result.workflowData).toBeUndefined();
		});

		it('accepts the previous secret during a rotation', async () => {
			const call = await deliver(node, definition, sample, {}, PREVIOUS);
			expect(call.status).toBe(200);
			expect(call.events).toHaveLength(1);
		});

		interface Rejection {
			what: string;
			body: string;
			headers: Record<string, string>;
			reason: string | RegExp;
			credentials?: IDataObject;
		}
		const rejections: Rejection[] = [
			{ what: 'a missing auth header', body: text, headers: { 'content-type': 'application/json' }, reason: /^missing |^authentication header missing or does not match$/ },
			{ what: 'a wrong secret', body: text, headers: signedHeaders(definition, text, 'wrong-secret'), reason: /does not match|signature mismatch/ },
			{
				what: 'an empty secret in the credential',
				body: text,
				headers: signedHeaders(definition, text, PREVIOUS),
				reason: 'credential has no secret configured',
				credentials: credentialsFor(definition, '', PREVIOUS),
			},
		];
		// header schemes do not cover the body; signature schemes must notice any change to it
		if (definition.verification.type === 'hmac') {
			rejections.push({ what: 'a body changed after signing', body: text.replace('{', '{"x":1,'), headers: signedHeaders(definition, text), reason: 'signature mismatch' });
		}
		for (const rejection of rejections) {
			it(`answers 401 to ${rejection.what} and starts nothing`, async () => {
				const call = await callWebhook(node, { body: rejection.body, headers: rejection.headers }, { credentials: rejection.credentials ?? credentialsFor(definition) });
				expect(call.status).toBe(401);
				expect(call.result.workflowData).toBeUndefined();
				expect((call.body as IDataObject).error).toBe('unauthorized');
				expect(String((call.body as IDataObject).reason)).toMatch(rejection.reason);
				const everything = JSON.stringify(call.body) + call.logs.join('\n');
				expect(everything).not.toContain(SECRET);
				expect(everything).not.toContain(PREVIOUS);
			});
		}

		it('matches the auth header name in any case', async () => {
			const headers = signedHeaders(definition, text);
			const value = Object.entries(headers).find(([name]) => name.toLowerCase() === authHeaderName.toLowerCase())![1];
			const call = await callWebhook(node, { body: text, headers: { 'content-type': 'application/json', [authHeaderName.toUpperCase()]: value } }, { credentials: credentialsFor(definition) });
			expect(call.status).toBe(200);
			expect(call.events).toHaveLength(1);
		});

		it('answers 401 when no credential is set', async () => {
			const call = await callWebhook(node, { body: text, headers: signedHeaders(definition, text) }, { credentials: null });
			expect(call.status).toBe(401);
			expect(call.result.workflowData).toBeUndefined();
		});

		it('emits one item for five concurrent deliveries of one event', async () => {
			const staticData = {};
			const calls = await Promise.all(Array.from({ length: 5 }, () => deliver(node, definition, sample, { staticData })));
			expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);
			expect(calls.flatMap((c) => c.events)).toHaveLength(1);
			expect(calls.filter((c) => c.result.workflowData === undefined)).toHaveLength(4);
			expect(calls.filter((c) => (c.body as IDataObject).status === 'duplicate').length).toBe(definition.acknowledgement ? 0 : 4);
		});

		it('still catches the duplicate after a restart (static data reloaded, memory gone)', async () => {
			const staticData: IDataObject = {};
			const first = await deliver(node, definition, sample, { staticData });
			first.finish();
			expect(first.events).toHaveLength(1);
			resetDedupeStores();
			const reloaded = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			const again = await deliver(node, definition, sample, { staticData: reloaded });
			expect(again.status).toBe(200);
			expect(again.result.workflowData).toBeUndefined();
		});

		it('starts the duplicate again when deduplication is off', async () => {
			const init = { parameters: { options: { deduplicate: false } } };
			expect((await deliver(node, definition, sample, init)).events).toHaveLength(1);
			expect((await deliver(node, definition, sample, init)).events).toHaveLength(1);
		});

		it('sends a body that is not a known event to the Unrecognized output with 200', async () => {
			const body = JSON.stringify({ hello: 'world', event: 'somethingNew', eventType: 'something.new', type: 'something.new' });
			const call = await callWebhook(node, { body, headers: signedHeaders(definition, body) }, { credentials: credentialsFor(definition) });
			expect(call.status).toBe(200);
			expect(call.events).toHaveLength(0);
			expect(call.unrecognized).toHaveLength(1);
			expect(call.unrecognized[0]).toMatchObject({ provider: definition.provider, raw: body, body: JSON.parse(body) });
			expect((call.unrecognized[0].issues as unknown[]).length).toBeGreaterThan(0);
		});

		it('answers 400 to an unknown body when the option says reject', async () => {
			const body = JSON.stringify({ event: 'somethingNew', eventType: 'something.new', type: 'something.new' });
			const call = await callWebhook(node, { body, headers: signedHeaders(definition, body) }, { credentials: credentialsFor(definition), parameters: { options: { onUnrecognized: 'reject' } } });
			expect(call.status).toBe(400);
			expect(call.result.workflowData).toBeUndefined();
			expect((call.body as IDataObject).error).toBe('unrecognized payload');
		});

		it('starts nothing for an event the user did not select', async () => {
			const event = definition.describe(definition.schema.parse(sample)).event;
			const others = definition.events.map((e) => e.value).filter((v) => v !== event);
			// Buzzeasy has a single event: selecting a name it never sends must still filter
			const call = await deliver(node, definition, sample, { parameters: { events: others.length ? others : ['not-an-event'] } });
			expect(call.status).toBe(200);
			expect(call.result.workflowData).toBeUndefined();
		});

		it('adds raw and redacted headers when asked', async () => {
			const call = await deliver(node, definition, sample, { parameters: { options: { includeRawBody: true, includeHeaders: true } } });
			expect(call.events[0].raw).toBe(text);
			const headers = call.events[0].headers as Record<string, string>;
			expect(headers['content-type']).toBe('application/json');
			expect(JSON.stringify(call.events[0])).not.toContain(SECRET);
		});

		it('answers 403 to an address outside the allow-list and 200 inside it', async () => {
			const parameters = { options: { allowedIps: '198.51.100.0/24' } };
			const outside = await callWebhook(node, { body: text, headers: signedHeaders(definition, text), ip: '203.0.113.9' }, { credentials: credentialsFor(definition), parameters });
			expect(outside.status).toBe(403);
			expect(outside.result.workflowData).toBeUndefined();
			const inside = await callWebhook(node, { body: text, headers: signedHeaders(definition, text), ip: '::ffff:198.51.100.20' }, { credentials: credentialsFor(definition), parameters });
			expect(inside.status).toBe(200);
			expect(inside.events).toHaveLength(1);
		});

		it('rejects an event older than the maximum event age when that guard is on', async () => {
			const described = definition.describe(definition.schema.parse(sample));
			if (described.occurredAt === null) return expect(described.occurredAt).toBeNull();
			const call = await deliver(node, definition, sample, { parameters: { options: { maxEventAgeMinutes: 5 } } });
			expect(call.status).toBe(401);
			expect(call.result.workflowData).toBeUndefined();
		});

		it('keeps __proto__ keys from changing any prototype', async () => {
			const body = text.replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},');
			const call = await callWebhook(node, { body, headers: signedHeaders(definition, body) }, { credentials: credentialsFor(definition) });
			expect(call.status).toBe(200);
			expect(({} as IDataObject).polluted).toBeUndefined();
			const item = call.events[0] ?? call.unrecognized[0];
			expect(Object.getPrototypeOf(item.data ?? item.body)).toBe(Object.prototype);
			expect(Object.keys((item.data ?? item.body) as object)).not.toContain('__proto__');
		});
	});
}
