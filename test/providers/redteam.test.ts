/**
 * Regression tests of the red-team findings of issue 12 owned by the request pipeline (F1, F2, F3,
 * F4, F5, F8, F10, F11, F12, F13, F16): each failed on the code as it was.
 */
import { createHmac } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import { ChatzuriTrigger } from '../../nodes/ChatzuriTrigger/ChatzuriTrigger.node';
import { BuzzeasyTrigger } from '../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node';
import { BuzzBipTrigger } from '../../nodes/BuzzBipTrigger/BuzzBipTrigger.node';
import { TracebuzzTrigger } from '../../nodes/TracebuzzTrigger/TracebuzzTrigger.node';
import { ApiRtcTrigger } from '../../nodes/ApiRtcTrigger/ApiRtcTrigger.node';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { BODY_KEY_PATTERN } from '../../nodes/shared/core/deliveryKey';
import * as dedupeRecord from '../../nodes/shared/n8nDedupe';
import { callWebhook } from '../helpers/webhookContext';

beforeEach(() => resetDedupeStores());

// read through the module, so that this file also runs (and fails where it should) on the code before F10
const inFlightWait = (dedupeRecord as { inFlightWait?: { ms: number } }).inFlightWait ?? { ms: 0 };

const chatzuri = new ChatzuriTrigger();
const verified = new VerifiedWebhookTrigger();
const SECRET = 'redteam-secret-0123';
const hmac = (algorithm: string, body: string | Buffer) => createHmac(algorithm, SECRET).update(body).digest('hex');
const chatzuriBody = { eventType: 'message.received', channel: 'web', agentId: 'agent_1', payload: { sessionId: 's1', message: 'hello', conversationId: 'conv_1', amount: 1 } };

function sendChatzuri(body: string | Buffer, signature: string) {
	return callWebhook(chatzuri, { body, headers: { 'x-chatzuri-signature': signature, 'content-type': 'application/json' } }, { credentials: { secretKey: SECRET } });
}

describe('F2: a body that cannot be read (n8n consumed a multipart stream) never throws and starts nothing', () => {
	const triggers = [
		['Buzzeasy', new BuzzeasyTrigger(), { apiKey: SECRET }, { 'x-api-key': SECRET }],
		['Tracebuzz', new TracebuzzTrigger(), { headerName: 'X-Hook', headerValue: SECRET }, { 'x-hook': SECRET }],
		['Chatzuri', chatzuri, { secretKey: SECRET }, { 'x-chatzuri-signature': hmac('sha1', '') }],
		['BuzzBip', new BuzzBipTrigger(), { signingSecret: SECRET }, { 'x-buzzbip-signature': hmac('sha256', '') }],
		['ApiRTC', new ApiRtcTrigger(), { headerName: 'X-Hook', headerValue: SECRET }, { 'x-hook': SECRET }],
	] as const;

	it.each(triggers)('%s: without a secret, 401 with a JSON reason', async (_name, node, credentials) => {
		const call = await callWebhook(node, { body: '', unreadable: true, headers: { 'content-type': 'multipart/form-data; boundary=b' } }, { credentials: credentials as IDataObject });
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason: expect.any(String) });
		expect(call.result.workflowData).toBeUndefined();
	});

	it.each(triggers)('%s: with a valid secret or signature header, 4xx saying the body could not be read', async (_name, node, credentials, headers) => {
		const call = await callWebhook(node, { body: '', unreadable: true, headers: { ...headers, 'content-type': 'multipart/form-data; boundary=b' } }, { credentials: credentials as IDataObject });
		expect(call.status).toBeGreaterThanOrEqual(400);
		expect(call.status).toBeLessThan(500);
		expect((call.body as { reason: string }).reason).toMatch(/body could not be read/);
		if ('x-chatzuri-signature' in headers || 'x-buzzbip-signature' in headers) expect((call.body as { reason: string }).reason).toMatch(/signature cannot be verified/);
		expect(call.result.workflowData).toBeUndefined();
		expect(JSON.stringify(call.body)).not.toContain(SECRET);
	});
});

describe('F1: one signed Chatzuri body, however it is spelled, is one event', () => {
	const canonical = JSON.stringify(chatzuriBody);
	const signature = hmac('sha1', canonical);
	const variants = [
		canonical,
		JSON.stringify(chatzuriBody, null, 2),
		canonical.replace('"hello"', '"\\u0068ello"'),
		canonical.replace('"amount":1', '"amount":1.0e0'),
		canonical.replace('"agentId":"agent_1"', '"agentId":"x","agentId":"agent_1"'),
		` ${canonical}\n`,
	];

	it('every variant passes with the signature of the re-serialization, and only the first starts the workflow', async () => {
		const calls = [];
		for (const variant of variants) calls.push(await sendChatzuri(variant, signature));
		expect(calls.map((c) => c.status)).toEqual(variants.map(() => 200));
		expect(calls.map((c) => c.events.length)).toEqual([1, 0, 0, 0, 0, 0]);
		expect(new Set(calls.map((c) => JSON.stringify(c.body)))).toEqual(new Set(['{"status":"accepted"}']));
	});

	it('a pretty-printed body signed over its raw bytes, replayed compacted, is a duplicate', async () => {
		const pretty = JSON.stringify(chatzuriBody, null, 2);
		const first = await sendChatzuri(pretty, hmac('sha1', pretty));
		expect(first.events).toHaveLength(1);
		const replay = await sendChatzuri(canonical, signature);
		expect(replay.status).toBe(200);
		expect(replay.events).toHaveLength(0);
	});

	it('distinct events still start the workflow each', async () => {
		const other = JSON.stringify({ ...chatzuriBody, payload: { ...chatzuriBody.payload, conversationId: 'conv_2' } });
		expect((await sendChatzuri(canonical, signature)).events).toHaveLength(1);
		expect((await sendChatzuri(other, hmac('sha1', other))).events).toHaveLength(1);
	});
});

describe('F13: a Chatzuri body with a byte order mark, signed over JSON.stringify(parsed)', () => {
	it('is accepted, and keyed as the same event without the mark', async () => {
		const canonical = JSON.stringify(chatzuriBody);
		const call = await sendChatzuri(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(canonical)]), hmac('sha1', canonical));
		expect(call.status).toBe(200);
		expect(call.events).toHaveLength(1);
		expect((await sendChatzuri(canonical, hmac('sha1', canonical))).events).toHaveLength(0);
	});
});

describe('F3: GitHub and Shopify take the event id and name from unsigned headers', () => {
	const body = JSON.stringify({ action: 'opened', number: 7, repository: { full_name: 'o/r' } });
	const github = (headers: Record<string, string>) =>
		callWebhook(verified, { body, headers: { 'x-hub-signature-256': `sha256=${hmac('sha256', body)}`, 'content-type': 'application/json', ...headers } }, { credentials: { secret: SECRET }, parameters: { preset: 'github' } });
	const shopify = (headers: Record<string, string>) =>
		callWebhook(
			verified,
			{ body, headers: { 'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(body).digest('base64'), 'content-type': 'application/json', ...headers } },
			{ credentials: { secret: SECRET }, parameters: { preset: 'shopify' } },
		);

	it('GitHub: a signed body replayed with a new, no, or relabelled delivery header is a duplicate', async () => {
		const first = await github({ 'x-github-delivery': 'd-1', 'x-github-event': 'pull_request' });
		expect(first.events).toHaveLength(1);
		expect(first.events[0]).toMatchObject({ eventId: 'd-1', event: 'pull_request', deliveryKey: expect.stringMatching(BODY_KEY_PATTERN) });
		const replays: Array<Record<string, string>> = [{ 'x-github-delivery': 'd-2', 'x-github-event': 'pull_request' }, { 'x-github-event': 'pull_request' }, { 'x-github-delivery': 'd-3', 'x-github-event': 'release' }];
		for (const headers of replays) {
			const replay = await github(headers);
			expect(replay.status).toBe(200);
			expect(replay.body).toEqual({ status: 'duplicate' });
		}
	});

	it('Shopify: a signed body replayed with a new X-Shopify-Event-Id is a duplicate', async () => {
		expect((await shopify({ 'x-shopify-event-id': 'e-1', 'x-shopify-topic': 'orders/create' })).events).toHaveLength(1);
		expect((await shopify({ 'x-shopify-event-id': 'e-2', 'x-shopify-topic': 'orders/create' })).body).toEqual({ status: 'duplicate' });
		expect((await shopify({ 'x-shopify-webhook-id': 'w-9', 'x-shopify-topic': 'orders/paid' })).body).toEqual({ status: 'duplicate' });
	});
});

describe('F4 / F5 / F16: custom schemes that would protect nothing', () => {
	const custom = (parameters: IDataObject, body: string, headers: Record<string, string>) =>
		callWebhook(verified, { body, headers: { 'content-type': 'application/json', ...headers } }, { credentials: { secret: SECRET }, parameters: { preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig', ...parameters }, typeVersion: 2 });

	it('F4: a Timestamp Header with a tolerance while the raw body (or a template without {timestamp}) is signed: every request 401 naming the problem', async () => {
		const body = '{"a":1}';
		const now = String(Math.floor(Date.now() / 1000));
		for (const parameters of [
			{ signedPayload: 'rawBody', timestampHeader: 'X-Ts', toleranceSeconds: 300 },
			{ signedPayload: 'template', payloadTemplate: 'v1:{body}', timestampHeader: 'X-Ts', toleranceSeconds: 300 },
		]) {
			const signed = parameters.signedPayload === 'rawBody' ? body : `v1:${body}`;
			const call = await custom(parameters, body, { 'x-sig': hmac('sha256', signed), 'x-ts': now });
			expect(call.status).toBe(401);
			expect((call.body as { reason: string }).reason).toMatch(/timestamp header is not signed/);
			expect(call.events).toHaveLength(0);
		}
		// with the tolerance at 0 the header only fills occurredAt: accepted
		expect((await custom({ signedPayload: 'rawBody', timestampHeader: 'X-Ts', toleranceSeconds: 0 }, body, { 'x-sig': hmac('sha256', body), 'x-ts': now })).status).toBe(200);
	});

	it('F5: Event ID from an unsigned header: a replay of the signed body with a new id is a duplicate', async () => {
		const body = '{"type":"order.created","n":1}';
		const parameters = { signedPayload: 'rawBody', eventIdSource: 'header', eventIdField: 'X-Delivery' };
		const first = await custom(parameters, body, { 'x-sig': hmac('sha256', body), 'x-delivery': 'id-1' });
		expect(first.events[0]).toMatchObject({ eventId: 'id-1', deliveryKey: expect.stringMatching(BODY_KEY_PATTERN) });
		expect((await custom(parameters, body, { 'x-sig': hmac('sha256', body), 'x-delivery': 'id-2' })).body).toEqual({ status: 'duplicate' });
	});

	it('F5: an id header the template signs as {id} still keys the event', async () => {
		const body = '{"n":1}';
		const now = String(Math.floor(Date.now() / 1000));
		const parameters = { signedPayload: 'template', payloadTemplate: '{id}.{timestamp}.{body}', idHeader: 'X-Id', timestampHeader: 'X-Ts', toleranceSeconds: 300, eventIdSource: 'header', eventIdField: 'x-id' };
		const a = await custom(parameters, body, { 'x-sig': hmac('sha256', `m1.${now}.${body}`), 'x-id': 'm1', 'x-ts': now });
		expect(a.events[0]).toMatchObject({ eventId: 'm1', deliveryKey: 'm1' });
		// the same body under another signed id is another event
		expect((await custom(parameters, body, { 'x-sig': hmac('sha256', `m2.${now}.${body}`), 'x-id': 'm2', 'x-ts': now })).events).toHaveLength(1);
	});

	it('F16: with tolerance 0 the timestamp must still be Unix seconds: "{timestamp}.{body}" cannot be split elsewhere', async () => {
		const parameters = { signedPayload: 'template', payloadTemplate: '{timestamp}.{body}', timestampHeader: 'X-Ts', toleranceSeconds: 0 };
		const signature = hmac('sha256', '1700000000.amount=100.50&to=alice');
		// a form body, sent as one (n8n answers 422 itself to a body its Content-Type calls JSON that is not)
		const form = { 'content-type': 'application/x-www-form-urlencoded' };
		const forged = await custom(parameters, '50&to=alice', { ...form, 'x-sig': signature, 'x-ts': '1700000000.amount=100' });
		expect(forged.status).toBe(401);
		expect(forged.body).toEqual({ error: 'unauthorized', reason: 'timestamp is not Unix seconds' });
		const genuine = await custom(parameters, 'amount=100.50&to=alice', { ...form, 'x-sig': signature, 'x-ts': '1700000000' });
		expect(genuine.status).toBe(200);
	});

	it('F16: a template with two placeholders side by side is refused', async () => {
		const call = await custom({ signedPayload: 'template', payloadTemplate: '{timestamp}{body}', timestampHeader: 'X-Ts', toleranceSeconds: 0 }, '1', { 'x-sig': hmac('sha256', '17000000001'), 'x-ts': '1700000000' });
		expect(call.status).toBe(401);
		expect((call.body as { reason: string }).reason).toMatch(/side by side/);
	});
});

describe('F8: a credential value that is not a string is no secret at all', () => {
	it.each([[{ x: 1 }, '[object Object]'], [true, 'true'], [0, '0'], [['a', 'b'], 'a,b'], [12345, '12345']])('%j: 401, also for the header its String() spells', async (value, spelled) => {
		const call = await callWebhook(new BuzzeasyTrigger(), { body: '{}', headers: { 'x-api-key': spelled } }, { credentials: { apiKey: value as unknown as string } });
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason: 'credential has no secret configured' });
		const custom = await callWebhook(
			verified,
			{ body: '{}', headers: { 'x-sig': createHmac('sha256', spelled).update('{}').digest('hex') } },
			{ credentials: { secret: value as unknown as string }, parameters: { preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig' }, typeVersion: 2 },
		);
		expect(custom.status).toBe(401);
	});

	it('a previous secret that is not a string is ignored, the current one still works', async () => {
		const call = await callWebhook(new BuzzeasyTrigger(), { body: '{}', headers: { 'x-api-key': '1' } }, { credentials: { apiKey: SECRET, previousApiKey: 1 } });
		expect(call.status).toBe(401);
	});
});

describe('F12: a custom Event ID from a JSON number beyond 2^53', () => {
	const parameters = { preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig', eventIdSource: 'body', eventIdField: 'id' };
	// the flat custom parameters of versions 1 and 2 (version 3 groups them: test/providers/editor.test.ts)
	const send = (body: string) => callWebhook(verified, { body, headers: { 'x-sig': hmac('sha256', body), 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters, typeVersion: 2 });

	it('two distinct events stay distinct', async () => {
		const a = await send('{"id":9007199254740993}');
		const b = await send('{"id":9007199254740992}');
		expect(a.events).toHaveLength(1);
		expect(b.events).toHaveLength(1);
		expect(a.events[0].deliveryKey).not.toBe(b.events[0].deliveryKey);
		expect(a.events[0].eventId).toBeNull();
	});

	it('a safe integer is still the id', async () => {
		const a = await send('{"id":9007199254740991}');
		expect(a.events[0]).toMatchObject({ eventId: '9007199254740991', deliveryKey: '9007199254740991' });
		expect((await send('{"id":9007199254740991,"again":true}')).body).toEqual({ status: 'duplicate' });
	});
});

describe('F10: a copy that arrives while the first delivery is in flight', () => {
	const buzzeasy = new BuzzeasyTrigger();
	const body = JSON.stringify({ id: 'ff34b1fb68cd4f7f9921e70c08fab7a7', mediaType: 'Webchat', isOutbound: true, createdAt: '2022-03-08T07:39:47.6052457Z', closedAt: '2022-03-08T07:41:47.6052457Z', agent: { id: 'a1', name: 'Agent', email: 'a@b.c', phone: '+1' }, result: 'Handled' });
	const deliver = () => callWebhook(buzzeasy, { body, headers: { 'x-api-key': SECRET } }, { credentials: { apiKey: SECRET }, storeLater: true });
	afterEach(() => {
		inFlightWait.ms = 5_000;
	});

	it('is not answered "duplicate" before the first is stored; when n8n fails to store the first, the copy runs', async () => {
		const first = await deliver();
		expect({ status: first.status, body: first.body, events: first.events.length, unrecognized: first.unrecognized }).toEqual({ status: undefined, body: undefined, events: 1, unrecognized: [] });
		let copyDone = false;
		const copy = deliver().then((call) => {
			copyDone = true;
			return call;
		});
		await new Promise((r) => setImmediate(r));
		expect(copyDone).toBe(false);
		first.failExecution(500);
		const answered = await copy;
		expect(answered.events).toHaveLength(1);
		answered.store();
		answered.finish();
		expect(answered.status).toBe(200);
		expect(answered.body).toEqual({ status: 'received' });
	});

	it('is a duplicate once the first is stored', async () => {
		const first = await deliver();
		const copy = deliver();
		first.store();
		first.finish();
		const answered = await copy;
		expect(answered.events).toHaveLength(0);
		expect(answered.body).toEqual({ status: 'duplicate' });
	});

	it('is answered 503 with Retry-After when the first is still unsettled at the bound', async () => {
		inFlightWait.ms = 50;
		const first = await deliver();
		const started = Date.now();
		const answered = await deliver();
		expect(Date.now() - started).toBeGreaterThanOrEqual(40);
		expect(answered.status).toBe(503);
		expect(answered.body).toEqual({ error: 'busy', reason: expect.any(String) });
		expect(answered.responseHeaders['retry-after']).toBe('5');
		expect(answered.events).toHaveLength(0);
		first.store();
		first.finish();
		expect((await deliver()).body).toEqual({ status: 'duplicate' });
	});
});
