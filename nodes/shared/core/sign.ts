import { PROVIDERS } from '../providers';
import { hmacDigest, type Verification } from './verify';

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
	const digest = hmacDigest(verification.algorithm, secret.secret, rawBody).toString(encoding);
	const prefix = options.withPrefix && verification.prefix ? verification.prefix : '';
	return { [verification.signatureHeader]: `${prefix}${digest}` };
}

/** Signs for a provider of this package by its id (`buzzeasy`, `tracebuzz`, `chatzuri`, `buzzbip`, `apirtc`). */
export function signRequest(provider: string, rawBody: Buffer | string, secret: SigningSecret, options: SignOptions = {}): Record<string, string> {
	const definition = PROVIDERS[provider];
	if (!definition) throw new Error(`unknown provider "${provider}"; known: ${Object.keys(PROVIDERS).join(', ')}`);
	return { ...(definition.defaultHeaders ?? {}), ...signWith(definition.verification, rawBody, secret, options) };
}
