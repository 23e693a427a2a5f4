import { createHmac } from 'crypto';

import { digestsEqual, matchSecret } from './constantTime';
import { getHeader, type HeaderBag } from './headers';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

/** A secret carried verbatim in a request header (an API key, a custom header). */
export interface HeaderSecretVerification {
	type: 'header';
	/** A fixed header name, or null when the credential names the header (`headerName`). */
	header: string | null;
	/** The user chose the name: rejection reasons do not repeat it. */
	nameIsSecret?: boolean;
}

/** An HMAC of the request body in a signature header, in n8n's declarative-trigger vocabulary. */
export interface HmacVerification {
	type: 'hmac';
	algorithm: HmacAlgorithm;
	signatureHeader: string;
	/** Encodings accepted for the signature. */
	encoding: SignatureEncoding[];
	/** An optional prefix before the signature, such as `sha256=`; accepted with or without. */
	prefix?: string;
	/**
	 * What is signed: the raw body; or (for providers whose own samples sign a re-serialization)
	 * the raw body or `JSON.stringify(JSON.parse(body))`; or a template of `{id}`, `{timestamp}`
	 * and `{body}` such as Slack's `v0:{timestamp}:{body}`.
	 */
	signedPayload: 'rawBody' | 'rawBodyOrReserialized' | { template: string };
	/**
	 * How the signature header is laid out: one signature (`plain`, the default), Stripe's
	 * `t=<timestamp>,v1=<sig>,v1=<sig>`, or Standard Webhooks' space-separated `v1,<sig>` list.
	 */
	signatureFormat?: 'plain' | 'stripe' | 'standardWebhooks';
	/** The header carrying the timestamp that is signed and checked (Slack, Standard Webhooks). */
	timestampHeader?: string;
	/** The header carrying the message id that is signed (Standard Webhooks). */
	idHeader?: string;
	/** Refuse a timestamp further than this from now: the replay guard of timestamped schemes. */
	toleranceSeconds?: number;
	/** `whsec`: the secret is `whsec_` + base64 of the key bytes (Standard Webhooks, Svix). */
	secretFormat?: 'text' | 'whsec';
}

export type Verification = HeaderSecretVerification | HmacVerification;

export interface Secrets {
	current: string;
	previous?: string;
	/** For header schemes whose header name the user chose. */
	headerName?: string;
}

export interface IncomingRequest {
	rawBody: Buffer;
	headers: HeaderBag;
	/** The body re-serialized as the provider's sample does, when it parses; computed on demand. */
	reserializedBody?: () => Buffer | undefined;
	/** The time to check signed timestamps against; now by default. */
	nowMs?: number;
}

export type Verdict = { ok: true; matched: 'current' | 'previous' } | { ok: false; reason: string };

/** Reasons are safe to send to the caller: they never contain a secret or an expected signature. */
export const Reasons = {
	noSecret: 'credential has no secret configured',
	noHeaderName: 'credential has no header name configured',
	missingHeader: (name: string) => `missing ${name} header`,
	headerMismatch: (name: string) => `${name} header does not match`,
	/**
	 * For a header name the user chose: one reason whether the header is missing or its value is
	 * wrong, so that an answer does not tell a guesser that the name is right.
	 */
	authHeaderRejected: 'authentication header missing or does not match',
	missingSignature: 'missing signature header',
	malformedSignature: 'malformed signature',
	signatureMismatch: 'signature mismatch',
	missingTimestamp: 'missing timestamp',
	malformedTimestamp: 'timestamp is not Unix seconds',
	staleTimestamp: 'timestamp outside the allowed tolerance',
	missingId: 'missing message id header',
	malformedSecret: 'credential secret is not in the expected format',
} as const;

// answers shared by every request, so that a verdict costs no allocation
const OK_CURRENT: Verdict = Object.freeze({ ok: true, matched: 'current' });
const OK_PREVIOUS: Verdict = Object.freeze({ ok: true, matched: 'previous' });

export function verifyRequest(verification: Verification, request: IncomingRequest, secrets: Secrets): Verdict {
	// an empty current secret fails closed even when a previous one is set
	const current = secrets.current;
	if (typeof current !== 'string' || current === '') return { ok: false, reason: Reasons.noSecret };
	const previous = typeof secrets.previous === 'string' && secrets.previous !== '' ? secrets.previous : undefined;
	return verification.type === 'header'
		? verifyHeaderSecret(verification, request, secrets, current, previous)
		: verifyHmac(verification, request, current, previous);
}

function verifyHeaderSecret(
	verification: HeaderSecretVerification,
	request: IncomingRequest,
	secrets: Secrets,
	current: string,
	previous: string | undefined,
): Verdict {
	const fixedName = verification.header;
	const headerName = fixedName ?? secrets.headerName?.trim();
	if (!headerName) return { ok: false, reason: Reasons.noHeaderName };
	// a header name the user chose is part of what the caller must know: do not echo it
	const named = fixedName !== null && verification.nameIsSecret !== true;
	const received = getHeader(request.headers, headerName);
	if (named && (received === undefined || received === '')) return { ok: false, reason: Reasons.missingHeader(fixedName) };
	// every candidate is compared, so the time does not tell which one matched (nor, for a name
	// the user chose, whether the header was there at all: a missing one is compared as empty,
	// which never matches, the secrets being non-empty)
	const index = matchSecret(received ?? '', previous === undefined ? [current] : [current, previous]);
	if (index === 0) return OK_CURRENT;
	if (index === 1) return OK_PREVIOUS;
	return { ok: false, reason: named ? Reasons.headerMismatch(fixedName) : Reasons.authHeaderRejected };
}

const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };

/**
 * Decodes a signature header value into digest bytes, checking its form before any crypto runs:
 * optional prefix, then hex or (padded or unpadded, standard or URL-safe) base64 of exactly the
 * digest's length. Returns undefined for anything else.
 */
export function decodeSignature(value: string, verification: HmacVerification): Buffer | undefined {
	return decodeTrimmed(value.trim(), verification);
}

/** Whether `text` starts with `prefix`, ignoring ASCII case, without building a lower-cased copy. */
function startsWithIgnoringCase(text: string, prefix: string): boolean {
	if (text.length < prefix.length) return false;
	for (let i = 0; i < prefix.length; i++) {
		const a = text.charCodeAt(i);
		const b = prefix.charCodeAt(i);
		// beyond ASCII, lower-casing can change a length (İ): the general comparison decides
		if ((a | b) >= 0x80) return text.toLowerCase().startsWith(prefix.toLowerCase());
		if (a === b) continue;
		// A-Z and a-z differ by 0x20 only; anything else must match exactly
		const lower = a | 0x20;
		if (lower !== (b | 0x20) || lower < 0x61 || lower > 0x7a) return false;
	}
	return true;
}

/** The value of one hex digit, or -1 (also for any character beyond ASCII). */
function hexDigit(code: number): number {
	if (code >= 0x30 && code <= 0x39) return code - 0x30;
	const lower = code | 0x20;
	return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * `text` (2 × bytes characters) as bytes when every character is a hex digit, else undefined: the
 * test of /^[0-9a-fA-F]+$/ and the decoding in one pass, half the time of the two. (Buffer.from(text,
 * 'hex') alone is no test: it reads a character's low byte, so one beyond Latin-1 can pass as a digit.)
 */
function decodeHex(text: string, bytes: number): Buffer | undefined {
	const out = Buffer.allocUnsafe(bytes);
	for (let i = 0; i < bytes; i++) {
		const high = hexDigit(text.charCodeAt(2 * i));
		const low = hexDigit(text.charCodeAt(2 * i + 1));
		if ((high | low) < 0) return undefined;
		out[i] = (high << 4) | low;
	}
	return out;
}

/** decodeSignature over an already trimmed value. */
function decodeTrimmed(value: string, verification: HmacVerification): Buffer | undefined {
	let text = value;
	const prefix = verification.prefix;
	if (prefix && startsWithIgnoringCase(text, prefix)) text = text.slice(prefix.length);
	const bytes = DIGEST_BYTES[verification.algorithm];
	const encoding = verification.encoding;
	if (text.length === bytes * 2 && encoding.includes('hex')) {
		const decoded = decodeHex(text, bytes);
		if (decoded !== undefined) return decoded;
	}
	if (encoding.includes('base64') && /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
		const unpadded = text.replace(/=+$/, '');
		if (unpadded.length === Math.ceil((bytes * 4) / 3)) {
			const decoded = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
			if (decoded.length === bytes) return decoded;
		}
	}
	return undefined;
}

export function hmacDigest(algorithm: HmacAlgorithm, secret: string | Buffer, payload: Buffer | string): Buffer {
	// the same bytes as digest(): a latin1 ('binary') string turned into a Buffer is the faster way there on Node 24
	return Buffer.from(createHmac(algorithm, secret).update(payload).digest('binary'), 'latin1');
}

/** The signatures a header carries (several during a key roll) and the timestamp some formats add. */
export function readSignatureHeader(value: string, format: HmacVerification['signatureFormat'] = 'plain'): { signatures: string[]; timestamp?: string } {
	if (format === 'stripe') {
		const signatures: string[] = [];
		let timestamp: string | undefined;
		for (const part of value.split(',')) {
			const at = part.indexOf('=');
			const key = part.slice(0, at).trim();
			const item = part.slice(at + 1).trim();
			if (key === 't') timestamp = item;
			else if (key === 'v1') signatures.push(item);
		}
		return { signatures, timestamp };
	}
	if (format === 'standardWebhooks') {
		return {
			signatures: value
				.split(' ')
				.filter((part) => part.startsWith('v1,'))
				.map((part) => part.slice(3)),
		};
	}
	return { signatures: [value] };
}

/** The bytes a template such as `{id}.{timestamp}.{body}` stands for; the body stays raw bytes. */
export function renderSignedPayload(template: string, rawBody: Buffer, fields: { id?: string; timestamp?: string }): Buffer {
	const fill = (text: string) => text.replace(/\{timestamp\}/g, fields.timestamp ?? '').replace(/\{id\}/g, fields.id ?? '');
	const parts = template.split('{body}');
	const chunks: Buffer[] = [];
	parts.forEach((part, index) => {
		if (index > 0) chunks.push(rawBody);
		chunks.push(Buffer.from(fill(part), 'utf8'));
	});
	return Buffer.concat(chunks);
}

/** The HMAC key for a secret: its UTF-8 bytes, or the decoded key of a `whsec_` secret. */
export function hmacKey(secret: string, format: HmacVerification['secretFormat'] = 'text'): string | Buffer | undefined {
	if (format !== 'whsec') return secret;
	const encoded = secret.startsWith('whsec_') ? secret.slice(6) : secret;
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
	const key = Buffer.from(encoded, 'base64');
	return key.length > 0 ? key : undefined;
}

/** Header names as getHeader looks them up, lower-cased once per configured name, not per request. */
const lowerCasedNames = new Map<string, string>();
function lowerCased(name: string): string {
	let lower = lowerCasedNames.get(name);
	if (lower === undefined) {
		if (lowerCasedNames.size >= 64) lowerCasedNames.clear();
		lower = name.toLowerCase();
		lowerCasedNames.set(name, lower);
	}
	return lower;
}

function verifyHmac(verification: HmacVerification, request: IncomingRequest, current: string, previous: string | undefined): Verdict {
	const found = getHeader(request.headers, lowerCased(verification.signatureHeader));
	// trimmed once, for the emptiness test and the decoding
	const header = found?.trim();
	if (header === undefined || header === '') return { ok: false, reason: Reasons.missingSignature };
	const format = verification.signatureFormat ?? 'plain';
	let received: Buffer[];
	let layoutTimestamp: string | undefined;
	if (format === 'plain') {
		// one signature: no layout to read
		const signature = decodeTrimmed(header, verification);
		if (signature === undefined) return { ok: false, reason: Reasons.malformedSignature };
		received = [signature];
	} else {
		const layout = readSignatureHeader(found!, format);
		layoutTimestamp = layout.timestamp;
		received = [];
		for (const text of layout.signatures) {
			const signature = decodeSignature(text, verification);
			if (signature !== undefined) received.push(signature);
		}
		if (received.length === 0) return { ok: false, reason: Reasons.malformedSignature };
	}

	const template = typeof verification.signedPayload === 'object' ? verification.signedPayload.template : undefined;
	const timestamp = verification.timestampHeader ? getHeader(request.headers, verification.timestampHeader)?.trim() : layoutTimestamp;
	const needsTimestamp = verification.toleranceSeconds !== undefined || template?.includes('{timestamp}') === true;
	if (needsTimestamp) {
		if (!timestamp) return { ok: false, reason: Reasons.missingTimestamp };
		// always checked, with a tolerance or without: a timestamp that may hold any character
		// makes a template such as `{timestamp}.{body}` ambiguous (part of the body could be read
		// as part of the timestamp, and the rest accepted as a body that was never signed)
		if (!isUnixSeconds(timestamp)) return { ok: false, reason: Reasons.malformedTimestamp };
	}
	if (verification.toleranceSeconds !== undefined) {
		const now = (request.nowMs ?? Date.now()) / 1000;
		if (!(Math.abs(now - Number(timestamp)) <= verification.toleranceSeconds)) return { ok: false, reason: Reasons.staleTimestamp };
	}
	const id = verification.idHeader ? getHeader(request.headers, verification.idHeader)?.trim() : undefined;
	if (template?.includes('{id}') && !id) return { ok: false, reason: Reasons.missingId };

	// the keys, once for every payload tried
	const currentKey = hmacKey(current, verification.secretFormat);
	const previousKey = previous === undefined ? undefined : hmacKey(previous, verification.secretFormat);
	if (currentKey === undefined && previousKey === undefined) return { ok: false, reason: Reasons.malformedSecret };

	const signed = template !== undefined ? renderSignedPayload(template, request.rawBody, { id, timestamp }) : request.rawBody;
	const verdict = matchHmac(verification.algorithm, signed, received, currentKey, previousKey);
	if (verdict !== undefined) return verdict;
	if (verification.signedPayload === 'rawBodyOrReserialized' && request.reserializedBody) {
		// computed only when the raw bytes did not match
		const reserialized = request.reserializedBody();
		if (reserialized !== undefined) {
			const second = matchHmac(verification.algorithm, reserialized, received, currentKey, previousKey);
			if (second !== undefined) return second;
		}
	}
	return { ok: false, reason: Reasons.signatureMismatch };
}

/** 1 to 12 decimal digits: Unix seconds, the form of every timestamp the schemes here sign. */
function isUnixSeconds(text: string): boolean {
	if (text.length > 12) return false;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x30 || code > 0x39) return false;
	}
	return true;
}

function matchHmac(
	algorithm: HmacAlgorithm,
	bytes: Buffer,
	received: Buffer[],
	currentKey: string | Buffer | undefined,
	previousKey: string | Buffer | undefined,
): Verdict | undefined {
	if (currentKey !== undefined && anyEqual(received, hmacDigest(algorithm, currentKey, bytes))) return OK_CURRENT;
	if (previousKey !== undefined && anyEqual(received, hmacDigest(algorithm, previousKey, bytes))) return OK_PREVIOUS;
	return undefined;
}

function anyEqual(received: Buffer[], expected: Buffer): boolean {
	for (let i = 0; i < received.length; i++) if (digestsEqual(received[i], expected)) return true;
	return false;
}
