import * as crypto from 'crypto';

import type { HeaderBag } from '../../nodes/shared/core/headers';
import {
	decodeSignature,
	hmacDigest,
	Reasons,
	verifyRequest,
	type HeaderSecretVerification,
	type HmacVerification,
	type IncomingRequest,
	type Secrets,
	type Verdict,
} from '../../nodes/shared/core/verify';

// ---------------------------------------------------------------------------------------------
// fixtures

const BUZZEASY: HeaderSecretVerification = { type: 'header', header: 'x-api-key' };
const CUSTOM_HEADER: HeaderSecretVerification = { type: 'header', header: null };
const CHATZURI: HmacVerification = {
	type: 'hmac',
	algorithm: 'sha1',
	signatureHeader: 'x-chatzuri-signature',
	encoding: ['hex'],
	signedPayload: 'rawBodyOrReserialized',
};
const CHATZURI_RAW_ONLY: HmacVerification = { ...CHATZURI, signedPayload: 'rawBody' };
const BUZZBIP: HmacVerification = {
	type: 'hmac',
	algorithm: 'sha256',
	signatureHeader: 'X-BuzzBip-Signature',
	encoding: ['hex', 'base64'],
	prefix: 'sha256=',
	signedPayload: 'rawBody',
};

const CURRENT = 'cur-s3cret-Ab9!';
const PREVIOUS = 'prev-s3cret-Zy7?';

/** The Chatzuri WhatsApp sample from the provider's document, pretty-printed as a client might send it. */
const CHATZURI_PRETTY = `{
  "eventType": "message.received",
  "channel": "whatsapp",
  "agentId": "agent_abc123",
  "payload": {
    "from": "+1234567890",
    "message": "Hello, I need help with my order",
    "conversationId": "conv_xyz"
  }
}`;
const CHATZURI_COMPACT = JSON.stringify(JSON.parse(CHATZURI_PRETTY));

/** The BuzzBip sample from the provider's document. */
const BUZZBIP_BODY = `{
  "id": "evt_7f3a9b2c",
  "type": "message.received",
  "createdAt": "2026-06-01T14:32:00Z",
  "data": {
    "messageId": "msg_abc123",
    "conversationId": "conv_xyz789",
    "contactId": "cnt_def456",
    "channel": "whatsapp",
    "body": "Hello, I need help with my order",
    "from": "+21612345678"
  }
}`;

const FOX = 'The quick brown fox jumps over the lazy dog';
const FOX_SHA256_KEY = 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8';
const FOX_SHA1_KEY = 'de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9';

function hmac(algorithm: 'sha1' | 'sha256', secret: string, payload: string | Buffer): Buffer {
	return crypto.createHmac(algorithm, secret).update(payload).digest();
}
const hex = (b: Buffer) => b.toString('hex');
const b64 = (b: Buffer) => b.toString('base64');
const b64url = (b: Buffer) => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

function reserialize(raw: Buffer): Buffer | undefined {
	try {
		return Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
	} catch {
		return undefined;
	}
}

function request(body: string | Buffer, headers: HeaderBag, withReserialized = true): IncomingRequest {
	const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	return withReserialized ? { rawBody, headers, reserializedBody: () => reserialize(rawBody) } : { rawBody, headers };
}

const secrets = (current: string, previous?: string, headerName?: string): Secrets => ({ current, previous, headerName });

const ALL_REASONS: string[] = [
	Reasons.noSecret,
	Reasons.noHeaderName,
	Reasons.authHeaderRejected,
	Reasons.missingSignature,
	Reasons.malformedSignature,
	Reasons.signatureMismatch,
	Reasons.missingHeader('x-api-key'),
	Reasons.headerMismatch('x-api-key'),
];

function expectRejected(verdict: Verdict, reason: string, mustNotContain: string[] = []): void {
	expect(verdict).toEqual({ ok: false, reason });
	if (verdict.ok) return;
	expect(ALL_REASONS).toContain(verdict.reason);
	for (const secret of mustNotContain) {
		expect(secret.length).toBeGreaterThan(0);
		expect(verdict.reason).not.toContain(secret);
	}
}

// ---------------------------------------------------------------------------------------------

describe('Reasons', () => {
	it('has the exact texts the API promises', () => {
		expect(Reasons.noSecret).toBe('credential has no secret configured');
		expect(Reasons.noHeaderName).toBe('credential has no header name configured');
		expect(Reasons.missingSignature).toBe('missing signature header');
		expect(Reasons.malformedSignature).toBe('malformed signature');
		expect(Reasons.signatureMismatch).toBe('signature mismatch');
		expect(Reasons.missingHeader('x-api-key')).toBe('missing x-api-key header');
		expect(Reasons.headerMismatch('x-api-key')).toBe('x-api-key header does not match');
		expect(Reasons.authHeaderRejected).toBe('authentication header missing or does not match');
	});
});

describe('verifyRequest: header scheme with a fixed header (Buzzeasy x-api-key)', () => {
	const body = '{"id":"ff34b1fb68cd4f7f9921e70c08fab7a7"}';

	it('accepts the current secret', () => {
		expect(verifyRequest(BUZZEASY, request(body, { 'x-api-key': CURRENT }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('accepts the previous secret and says so', () => {
		expect(verifyRequest(BUZZEASY, request(body, { 'x-api-key': PREVIOUS }), secrets(CURRENT, PREVIOUS))).toEqual({ ok: true, matched: 'previous' });
	});

	it('says current when both secrets are the same', () => {
		expect(verifyRequest(BUZZEASY, request(body, { 'x-api-key': CURRENT }), secrets(CURRENT, CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it.each(['X-API-KEY', 'X-Api-Key', 'x-API-key'])('finds the header spelled %s', (name) => {
		expect(verifyRequest(BUZZEASY, request(body, { [name]: CURRENT }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('takes the first value of a repeated header', () => {
		expect(verifyRequest(BUZZEASY, request(body, { 'x-api-key': [CURRENT, 'other'] }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': ['other', CURRENT] }), secrets(CURRENT)), 'x-api-key header does not match', [CURRENT]);
	});

	it('rejects a wrong secret without echoing either secret', () => {
		const verdict = verifyRequest(BUZZEASY, request(body, { 'x-api-key': 'wrong' }), secrets(CURRENT, PREVIOUS));
		expectRejected(verdict, 'x-api-key header does not match', [CURRENT, PREVIOUS]);
	});

	it('rejects the previous secret when none is configured', () => {
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': PREVIOUS }), secrets(CURRENT)), 'x-api-key header does not match', [CURRENT]);
	});

	it('rejects a secret that is a prefix, a suffix or differs in case', () => {
		for (const received of [CURRENT.slice(0, -1), `${CURRENT}x`, CURRENT.toUpperCase(), ` ${CURRENT}`]) {
			expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': received }), secrets(CURRENT)), 'x-api-key header does not match', [CURRENT]);
		}
	});

	it('rejects a missing header', () => {
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'content-type': 'application/json' }), secrets(CURRENT)), 'missing x-api-key header', [CURRENT]);
	});

	it('rejects an empty header', () => {
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': '' }), secrets(CURRENT)), 'missing x-api-key header', [CURRENT]);
	});

	it('fails closed on an empty current secret, even with a previous one and an empty header', () => {
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': '' }), secrets('')), Reasons.noSecret);
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': PREVIOUS }), secrets('', PREVIOUS)), Reasons.noSecret, [PREVIOUS]);
		expectRejected(verifyRequest(BUZZEASY, request(body, {}), secrets('', PREVIOUS)), Reasons.noSecret, [PREVIOUS]);
	});

	it('fails closed when the credential has no current secret at all', () => {
		const broken = { previous: PREVIOUS } as unknown as Secrets;
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': PREVIOUS }), broken), Reasons.noSecret, [PREVIOUS]);
	});

	it('ignores an empty previous secret (an empty header never matches it)', () => {
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': '' }), secrets(CURRENT, '')), 'missing x-api-key header', [CURRENT]);
		expectRejected(verifyRequest(BUZZEASY, request(body, { 'x-api-key': 'x' }), secrets(CURRENT, '')), 'x-api-key header does not match', [CURRENT]);
	});

	it('uses the fixed header even when the credential names another one', () => {
		expectRejected(
			verifyRequest(BUZZEASY, request(body, { 'x-other': CURRENT }), secrets(CURRENT, undefined, 'x-other')),
			'missing x-api-key header',
			[CURRENT],
		);
	});
});

describe('verifyRequest: header scheme with a user-named header (Tracebuzz, ApiRTC)', () => {
	const body = '{"event":"update","time":1575976413,"object":"ticket","objectId":100,"props":{"state":"invited"}}';
	const headerName = 'X-My-Hook-Token';

	it('accepts the current and the previous secret', () => {
		expect(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': CURRENT }), secrets(CURRENT, PREVIOUS, headerName))).toEqual({ ok: true, matched: 'current' });
		expect(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': PREVIOUS }), secrets(CURRENT, PREVIOUS, headerName))).toEqual({ ok: true, matched: 'previous' });
	});

	it('matches header names in any case on either side', () => {
		expect(verifyRequest(CUSTOM_HEADER, request(body, { 'X-MY-HOOK-TOKEN': CURRENT }), secrets(CURRENT, undefined, 'x-my-hook-token'))).toEqual({ ok: true, matched: 'current' });
		expect(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': CURRENT }), secrets(CURRENT, undefined, 'X-MY-HOOK-TOKEN'))).toEqual({ ok: true, matched: 'current' });
	});

	it('tolerates spaces around the configured header name', () => {
		expect(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': CURRENT }), secrets(CURRENT, undefined, '  X-My-Hook-Token '))).toEqual({ ok: true, matched: 'current' });
	});

	it('works with Authorization as the header, alongside the ApiRTC User-Agent', () => {
		const headers = { 'user-agent': 'Cloud Apizee', authorization: `Bearer ${CURRENT}` };
		expect(verifyRequest(CUSTOM_HEADER, request(body, headers), secrets(`Bearer ${CURRENT}`, undefined, 'Authorization'))).toEqual({ ok: true, matched: 'current' });
	});

	it('rejects a wrong secret without echoing the secret or the chosen header name', () => {
		const verdict = verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': 'nope' }), secrets(CURRENT, PREVIOUS, headerName));
		expectRejected(verdict, 'authentication header missing or does not match', [CURRENT, PREVIOUS, headerName, headerName.toLowerCase()]);
	});

	it('gives one reason whether the user-named header is missing, empty or wrong, so that a guesser cannot tell the name is right (F11)', () => {
		const reasons = [{}, { 'x-my-hook-token': '' }, { 'x-my-hook-token': 'nope' }, { 'x-other': CURRENT }].map((headers) => {
			const verdict = verifyRequest(CUSTOM_HEADER, request(body, headers), secrets(CURRENT, PREVIOUS, headerName));
			return verdict.ok ? 'accepted' : verdict.reason;
		});
		expect(new Set(reasons).size).toBe(1);
		expect(reasons[0]).toBe(Reasons.authHeaderRejected);
	});

	it('rejects a missing or empty header without echoing the chosen header name', () => {
		expectRejected(verifyRequest(CUSTOM_HEADER, request(body, {}), secrets(CURRENT, undefined, headerName)), 'authentication header missing or does not match', [CURRENT, headerName.toLowerCase()]);
		expectRejected(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': '' }), secrets(CURRENT, undefined, headerName)), 'authentication header missing or does not match', [CURRENT]);
	});

	it('rejects when the credential names no header', () => {
		expectRejected(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': CURRENT }), secrets(CURRENT)), Reasons.noHeaderName, [CURRENT]);
		expectRejected(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': CURRENT }), secrets(CURRENT, undefined, '')), Reasons.noHeaderName, [CURRENT]);
		expectRejected(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': CURRENT }), secrets(CURRENT, undefined, '   ')), Reasons.noHeaderName, [CURRENT]);
	});

	it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
		'does not throw when the user-named header %s is absent (inherited properties are not headers)',
		(name) => {
			// Node's req.headers inherits from Object.prototype, like this literal
			let verdict: Verdict | undefined;
			expect(() => {
				verdict = verifyRequest(CUSTOM_HEADER, request(body, { 'user-agent': 'Cloud Apizee' }), secrets(CURRENT, undefined, name));
			}).not.toThrow();
			expectRejected(verdict!, 'authentication header missing or does not match', [CURRENT]);
		},
	);

	it('fails closed on an empty current secret before looking at the header name', () => {
		expectRejected(verifyRequest(CUSTOM_HEADER, request(body, { 'x-my-hook-token': PREVIOUS }), secrets('', PREVIOUS, headerName)), Reasons.noSecret, [PREVIOUS]);
		expectRejected(verifyRequest(CUSTOM_HEADER, request(body, {}), secrets('')), Reasons.noSecret);
	});
});

describe('hmacDigest', () => {
	it('matches the published HMAC vectors', () => {
		expect(hmacDigest('sha256', 'key', FOX).toString('hex')).toBe(FOX_SHA256_KEY);
		expect(hmacDigest('sha1', 'key', FOX).toString('hex')).toBe(FOX_SHA1_KEY);
		expect(hmacDigest('sha256', 'key', Buffer.from(FOX)).toString('hex')).toBe(FOX_SHA256_KEY);
	});

	it('matches node:crypto on real payloads', () => {
		expect(hmacDigest('sha256', CURRENT, BUZZBIP_BODY)).toEqual(hmac('sha256', CURRENT, BUZZBIP_BODY));
		expect(hmacDigest('sha1', CURRENT, CHATZURI_PRETTY)).toEqual(hmac('sha1', CURRENT, CHATZURI_PRETTY));
		expect(hmacDigest('sha1', CURRENT, CHATZURI_PRETTY)).toHaveLength(20);
		expect(hmacDigest('sha256', CURRENT, BUZZBIP_BODY)).toHaveLength(32);
	});
});

describe('verifyRequest: HMAC with the published vectors', () => {
	it('accepts HMAC-SHA256 of the fox sentence with key "key", hex and base64', () => {
		const digest = Buffer.from(FOX_SHA256_KEY, 'hex');
		for (const value of [FOX_SHA256_KEY, `sha256=${FOX_SHA256_KEY}`, b64(digest), b64url(digest).replace(/=+$/, '')]) {
			expect(verifyRequest(BUZZBIP, request(FOX, { 'x-buzzbip-signature': value }), secrets('key'))).toEqual({ ok: true, matched: 'current' });
		}
		expect(b64(digest)).toBe('97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=');
	});

	it('accepts HMAC-SHA1 of the fox sentence with key "key", hex', () => {
		expect(verifyRequest(CHATZURI, request(FOX, { 'x-chatzuri-signature': FOX_SHA1_KEY }), secrets('key'))).toEqual({ ok: true, matched: 'current' });
		expect(verifyRequest(CHATZURI, request(FOX, { 'x-chatzuri-signature': FOX_SHA1_KEY.toUpperCase() }), secrets('key'))).toEqual({ ok: true, matched: 'current' });
	});

	it('rejects the vectors under another key', () => {
		expectRejected(verifyRequest(BUZZBIP, request(FOX, { 'x-buzzbip-signature': FOX_SHA256_KEY }), secrets('Key')), Reasons.signatureMismatch, [FOX_SHA256_KEY]);
		expectRejected(verifyRequest(CHATZURI, request(FOX, { 'x-chatzuri-signature': FOX_SHA1_KEY }), secrets('key2')), Reasons.signatureMismatch, [FOX_SHA1_KEY]);
	});
});

describe('verifyRequest: BuzzBip (HMAC-SHA256 of the raw body, hex or base64, optional sha256= prefix)', () => {
	const digest = hmac('sha256', CURRENT, BUZZBIP_BODY);
	const previousDigest = hmac('sha256', PREVIOUS, BUZZBIP_BODY);
	const accepted: Array<[string, string]> = [
		['hex', hex(digest)],
		['upper-case hex', hex(digest).toUpperCase()],
		['prefixed hex', `sha256=${hex(digest)}`],
		['prefix in upper case', `SHA256=${hex(digest)}`],
		['prefix in mixed case', `Sha256=${hex(digest)}`],
		['padded base64', b64(digest)],
		['unpadded base64', b64(digest).replace(/=+$/, '')],
		['URL-safe base64', b64url(digest)],
		['unpadded URL-safe base64', b64url(digest).replace(/=+$/, '')],
		['prefixed base64', `sha256=${b64(digest)}`],
		['prefixed unpadded URL-safe base64', `sha256=${b64url(digest).replace(/=+$/, '')}`],
		['surrounding spaces', `  ${hex(digest)}  `],
	];

	it('accepts URL-safe base64 of a digest whose standard base64 has both + and /', () => {
		// find a payload whose digest needs both characters, so that `-` and `_` are really exercised
		let body = '';
		let d = Buffer.alloc(0);
		for (let i = 0; i < 10_000; i++) {
			body = `{"id":"evt_${i}","type":"message.received"}`;
			d = hmac('sha256', CURRENT, body);
			if (b64(d).includes('+') && b64(d).includes('/')) break;
		}
		expect(b64url(d)).toMatch(/-/);
		expect(b64url(d)).toMatch(/_/);
		for (const value of [b64url(d), b64url(d).replace(/=+$/, ''), `sha256=${b64url(d)}`, b64(d)]) {
			expect(verifyRequest(BUZZBIP, request(body, { 'x-buzzbip-signature': value }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
		}
		// and a URL-safe signature of another digest is a mismatch, not a pass
		const other = b64url(hmac('sha256', PREVIOUS, body));
		expectRejected(verifyRequest(BUZZBIP, request(body, { 'x-buzzbip-signature': other }), secrets(CURRENT)), Reasons.signatureMismatch, [CURRENT, b64url(d), hex(d)]);
	});

	it.each(accepted)('accepts %s', (_label, value) => {
		expect(verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { 'x-buzzbip-signature': value }), secrets(CURRENT, PREVIOUS))).toEqual({ ok: true, matched: 'current' });
	});

	it('finds X-BuzzBip-Signature in any case', () => {
		for (const name of ['X-BuzzBip-Signature', 'x-buzzbip-signature', 'X-BUZZBIP-SIGNATURE']) {
			expect(verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { [name]: hex(digest) }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
		}
	});

	it('accepts the previous secret in every encoding and says so', () => {
		for (const value of [hex(previousDigest), `sha256=${b64(previousDigest)}`, b64url(previousDigest).replace(/=+$/, '')]) {
			expect(verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { 'x-buzzbip-signature': value }), secrets(CURRENT, PREVIOUS))).toEqual({ ok: true, matched: 'previous' });
		}
	});

	it('rejects a signature made with another secret, never echoing the expected signature or the secrets', () => {
		const forged = hmac('sha256', 'attacker', BUZZBIP_BODY);
		const verdict = verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { 'x-buzzbip-signature': hex(forged) }), secrets(CURRENT, PREVIOUS));
		expectRejected(verdict, Reasons.signatureMismatch, [CURRENT, PREVIOUS, hex(digest), b64(digest), hex(previousDigest), b64(previousDigest)]);
	});

	it('rejects the previous secret when it is not configured', () => {
		expectRejected(verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { 'x-buzzbip-signature': hex(previousDigest) }), secrets(CURRENT)), Reasons.signatureMismatch, [
			hex(digest),
			hex(previousDigest),
		]);
	});

	it('rejects a body with one byte changed', () => {
		const raw = Buffer.from(BUZZBIP_BODY, 'utf8');
		for (const at of [0, 10, raw.length >> 1, raw.length - 1]) {
			const tampered = Buffer.from(raw);
			tampered[at] ^= 0x01;
			const verdict = verifyRequest(BUZZBIP, request(tampered, { 'x-buzzbip-signature': hex(digest) }), secrets(CURRENT));
			expectRejected(verdict, Reasons.signatureMismatch, [CURRENT, hex(hmac('sha256', CURRENT, tampered))]);
		}
	});

	it('signs the raw bytes only: a re-serialized body does not pass for BuzzBip', () => {
		const overCompact = hmac('sha256', CURRENT, JSON.stringify(JSON.parse(BUZZBIP_BODY)));
		expectRejected(
			verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { 'x-buzzbip-signature': hex(overCompact) }), secrets(CURRENT)),
			Reasons.signatureMismatch,
			[CURRENT, hex(digest)],
		);
	});

	it('a signature over one body does not authenticate another', () => {
		const otherBody = BUZZBIP_BODY.replace('evt_7f3a9b2c', 'evt_00000000');
		expectRejected(verifyRequest(BUZZBIP, request(otherBody, { 'x-buzzbip-signature': hex(digest) }), secrets(CURRENT)), Reasons.signatureMismatch, [CURRENT]);
	});

	it('signs bytes, not text: a UTF-8 body with non-ASCII characters verifies over its bytes', () => {
		const body = Buffer.from('{"body":"Ciao, è arrivato il mio ordine? 🙂"}', 'utf8');
		const sig = hex(hmac('sha256', CURRENT, body));
		expect(verifyRequest(BUZZBIP, request(body, { 'x-buzzbip-signature': sig }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
		const latin1 = Buffer.from('{"body":"Ciao, è arrivato il mio ordine? 🙂"}', 'latin1');
		expectRejected(verifyRequest(BUZZBIP, request(latin1, { 'x-buzzbip-signature': sig }), secrets(CURRENT)), Reasons.signatureMismatch, [CURRENT]);
	});

	it('verifies an empty body', () => {
		const sig = hex(hmac('sha256', CURRENT, ''));
		expect(verifyRequest(BUZZBIP, request('', { 'x-buzzbip-signature': sig }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('rejects a missing, empty or blank signature header', () => {
		for (const headers of [{}, { 'x-buzzbip-signature': '' }, { 'x-buzzbip-signature': '   ' }, { 'x-buzzbip-signature': undefined }]) {
			expectRejected(verifyRequest(BUZZBIP, request(BUZZBIP_BODY, headers), secrets(CURRENT)), Reasons.missingSignature, [CURRENT, hex(digest)]);
		}
	});

	it('fails closed on an empty current secret, even with the previous secret configured and signing', () => {
		const verdict = verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { 'x-buzzbip-signature': hex(previousDigest) }), secrets('', PREVIOUS));
		expectRejected(verdict, Reasons.noSecret, [PREVIOUS, hex(previousDigest)]);
		const signedWithEmpty = hex(hmac('sha256', '', BUZZBIP_BODY));
		expectRejected(verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { 'x-buzzbip-signature': signedWithEmpty }), secrets('')), Reasons.noSecret);
	});

	const malformed: Array<[string, string]> = [
		['hex one character short', hex(digest).slice(0, -1)],
		['hex one character long', `${hex(digest)}0`],
		['hex of a SHA-1 digest', hex(hmac('sha1', CURRENT, BUZZBIP_BODY))],
		['non-hex, non-base64 characters', `${hex(digest).slice(0, -1)}!`],
		['non-hex of hex length with a space inside', `${hex(digest).slice(0, 30)} ${hex(digest).slice(31)}`],
		['base64 one character short', b64(digest).replace(/=+$/, '').slice(0, -1)],
		['base64 of 33 bytes', b64(Buffer.concat([digest, Buffer.from([1])]))],
		['base64 with three padding characters', `${b64(digest).replace(/=+$/, '')}===`],
		['the prefix alone', 'sha256='],
		['another algorithm prefix', `sha1=${hex(digest)}`],
		['a prefix twice', `sha256=sha256=${hex(digest)}`],
		['plain words', 'not a signature'],
		['a secret-looking value', CURRENT],
	];

	it.each(malformed)('answers "malformed signature" for %s', (_label, value) => {
		expectRejected(verifyRequest(BUZZBIP, request(BUZZBIP_BODY, { 'x-buzzbip-signature': value }), secrets(CURRENT, PREVIOUS)), Reasons.malformedSignature, [
			CURRENT,
			PREVIOUS,
			hex(digest),
			b64(digest),
		]);
	});
});

// the module object itself (the `import * as` namespace has read-only bindings), as verify.ts sees it
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto: typeof import('crypto') = require('crypto');

describe('verifyRequest: malformed signatures are refused before any crypto', () => {
	afterEach(() => jest.restoreAllMocks());

	it('neither reads the body nor computes an HMAC', () => {
		const createHmac = jest.spyOn(nodeCrypto, 'createHmac');
		let bodyRead = 0;
		let reserialized = 0;
		const req: IncomingRequest = {
			get rawBody() {
				bodyRead++;
				return Buffer.from(CHATZURI_COMPACT);
			},
			headers: { 'x-chatzuri-signature': 'zz'.repeat(20) },
			reserializedBody: () => {
				reserialized++;
				return Buffer.from(CHATZURI_COMPACT);
			},
		};
		expectRejected(verifyRequest(CHATZURI, req, secrets(CURRENT, PREVIOUS)), Reasons.malformedSignature, [CURRENT, PREVIOUS]);
		expect(bodyRead).toBe(0);
		expect(reserialized).toBe(0);
		expect(createHmac).not.toHaveBeenCalled();
	});

	it('the spy does see the HMAC of a well-formed signature (so the test above can fail)', () => {
		const createHmac = jest.spyOn(nodeCrypto, 'createHmac');
		const sig = hex(hmac('sha1', 'other', CHATZURI_COMPACT));
		createHmac.mockClear();
		expectRejected(verifyRequest(CHATZURI, request(CHATZURI_COMPACT, { 'x-chatzuri-signature': sig }), secrets(CURRENT)), Reasons.signatureMismatch, [CURRENT]);
		expect(createHmac).toHaveBeenCalled();
	});

	it('a missing signature header is refused without computing an HMAC either', () => {
		const createHmac = jest.spyOn(nodeCrypto, 'createHmac');
		expectRejected(verifyRequest(BUZZBIP, request(BUZZBIP_BODY, {}), secrets(CURRENT)), Reasons.missingSignature);
		expect(createHmac).not.toHaveBeenCalled();
	});
});

describe('verifyRequest: Chatzuri (HMAC-SHA1 hex, raw body or JSON.stringify(parsed body))', () => {
	const overRaw = hex(hmac('sha1', CURRENT, CHATZURI_PRETTY));
	const overReserialized = hex(hmac('sha1', CURRENT, CHATZURI_COMPACT));

	it('the two fixtures really differ (pretty-printed raw body vs. its re-serialization)', () => {
		expect(CHATZURI_PRETTY).not.toBe(CHATZURI_COMPACT);
		expect(overRaw).not.toBe(overReserialized);
		expect(CHATZURI_COMPACT).toBe(
			'{"eventType":"message.received","channel":"whatsapp","agentId":"agent_abc123","payload":{"from":"+1234567890","message":"Hello, I need help with my order","conversationId":"conv_xyz"}}',
		);
	});

	it('accepts a signature over the raw bytes', () => {
		expect(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': overRaw }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('accepts a signature over the re-serialized body (the provider sample), current and previous', () => {
		expect(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': overReserialized }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
		const previousOverReserialized = hex(hmac('sha1', PREVIOUS, CHATZURI_COMPACT));
		expect(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': previousOverReserialized }), secrets(CURRENT, PREVIOUS))).toEqual({
			ok: true,
			matched: 'previous',
		});
	});

	it('accepts the sample exactly as the provider computes it (Buffer.from(JSON.stringify(receivedJson)))', () => {
		const receivedJson = JSON.parse(CHATZURI_PRETTY);
		const sample = crypto.createHmac('sha1', CURRENT).update(Buffer.from(JSON.stringify(receivedJson))).digest('hex');
		expect(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'X-Chatzuri-Signature': sample }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('accepts the re-serialized signature over a body with extra whitespace and CRLF line ends', () => {
		const raw = `  ${CHATZURI_PRETTY.replace(/\n/g, '\r\n').replace(/: /g, ' :   ')}\r\n`;
		expect(JSON.stringify(JSON.parse(raw))).toBe(CHATZURI_COMPACT);
		expect(verifyRequest(CHATZURI, request(raw, { 'x-chatzuri-signature': overReserialized }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('accepts the re-serialized signature over a body with \\u escapes the sample would have decoded', () => {
		const raw = '{"eventType":"lead.submit","agentId":"agent_abc123","payload":{"customerName":"Jos\\u00e9 \\/ M\\u00fcller"}}';
		const sig = hex(hmac('sha1', CURRENT, JSON.stringify(JSON.parse(raw))));
		expect(verifyRequest(CHATZURI, request(raw, { 'x-chatzuri-signature': sig }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('rejects the re-serialized signature when signedPayload is rawBody', () => {
		expectRejected(verifyRequest(CHATZURI_RAW_ONLY, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': overReserialized }), secrets(CURRENT)), Reasons.signatureMismatch, [
			CURRENT,
			overRaw,
			overReserialized,
		]);
		// the raw one still passes
		expect(verifyRequest(CHATZURI_RAW_ONLY, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': overRaw }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('does not even compute the re-serialization when signedPayload is rawBody', () => {
		const reserializedBody = jest.fn(() => Buffer.from(CHATZURI_COMPACT));
		const req: IncomingRequest = { rawBody: Buffer.from(CHATZURI_PRETTY), headers: { 'x-chatzuri-signature': overReserialized }, reserializedBody };
		expectRejected(verifyRequest(CHATZURI_RAW_ONLY, req, secrets(CURRENT)), Reasons.signatureMismatch);
		expect(reserializedBody).not.toHaveBeenCalled();
	});

	it('rejects the re-serialized signature when the request offers no re-serialization', () => {
		expectRejected(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': overReserialized }, false), secrets(CURRENT)), Reasons.signatureMismatch, [
			CURRENT,
			overRaw,
		]);
	});

	it('rejects when the re-serialization is unavailable (body is not JSON) and the raw signature does not match', () => {
		const raw = '{"eventType": "lead.submit", broken';
		const sig = hex(hmac('sha1', CURRENT, '{"eventType":"lead.submit"}'));
		expectRejected(verifyRequest(CHATZURI, request(raw, { 'x-chatzuri-signature': sig }), secrets(CURRENT)), Reasons.signatureMismatch, [CURRENT, hex(hmac('sha1', CURRENT, raw))]);
		// but a raw signature over the non-JSON bytes is still an authentic request (schema checks come later)
		expect(verifyRequest(CHATZURI, request(raw, { 'x-chatzuri-signature': hex(hmac('sha1', CURRENT, raw)) }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});

	it('rejects a tampered body (one byte changed) for both signatures', () => {
		const raw = Buffer.from(CHATZURI_PRETTY, 'utf8');
		const at = raw.indexOf('order');
		const tampered = Buffer.from(raw);
		tampered[at] = 'O'.charCodeAt(0);
		expect(tampered.equals(raw)).toBe(false);
		for (const sig of [overRaw, overReserialized]) {
			expectRejected(verifyRequest(CHATZURI, request(tampered, { 'x-chatzuri-signature': sig }), secrets(CURRENT, PREVIOUS)), Reasons.signatureMismatch, [
				CURRENT,
				PREVIOUS,
				hex(hmac('sha1', CURRENT, tampered)),
				hex(hmac('sha1', CURRENT, JSON.stringify(JSON.parse(tampered.toString('utf8'))))),
			]);
		}
	});

	it('rejects a wrong secret, never echoing the expected signatures', () => {
		const forged = hex(hmac('sha1', 'guess', CHATZURI_COMPACT));
		expectRejected(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': forged }), secrets(CURRENT, PREVIOUS)), Reasons.signatureMismatch, [
			CURRENT,
			PREVIOUS,
			overRaw,
			overReserialized,
			hex(hmac('sha1', PREVIOUS, CHATZURI_COMPACT)),
		]);
	});

	it('rejects an HMAC-SHA256 signature (wrong length for SHA-1) as malformed', () => {
		const sha256 = hex(hmac('sha256', CURRENT, CHATZURI_COMPACT));
		expectRejected(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': sha256 }), secrets(CURRENT)), Reasons.malformedSignature, [CURRENT, overRaw]);
	});

	it('does not accept base64 for Chatzuri (hex only)', () => {
		const asBase64 = b64(hmac('sha1', CURRENT, CHATZURI_COMPACT));
		expectRejected(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': asBase64 }), secrets(CURRENT)), Reasons.malformedSignature, [
			CURRENT,
			overRaw,
			overReserialized,
		]);
	});

	it.each([
		['39 hex characters', 'a'.repeat(39)],
		['41 hex characters', 'a'.repeat(41)],
		['40 characters, one not hex', `${'a'.repeat(39)}g`],
		['40 characters with a space', `${'a'.repeat(19)} ${'a'.repeat(20)}`],
		['0x-prefixed hex', `0x${overRaw.slice(2)}`],
	])('answers "malformed signature" for %s', (_label, value) => {
		expectRejected(verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': value }), secrets(CURRENT)), Reasons.malformedSignature, [CURRENT, overRaw]);
	});

	it('fails closed on an empty current secret', () => {
		expectRejected(
			verifyRequest(CHATZURI, request(CHATZURI_PRETTY, { 'x-chatzuri-signature': hex(hmac('sha1', PREVIOUS, CHATZURI_PRETTY)) }), secrets('', PREVIOUS)),
			Reasons.noSecret,
			[PREVIOUS],
		);
	});
});

describe('decodeSignature', () => {
	const digest = hmac('sha256', CURRENT, BUZZBIP_BODY);

	it('decodes hex, base64 (padded, unpadded, URL-safe) and strips the prefix in any case', () => {
		for (const value of [
			hex(digest),
			`sha256=${hex(digest)}`,
			`SHA256=${hex(digest)}`,
			b64(digest),
			b64(digest).replace(/=+$/, ''),
			b64url(digest),
			`sha256=${b64url(digest).replace(/=+$/, '')}`,
		]) {
			expect(decodeSignature(value, BUZZBIP)).toEqual(digest);
		}
	});

	it('decodes a SHA-1 hex digest to 20 bytes', () => {
		const sha1 = hmac('sha1', CURRENT, CHATZURI_PRETTY);
		expect(decodeSignature(hex(sha1), CHATZURI)).toEqual(sha1);
		expect(decodeSignature(hex(sha1), CHATZURI)).toHaveLength(20);
	});

	it('returns undefined for encodings the scheme does not accept and for wrong lengths', () => {
		expect(decodeSignature(b64(hmac('sha1', CURRENT, 'x')), CHATZURI)).toBeUndefined();
		expect(decodeSignature(hex(digest), { ...BUZZBIP, encoding: ['base64'] })).toBeUndefined();
		expect(decodeSignature(b64(digest), { ...BUZZBIP, encoding: ['hex'] })).toBeUndefined();
		expect(decodeSignature(hex(digest).slice(2), BUZZBIP)).toBeUndefined();
		expect(decodeSignature('', BUZZBIP)).toBeUndefined();
	});

	it('handles SHA-512 lengths', () => {
		const v: HmacVerification = { ...BUZZBIP, algorithm: 'sha512', prefix: 'sha512=' };
		const d = crypto.createHmac('sha512', CURRENT).update(BUZZBIP_BODY).digest();
		expect(decodeSignature(hex(d), v)).toEqual(d);
		expect(decodeSignature(`sha512=${b64(d)}`, v)).toEqual(d);
		expect(decodeSignature(b64url(d).replace(/=+$/, ''), v)).toEqual(d);
		expect(decodeSignature(hex(digest), v)).toBeUndefined();
		expect(verifyRequest(v, request(BUZZBIP_BODY, { 'x-buzzbip-signature': hex(d) }), secrets(CURRENT))).toEqual({ ok: true, matched: 'current' });
	});
});
