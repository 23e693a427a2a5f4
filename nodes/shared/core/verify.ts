import { createHmac } from 'crypto';

import { digestsEqual, secretsEqual } from './constantTime';
import { getHeader, type HeaderBag } from './headers';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

/** A secret carried verbatim in a request header (an API key, a custom header). */
export interface HeaderSecretVerification {
	type: 'header';
	/** A fixed header name, or null when the credential names the header (`headerName`). */
	header: string | null;
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
	 * What is signed: the raw body, or (for providers whose own samples sign a re-serialization)
	 * the raw body or `JSON.stringify(JSON.parse(body))`.
	 */
	signedPayload: 'rawBody' | 'rawBodyOrReserialized';
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
}

export type Verdict = { ok: true; matched: 'current' | 'previous' } | { ok: false; reason: string };

/** Reasons are safe to send to the caller: they never contain a secret or an expected signature. */
export const Reasons = {
	noSecret: 'credential has no secret configured',
	noHeaderName: 'credential has no header name configured',
	missingHeader: (name: string) => `missing ${name} header`,
	headerMismatch: (name: string) => `${name} header does not match`,
	missingAuthHeader: 'missing authentication header',
	authHeaderMismatch: 'authentication header does not match',
	missingSignature: 'missing signature header',
	malformedSignature: 'malformed signature',
	signatureMismatch: 'signature mismatch',
} as const;

export function verifyRequest(verification: Verification, request: IncomingRequest, secrets: Secrets): Verdict {
	const candidates = secretCandidates(secrets);
	if (candidates.length === 0) return { ok: false, reason: Reasons.noSecret };
	return verification.type === 'header'
		? verifyHeaderSecret(verification, request, secrets, candidates)
		: verifyHmac(verification, request, candidates);
}

function secretCandidates(secrets: Secrets): Array<[string, 'current' | 'previous']> {
	const list: Array<[string, 'current' | 'previous']> = [];
	// an empty current secret fails closed even when a previous one is set
	if (typeof secrets.current !== 'string' || secrets.current === '') return list;
	list.push([secrets.current, 'current']);
	if (typeof secrets.previous === 'string' && secrets.previous !== '') list.push([secrets.previous, 'previous']);
	return list;
}

function verifyHeaderSecret(
	verification: HeaderSecretVerification,
	request: IncomingRequest,
	secrets: Secrets,
	candidates: Array<[string, 'current' | 'previous']>,
): Verdict {
	const fixedName = verification.header;
	const headerName = fixedName ?? secrets.headerName?.trim();
	if (!headerName) return { ok: false, reason: Reasons.noHeaderName };
	// a header name the user chose is part of what the caller must know: do not echo it
	const missing = fixedName ? Reasons.missingHeader(fixedName) : Reasons.missingAuthHeader;
	const mismatch = fixedName ? Reasons.headerMismatch(fixedName) : Reasons.authHeaderMismatch;
	const received = getHeader(request.headers, headerName);
	if (received === undefined || received === '') return { ok: false, reason: missing };
	let matched: 'current' | 'previous' | undefined;
	for (const [secret, which] of candidates) {
		// every candidate is compared, so the time does not tell which one matched
		if (secretsEqual(received, secret) && matched === undefined) matched = which;
	}
	return matched ? { ok: true, matched } : { ok: false, reason: mismatch };
}

const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };

/**
 * Decodes a signature header value into digest bytes, checking its form before any crypto runs:
 * optional prefix, then hex or (padded or unpadded, standard or URL-safe) base64 of exactly the
 * digest's length. Returns undefined for anything else.
 */
export function decodeSignature(value: string, verification: HmacVerification): Buffer | undefined {
	let text = value.trim();
	const prefix = verification.prefix;
	if (prefix && text.toLowerCase().startsWith(prefix.toLowerCase())) text = text.slice(prefix.length);
	const bytes = DIGEST_BYTES[verification.algorithm];
	if (verification.encoding.includes('hex') && text.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(text)) {
		return Buffer.from(text, 'hex');
	}
	if (verification.encoding.includes('base64') && /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
		const unpadded = text.replace(/=+$/, '');
		if (unpadded.length === Math.ceil((bytes * 4) / 3)) {
			const decoded = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
			if (decoded.length === bytes) return decoded;
		}
	}
	return undefined;
}

export function hmacDigest(algorithm: HmacAlgorithm, secret: string, payload: Buffer | string): Buffer {
	return createHmac(algorithm, secret).update(payload).digest();
}

function verifyHmac(
	verification: HmacVerification,
	request: IncomingRequest,
	candidates: Array<[string, 'current' | 'previous']>,
): Verdict {
	const header = getHeader(request.headers, verification.signatureHeader);
	if (header === undefined || header.trim() === '') return { ok: false, reason: Reasons.missingSignature };
	const received = decodeSignature(header, verification);
	if (!received) return { ok: false, reason: Reasons.malformedSignature };

	const payloads: Array<() => Buffer | undefined> = [() => request.rawBody];
	if (verification.signedPayload === 'rawBodyOrReserialized' && request.reserializedBody) {
		payloads.push(request.reserializedBody);
	}
	for (const payload of payloads) {
		const bytes = payload();
		if (bytes === undefined) continue;
		for (const [secret, which] of candidates) {
			if (digestsEqual(received, hmacDigest(verification.algorithm, secret, bytes))) return { ok: true, matched: which };
		}
	}
	return { ok: false, reason: Reasons.signatureMismatch };
}
