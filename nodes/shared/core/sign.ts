import { randomBytes } from 'crypto';

import { PROVIDERS } from '../providers';
import { hmacDigest, hmacKey, renderSignedPayload, type Verification } from './verify';

export interface SigningSecret {
	secret: string;
	/** For custom-header schemes: the header the provider sends the secret in. */
	headerName?: string;
}

export interface SignOptions {
	/** For HMAC schemes: which accepted encoding to produce (the first accepted one by default). */
	encoding?: 'hex' | 'base64';
	/** For HMAC schemes: put the scheme's prefix (e.g. `sha256=`) before the signature. */
	withPrefix?: boolean;
	/** For timestamped schemes: the Unix time to sign (now by default). */
	timestamp?: number;
	/** For schemes that sign a message id (Standard Webhooks): the id (random by default). */
	id?: string;
}

/**
 * The authentication headers a provider sends with `rawBody`: the twin of `verifyRequest`, used by
 * the `send` command, the tests and the benchmarks.
 */
export function signWith(verification: Verification, rawBody: Buffer | string, secret: SigningSecret, options: SignOptions = {}): Record<string, string> {
	if (verification.type === 'header') {
		const name = verification.header ?? secret.headerName;
		if (!name) throw new Error('a header name is needed for this provider (headerName)');
		return { [name]: secret.secret };
	}
	const encoding = options.encoding ?? verification.encoding[0];
	if (!verification.encoding.includes(encoding)) throw new Error(`this provider does not accept ${encoding} signatures`);
	const key = hmacKey(secret.secret, verification.secretFormat);
	if (key === undefined) throw new Error('the secret is not in the format this scheme expects (whsec_ + base64)');
	const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8');
	const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
	const id = options.id ?? `msg_${randomBytes(12).toString('hex')}`;
	const headers: Record<string, string> = {};
	const template = typeof verification.signedPayload === 'object' ? verification.signedPayload.template : undefined;
	const payload = template === undefined ? body : renderSignedPayload(template, body, { id, timestamp });
	const digest = hmacDigest(verification.algorithm, key, payload).toString(encoding);
	const prefix = options.withPrefix && verification.prefix ? verification.prefix : '';
	if (verification.timestampHeader) headers[verification.timestampHeader] = timestamp;
	if (verification.idHeader) headers[verification.idHeader] = id;
	if (verification.signatureFormat === 'stripe') headers[verification.signatureHeader] = `t=${timestamp},v1=${digest}`;
	else if (verification.signatureFormat === 'standardWebhooks') headers[verification.signatureHeader] = `v1,${digest}`;
	else headers[verification.signatureHeader] = `${prefix}${digest}`;
	return headers;
}

/** Signs for a provider of this package by its id (`buzzeasy`, `tracebuzz`, `chatzuri`, `buzzbip`, `apirtc`). */
export function signRequest(provider: string, rawBody: Buffer | string, secret: SigningSecret, options: SignOptions = {}): Record<string, string> {
	const definition = Object.prototype.hasOwnProperty.call(PROVIDERS, provider) ? PROVIDERS[provider] : undefined;
	if (!definition) throw new Error(`unknown provider "${provider}"; known: ${Object.keys(PROVIDERS).join(', ')}`);
	return { ...(definition.defaultHeaders ?? {}), ...signWith(definition.verification, rawBody, secret, options) };
}
