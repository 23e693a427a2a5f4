import { createHmac } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { definitionFromParameters, type SchemeParameters } from '../../nodes/VerifiedWebhookTrigger/verifiedWebhook.definition';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { signWith } from '../../nodes/shared/core/sign';
import { messageReceived as buzzbipMessage } from '../fixtures/buzzbip';
import { newIncomingMessage as tracebuzzMessage } from '../fixtures/tracebuzz';
import { callWebhook } from '../helpers/webhookContext';

const node = new VerifiedWebhookTrigger();

/** Custom schemes here use the flat parameters of versions 1 and 2 (version 3 groups them: test/providers/editor.test.ts). */
function send(parameters: IDataObject, secret: string, body: string, headers: Record<string, string>, previous = '') {
	return callWebhook(node, { body, headers }, { credentials: { secret, previousSecret: previous }, parameters, typeVersion: parameters.preset === 'custom' ? 2 : undefined });
}

/** Pins Date.now() (signed timestamps are checked against it) and nothing else. */
function at(unixSeconds: number) {
	jest.useFakeTimers({ now: unixSeconds * 1000, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'clearTimeout', 'clearInterval', 'clearImmediate'] });
}

beforeEach(() => resetDedupeStores());
afterEach(() => jest.useRealTimers());

describe('Verified Webhook Trigger presets, from the senders\' published examples', () => {
	it('GitHub: the example of GitHub\'s "Validating webhook deliveries" page', async () => {
		const call = await send({ preset: 'github' }, "It's a Secret to Everybody", 'Hello, World!', {
			'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
			'X-GitHub-Event': 'ping',
			'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
			'content-type': 'text/plain',
		});
		expect(call.status).toBe(200);
		const { receivedAt, ...item } = call.events[0];
		expect(typeof receivedAt).toBe('string');
		expect(item).toEqual({
			provider: 'github',
			event: 'ping',
			eventId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
			occurredAt: null,
			// X-GitHub-Delivery is not signed: the key is the signed body's (F3)
			deliveryKey: bodyKey('Hello, World!'),
			data: { text: 'Hello, World!' },
		});
		const wrong = await send({ preset: 'github' }, 'another secret', 'Hello, World!', { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' });
		expect(wrong.status).toBe(401);
	});

	it('Standard Webhooks: the specification\'s test vector (whsec_ secret, id.timestamp.body)', async () => {
		at(1614265330);
		const headers = {
			'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
			'webhook-timestamp': '1614265330',
			'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
			'content-type': 'application/json',
		};
		const call = await send({ preset: 'standardWebhooks' }, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{"test": 2432232314}', headers);
		expect(call.status).toBe(200);
		expect(call.events[0]).toMatchObject({ provider: 'standardWebhooks', event: 'webhook', eventId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', occurredAt: '2021-02-25T15:02:10.000Z', data: { test: 2432232314 } });
		// several signatures in one header (a key roll): any valid one is enough
		const rolled = await send({ preset: 'standardWebhooks' }, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{"test": 2432232314}', { ...headers, 'webhook-id': 'msg_2', 'webhook-signature': `v1,${'A'.repeat(43)}= ${headers['webhook-signature']}` });
		expect(rolled.status).toBe(401); // the id is signed: changing it breaks the signature
		expect(rolled.body).toEqual({ error: 'unauthorized', reason: 'signature mismatch' });
		const twoSignatures = await send({ preset: 'standardWebhooks', options: { deduplicate: false } }, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{"test": 2432232314}', { ...headers, 'webhook-signature': `v1,${'A'.repeat(43)}= ${headers['webhook-signature']}` });
		expect(twoSignatures.status).toBe(200);
	});

	it('Standard Webhooks: refuses the vector six minutes later (replay guard)', async () => {
		at(1614265330 + 360);
		const call = await send({ preset: 'standardWebhooks' }, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{"test": 2432232314}', {
			'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
			'webhook-timestamp': '1614265330',
			'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
		});
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason: 'timestamp outside the allowed tolerance' });
	});

	it('Slack: the example of Slack\'s "Verifying requests from Slack" page (form-encoded slash command)', async () => {
		at(1531420618);
		const body =
			'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
		const call = await send({ preset: 'slack' }, '8f742231b10e8888abcd99yyyzzz85a5', body, {
			'X-Slack-Request-Timestamp': '1531420618',
			'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
			'content-type': 'application/x-www-form-urlencoded',
		});
		expect(call.status).toBe(200);
		expect(call.events[0]).toMatchObject({ provider: 'slack', event: '/webhook-collect', occurredAt: '2018-07-12T18:36:58.000Z', data: { team_domain: 'testteamnow', command: '/webhook-collect', text: '' } });
	});

	it('Slack: answers the Events API url_verification challenge without starting anything', async () => {
		const now = 1700000000;
		at(now);
		const body = JSON.stringify({ token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
		const signature = `v0=${createHmac('sha256', 'slack-secret').update(`v0:${now}:${body}`).digest('hex')}`;
		const call = await send({ preset: 'slack' }, 'slack-secret', body, { 'X-Slack-Request-Timestamp': String(now), 'X-Slack-Signature': signature, 'content-type': 'application/json' });
		expect(call.status).toBe(200);
		expect(call.body).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
		expect(call.result.workflowData).toBeUndefined();
	});

	it('Stripe: t=…,v1=… over "timestamp.body", several v1 during a roll, replay guard', async () => {
		const now = 1700000000;
		at(now);
		const body = JSON.stringify({ id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', object: 'event', created: 1686089970, type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', amount: 2000 } } });
		const v1 = (secret: string, t: number) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
		const header = `t=${now},v1=${v1('whsec_old', now)},v1=${v1('whsec_new', now)},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`;
		const call = await send({ preset: 'stripe' }, 'whsec_new', body, { 'Stripe-Signature': header, 'content-type': 'application/json' });
		expect(call.status).toBe(200);
		expect(call.events[0]).toMatchObject({ provider: 'stripe', event: 'payment_intent.succeeded', eventId: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', occurredAt: '2023-06-06T22:19:30.000Z', deliveryKey: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' });
		const stale = await send({ preset: 'stripe', options: { deduplicate: false } }, 'whsec_new', body, { 'Stripe-Signature': `t=${now - 301},v1=${v1('whsec_new', now - 301)}` });
		expect(stale.body).toEqual({ error: 'unauthorized', reason: 'timestamp outside the allowed tolerance' });
		const filtered = await send({ preset: 'stripe', events: 'invoice.paid, customer.created', options: { deduplicate: false } }, 'whsec_new', body, { 'Stripe-Signature': header });
		expect(filtered.status).toBe(200);
		expect(filtered.result.workflowData).toBeUndefined();
	});

	it('Shopify: base64 HMAC-SHA256 of the body, topic and event id from the headers', async () => {
		const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '403.00' });
		const call = await send({ preset: 'shopify' }, 'shpss_secret', body, {
			'X-Shopify-Hmac-Sha256': createHmac('sha256', 'shpss_secret').update(body).digest('base64'),
			'X-Shopify-Topic': 'orders/create',
			'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
			'X-Shopify-Triggered-At': '2023-03-29T18:00:27.877041743Z',
			'content-type': 'application/json',
		});
		expect(call.events[0]).toMatchObject({ provider: 'shopify', event: 'orders/create', eventId: '98880550-7158-44d4-b7cd-2c97c8a091b5', occurredAt: '2023-03-29T18:00:27.877Z' });
	});

	it('this package\'s providers as presets: BuzzBip\'s seed example, and Tracebuzz with a header name', async () => {
		const buzzbip = buzzbipMessage.body;
		const body = JSON.stringify(buzzbip);
		const call = await send({ preset: 'buzzbip' }, 'bb-secret', body, { 'X-BuzzBip-Signature': createHmac('sha256', 'bb-secret').update(body).digest('hex') });
		expect(call.events[0]).toMatchObject({ provider: 'buzzbip', event: 'message.received', eventId: 'evt_7f3a9b2c', occurredAt: '2026-06-01T14:32:00.000Z' });
		const tracebuzz = tracebuzzMessage.body;
		const ok = await send({ preset: 'tracebuzz', headerName: 'X-Token' }, 'tb-secret', JSON.stringify(tracebuzz), { 'x-token': 'tb-secret' });
		expect(ok.events[0]).toMatchObject({ provider: 'tracebuzz', event: 'newResult', data: { type: 'privateMessage', author: 'customer' } });
		const missing = await send({ preset: 'tracebuzz', headerName: 'X-Token' }, 'tb-secret', JSON.stringify(tracebuzz), {});
		expect(missing.body).toEqual({ error: 'unauthorized', reason: 'authentication header missing or does not match' });
	});
});

describe('Verified Webhook Trigger custom scheme', () => {
	it('Tawk: x-tawk-signature, HMAC-SHA1 hex of the body (the README example)', async () => {
		const body = JSON.stringify({ event: 'chat:start', chatId: 'c3f1b8e0', time: '2026-11-21T10:00:00.000Z' });
		const parameters = { preset: 'custom', scheme: 'hmac', algorithm: 'sha1', encoding: 'hex', signatureHeader: 'x-tawk-signature', eventNameSource: 'body', eventNameField: 'event', eventIdSource: 'body', eventIdField: 'chatId' };
		const call = await send(parameters, 'tawk-secret', body, { 'x-tawk-signature': createHmac('sha1', 'tawk-secret').update(body).digest('hex') });
		expect(call.events[0]).toMatchObject({ provider: 'custom', event: 'chat:start', eventId: 'c3f1b8e0', deliveryKey: 'c3f1b8e0' });
	});

	const algorithms = ['sha1', 'sha256', 'sha512'] as const;
	const encodings = ['hex', 'base64'] as const;
	const prefixes = ['', 'sig='];
	const templates = [undefined, '{timestamp}.{body}', 'v1:{id}:{timestamp}:{body}'];
	const combos = algorithms.flatMap((algorithm) => encodings.flatMap((encoding) => prefixes.flatMap((prefix) => templates.map((template) => [algorithm, encoding, prefix, template] as const))));

	it.each(combos)('%s %s prefix "%s" template %s: signed by signWith, accepted; one byte off, refused', async (algorithm, encoding, prefix, template) => {
		const now = 1763719200;
		at(now);
		const parameters: SchemeParameters & IDataObject = {
			preset: 'custom',
			scheme: 'hmac',
			algorithm,
			encoding,
			signatureHeader: 'X-Sig',
			signaturePrefix: prefix,
			signedPayload: template ? 'template' : 'rawBody',
			payloadTemplate: template,
			timestampHeader: template ? 'X-Ts' : undefined,
			idHeader: template?.includes('{id}') ? 'X-Id' : undefined,
			toleranceSeconds: 300,
		};
		const built = definitionFromParameters(parameters);
		if (!built.ok) throw new Error(built.reason);
		const body = JSON.stringify({ hello: 'world', n: 1 });
		const headers = signWith(built.definition.verification, body, { secret: 'custom-secret' }, { withPrefix: prefix !== '', timestamp: now, id: 'msg_1' });
		if (prefix) expect(headers['X-Sig'].startsWith(prefix)).toBe(true);
		const call = await send(parameters as IDataObject, 'custom-secret', body, headers);
		expect(call.status).toBe(200);
		expect(call.events[0].deliveryKey).toBe(bodyKey(body));
		const tampered = await send(parameters as IDataObject, 'custom-secret', body.replace('world', 'worle'), headers);
		expect(tampered.status).toBe(401);
	});

	it('an API key in a named header, and the previous secret', async () => {
		const parameters = { preset: 'custom', scheme: 'header', headerName: 'X-Api-Key' };
		expect((await send(parameters, 'k1', '{"a":1}', { 'x-api-key': 'k0' }, 'k0')).status).toBe(200);
		expect((await send(parameters, 'k1', '{"a":2}', { 'x-api-key': 'nope' }, 'k0')).body).toEqual({ error: 'unauthorized', reason: 'authentication header missing or does not match' });
	});

	it.each([
		[{ preset: 'custom', scheme: 'hmac', signatureHeader: '' }, 'the trigger has no signature header set'],
		[{ preset: 'custom', scheme: 'header' }, 'the trigger has no header name set'],
		[{ preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig', signedPayload: 'template', payloadTemplate: '{timestamp}' }, 'the signed payload template has no {body}'],
		[{ preset: 'apirtc' }, 'the trigger has no header name set'],
	])('a trigger that is not set up fails closed: %j', async (parameters, reason) => {
		const call = await send(parameters as IDataObject, 'secret', '{}', {});
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason });
		expect(call.result.workflowData).toBeUndefined();
	});
});
