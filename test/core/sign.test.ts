import { createHmac } from 'crypto';

import { PROVIDERS } from '../../nodes/shared/providers';
import { DOCUMENT_EXAMPLES } from '../fixtures';
import { signRequest, signWith } from '../../nodes/shared/core/sign';
import { verifyRequest, type HeaderSecretVerification, type HmacVerification, type IncomingRequest, type Secrets } from '../../nodes/shared/core/verify';

const CURRENT = 'cur-s3cret-Ab9!';
const PREVIOUS = 'prev-s3cret-Zy7?';

/** One sample body per provider, from the providers' documents. */
const BODIES: Record<string, string> = {
	buzzeasy:
		'{"id":"ff34b1fb68cd4f7f9921e70c08fab7a7","mediaType":"Webchat","isOutbound":true,"createdAt":"2022-03-08T07:39:47.6052457Z","closedAt":"2022-03-08T07:41:47.6052457Z","agent":{"id":"638858857ff57ad8637a7528","name":"Agent John","email":"john@agent.com","phone":"+123456789"},"result":"Handled"}',
	tracebuzz: '{"event":"newResult","searchId":11111,"uniqueId":11111,"resultId":11111,"personId":11111,"caseId":11111,"handlerId":0,"sourceId":14,"connectionId":111,"typeId":4,"own":0,"timestamp":1663831826}',
	chatzuri: `{
  "eventType": "message.received",
  "channel": "whatsapp",
  "agentId": "agent_abc123",
  "payload": { "from": "+1234567890", "message": "Hello, I need help with my order", "conversationId": "conv_xyz" }
}`,
	buzzbip: `{
  "id": "evt_7f3a9b2c",
  "type": "message.received",
  "createdAt": "2026-06-01T14:32:00Z",
  "data": { "messageId": "msg_abc123", "conversationId": "conv_xyz789", "contactId": "cnt_def456", "channel": "whatsapp", "body": "Hello, I need help with my order", "from": "+21612345678" }
}`,
	apirtc: '{"event":"update","time":1575976413,"object":"ticket","objectId":100,"props":{"state":"invited"}}',
};

/** The five providers of the contract (SPEC.md). */
const CONTRACT_IDS = ['buzzeasy', 'tracebuzz', 'chatzuri', 'buzzbip', 'apirtc'];
/** Every registered provider: the five, and any added since (their body: the first document example). */
const IDS = Object.keys(PROVIDERS);
for (const id of IDS) BODIES[id] ??= JSON.stringify(DOCUMENT_EXAMPLES[id][0].body);
const HEADER_NAME = 'X-Hook-Secret';

function incoming(rawBody: Buffer, headers: Record<string, string>): IncomingRequest {
	return {
		rawBody,
		headers,
		reserializedBody: () => {
			try {
				return Buffer.from(JSON.stringify(JSON.parse(rawBody.toString('utf8'))));
			} catch {
				return undefined;
			}
		},
	};
}

/** What n8n hands the node: Node's header names, lower-cased. */
function asReceived(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('the five providers', () => {
	it('are registered under their ids', () => {
		expect(Object.keys(PROVIDERS)).toEqual(expect.arrayContaining(CONTRACT_IDS));
		for (const [id, definition] of Object.entries(PROVIDERS)) expect(definition.provider).toBe(id);
	});

	it('use the schemes of the contract', () => {
		expect(PROVIDERS.buzzeasy.verification).toEqual({ type: 'header', header: 'x-api-key' });
		expect(PROVIDERS.tracebuzz.verification).toEqual({ type: 'header', header: null });
		expect(PROVIDERS.apirtc.verification).toEqual({ type: 'header', header: null });
		const chatzuri = PROVIDERS.chatzuri.verification as HmacVerification;
		expect([chatzuri.type, chatzuri.algorithm, chatzuri.signatureHeader.toLowerCase(), chatzuri.encoding, chatzuri.signedPayload]).toEqual([
			'hmac',
			'sha1',
			'x-chatzuri-signature',
			['hex'],
			'rawBodyOrReserialized',
		]);
		const buzzbip = PROVIDERS.buzzbip.verification as HmacVerification;
		expect([buzzbip.type, buzzbip.algorithm, buzzbip.signatureHeader.toLowerCase(), [...buzzbip.encoding].sort(), buzzbip.prefix, buzzbip.signedPayload]).toEqual([
			'hmac',
			'sha256',
			'x-buzzbip-signature',
			['base64', 'hex'],
			'sha256=',
			'rawBody',
		]);
	});
});

describe('signRequest produces what verifyRequest accepts', () => {
	it.each(IDS)('%s: current secret', (id) => {
		const raw = Buffer.from(BODIES[id]);
		const headers = signRequest(id, raw, { secret: CURRENT, headerName: HEADER_NAME });
		const secrets: Secrets = { current: CURRENT, previous: PREVIOUS, headerName: HEADER_NAME };
		expect(verifyRequest(PROVIDERS[id].verification, incoming(raw, asReceived(headers)), secrets)).toEqual({ ok: true, matched: 'current' });
		// and as given, without lower-casing
		expect(verifyRequest(PROVIDERS[id].verification, incoming(raw, headers), secrets)).toEqual({ ok: true, matched: 'current' });
	});

	it.each(IDS)('%s: previous secret', (id) => {
		const raw = Buffer.from(BODIES[id]);
		const headers = signRequest(id, raw, { secret: PREVIOUS, headerName: HEADER_NAME });
		expect(verifyRequest(PROVIDERS[id].verification, incoming(raw, asReceived(headers)), { current: CURRENT, previous: PREVIOUS, headerName: HEADER_NAME })).toEqual({
			ok: true,
			matched: 'previous',
		});
	});

	it.each(IDS)('%s: another secret is refused', (id) => {
		const raw = Buffer.from(BODIES[id]);
		const headers = signRequest(id, raw, { secret: 'attacker', headerName: HEADER_NAME });
		const verdict = verifyRequest(PROVIDERS[id].verification, incoming(raw, asReceived(headers)), { current: CURRENT, previous: PREVIOUS, headerName: HEADER_NAME });
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) {
			expect(verdict.reason).not.toContain(CURRENT);
			expect(verdict.reason).not.toContain(PREVIOUS);
		}
	});

	it.each(['chatzuri', 'buzzbip'])('%s: the signature does not carry over to a tampered body', (id) => {
		const raw = Buffer.from(BODIES[id]);
		const headers = signRequest(id, raw, { secret: CURRENT });
		const tampered = Buffer.from(BODIES[id].replace('Hello', 'Jello'));
		expect(verifyRequest(PROVIDERS[id].verification, incoming(tampered, asReceived(headers)), { current: CURRENT })).toEqual({ ok: false, reason: 'signature mismatch' });
	});

	it('signs a string body like the same bytes', () => {
		expect(signRequest('buzzbip', BODIES.buzzbip, { secret: CURRENT })).toEqual(signRequest('buzzbip', Buffer.from(BODIES.buzzbip), { secret: CURRENT }));
	});
});

describe('signRequest: exact headers', () => {
	it('Buzzeasy sends the key in x-api-key', () => {
		expect(signRequest('buzzeasy', BODIES.buzzeasy, { secret: CURRENT })).toEqual({ 'x-api-key': CURRENT });
	});

	it('Tracebuzz sends the secret in the header the user named', () => {
		expect(signRequest('tracebuzz', BODIES.tracebuzz, { secret: CURRENT, headerName: HEADER_NAME })).toEqual({ [HEADER_NAME]: CURRENT });
	});

	it('ApiRTC adds User-Agent: Cloud Apizee', () => {
		expect(signRequest('apirtc', BODIES.apirtc, { secret: CURRENT, headerName: HEADER_NAME })).toEqual({ 'User-Agent': 'Cloud Apizee', [HEADER_NAME]: CURRENT });
	});

	it('Chatzuri sends the hex HMAC-SHA1 of the raw body', () => {
		const headers = asReceived(signRequest('chatzuri', BODIES.chatzuri, { secret: CURRENT }));
		expect(headers).toEqual({ 'x-chatzuri-signature': createHmac('sha1', CURRENT).update(BODIES.chatzuri).digest('hex') });
	});

	it('Chatzuri: the published vector', () => {
		expect(asReceived(signRequest('chatzuri', 'The quick brown fox jumps over the lazy dog', { secret: 'key' }))).toEqual({
			'x-chatzuri-signature': 'de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9',
		});
	});

	it('BuzzBip: hex by default, base64 on request, sha256= prefix on request', () => {
		const digest = createHmac('sha256', CURRENT).update(BODIES.buzzbip).digest();
		expect(asReceived(signRequest('buzzbip', BODIES.buzzbip, { secret: CURRENT }))).toEqual({ 'x-buzzbip-signature': digest.toString('hex') });
		expect(asReceived(signRequest('buzzbip', BODIES.buzzbip, { secret: CURRENT }, { encoding: 'base64' }))).toEqual({ 'x-buzzbip-signature': digest.toString('base64') });
		expect(asReceived(signRequest('buzzbip', BODIES.buzzbip, { secret: CURRENT }, { withPrefix: true }))).toEqual({ 'x-buzzbip-signature': `sha256=${digest.toString('hex')}` });
		expect(asReceived(signRequest('buzzbip', BODIES.buzzbip, { secret: CURRENT }, { encoding: 'base64', withPrefix: true }))).toEqual({
			'x-buzzbip-signature': `sha256=${digest.toString('base64')}`,
		});
	});

	it('BuzzBip: the published vector', () => {
		expect(asReceived(signRequest('buzzbip', 'The quick brown fox jumps over the lazy dog', { secret: 'key' }, { withPrefix: true }))).toEqual({
			'x-buzzbip-signature': 'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
		});
	});
});

describe('BuzzBip: every encoding and prefix combination verifies', () => {
	it.each<[('hex' | 'base64'), boolean]>([
		['hex', false],
		['hex', true],
		['base64', false],
		['base64', true],
	])('%s, prefix %p', (encoding, withPrefix) => {
		const raw = Buffer.from(BODIES.buzzbip);
		for (const [secret, matched] of [
			[CURRENT, 'current'],
			[PREVIOUS, 'previous'],
		] as const) {
			const headers = signRequest('buzzbip', raw, { secret }, { encoding, withPrefix });
			expect(verifyRequest(PROVIDERS.buzzbip.verification, incoming(raw, asReceived(headers)), { current: CURRENT, previous: PREVIOUS })).toEqual({ ok: true, matched });
		}
	});
});

describe('signWith', () => {
	const header: HeaderSecretVerification = { type: 'header', header: null };
	const fixed: HeaderSecretVerification = { type: 'header', header: 'x-api-key' };
	const hmac: HmacVerification = { type: 'hmac', algorithm: 'sha1', signatureHeader: 'x-sig', encoding: ['hex'], signedPayload: 'rawBody' };

	it('uses the fixed header over a header name', () => {
		expect(signWith(fixed, '', { secret: 's', headerName: 'x-other' })).toEqual({ 'x-api-key': 's' });
	});

	it('throws a clear error when a user-named header scheme gets no header name', () => {
		expect(() => signWith(header, '{}', { secret: 's' })).toThrow('a header name is needed for this provider (headerName)');
		expect(() => signRequest('tracebuzz', '{}', { secret: 's' })).toThrow(/header name/);
		expect(() => signRequest('apirtc', '{}', { secret: 's', headerName: '' })).toThrow(/header name/);
	});

	it('refuses an encoding the scheme does not accept', () => {
		expect(() => signWith(hmac, '{}', { secret: 's' }, { encoding: 'base64' })).toThrow('this provider does not accept base64 signatures');
		expect(() => signRequest('chatzuri', '{}', { secret: 's' }, { encoding: 'base64' })).toThrow('this provider does not accept base64 signatures');
	});

	it('adds no prefix when the scheme has none, even if asked', () => {
		expect(signWith(hmac, 'x', { secret: 's' }, { withPrefix: true })).toEqual({ 'x-sig': createHmac('sha1', 's').update('x').digest('hex') });
	});

	it('signs with SHA-256 and SHA-512 too', () => {
		const v: HmacVerification = { ...hmac, algorithm: 'sha512', encoding: ['base64'], prefix: 'sha512=' };
		const expected = `sha512=${createHmac('sha512', 's').update('x').digest('base64')}`;
		expect(signWith(v, 'x', { secret: 's' }, { withPrefix: true })).toEqual({ 'x-sig': expected });
		expect(verifyRequest(v, incoming(Buffer.from('x'), { 'x-sig': expected }), { current: 's' })).toEqual({ ok: true, matched: 'current' });
	});
});

describe('signRequest: unknown providers', () => {
	it.each(['slack', '', 'BuzzBip', 'buzzBip', '__proto__', 'constructor', 'toString'])('throws a clear error for %p', (id) => {
		expect(() => signRequest(id, '{}', { secret: 's' })).toThrow(`unknown provider "${id}"; known: buzzeasy, tracebuzz, chatzuri, buzzbip, apirtc`);
	});
});

describe('signWith: the prefixes GitHub and Slack always send', () => {
	// the verification of each preset, signed as its sender signs (withPrefix), checked with node:crypto
	const github: HmacVerification = { type: 'hmac', algorithm: 'sha256', signatureHeader: 'X-Hub-Signature-256', encoding: ['hex'], prefix: 'sha256=', signedPayload: 'rawBody' };
	const slack: HmacVerification = { type: 'hmac', algorithm: 'sha256', signatureHeader: 'X-Slack-Signature', encoding: ['hex'], prefix: 'v0=', signedPayload: { template: 'v0:{timestamp}:{body}' }, timestampHeader: 'X-Slack-Request-Timestamp' };

	it('GitHub: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>', () => {
		expect(signWith(github, 'Hello, World!', { secret: "It's a Secret to Everybody" }, { withPrefix: true })).toEqual({
			'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
		});
	});

	it('Slack: X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:timestamp:body">', () => {
		const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J';
		const headers = signWith(slack, body, { secret: '8f742231b10e8888abcd99yyyzzz85a5' }, { withPrefix: true, timestamp: 1531420618 });
		expect(headers).toEqual({
			'X-Slack-Request-Timestamp': '1531420618',
			'X-Slack-Signature': `v0=${createHmac('sha256', '8f742231b10e8888abcd99yyyzzz85a5').update(`v0:1531420618:${body}`).digest('hex')}`,
		});
	});
});
