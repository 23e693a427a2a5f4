import { randomBytes, randomInt } from 'crypto';
import { performance } from 'perf_hooks';

import { signRequest, type SignOptions } from '../../../nodes/shared/core/sign';
import type { HmacVerification, Verification } from '../../../nodes/shared/core/verify';
import { findPreset, githubBody, presetHeaders, type GitHubContentType } from './presets';
import { getProvider } from './samples';

export type Tamper = 'none' | 'signature' | 'body';

export interface PreparedRequest {
	url: string;
	method: 'POST';
	headers: Record<string, string>;
	body: string;
}

export interface PrepareOptions extends SignOptions {
	url: string;
	secret: string;
	/** Tracebuzz and ApiRTC: the header the secret travels in. */
	headerName?: string;
	tamper?: Tamper;
	/** For Verified Webhook Trigger presets that name the event in a header (GitHub, Shopify). */
	event?: string;
	/** GitHub: form (`payload=…`, GitHub's default, which the send command uses) or json (when not given). */
	contentType?: GitHubContentType;
}

/** The verification a provider or preset uses. */
export function verificationOf(provider: string): Verification {
	return (findPreset(provider) ?? getProvider(provider)).verification;
}

/** A body changed after signing: one field added, or (a body that is not a JSON object) a byte more. */
function tamperedJson(body: string): string {
	return /}\s*$/.test(body) ? body.replace(/}\s*$/, ',"tampered":true}') : `${body} `;
}

/** Random characters of the secret's length that share no 4 characters in a row with it. */
export function unrelatedValue(secret: string): string {
	const length = Math.max(secret.length, 8);
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	for (;;) {
		const value = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
		let shared = false;
		for (let i = 0; i + 4 <= value.length && !shared; i++) shared = secret.includes(value.slice(i, i + 4));
		if (!shared) return value;
	}
}

/** A key of the scheme's format that is not the secret, drawn at random: nothing derives from the secret. */
function wrongKey(verification: HmacVerification): string {
	return verification.secretFormat === 'whsec' ? `whsec_${randomBytes(32).toString('base64')}` : randomBytes(32).toString('hex');
}

/**
 * Builds the exact request a provider sends: its headers, its authentication, then any tampering.
 * A tampered signature is a real signature made with a random key (or, for a header secret, a random
 * value of the secret's length): it never contains any part of the secret.
 */
export function prepareRequest(provider: string, body: string, options: PrepareOptions): PreparedRequest {
	const preset = findPreset(provider);
	const verification = verificationOf(provider);
	const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
	const id = options.id ?? `msg_${randomBytes(12).toString('hex')}`;
	const contentType = options.contentType ?? 'json';
	const encode = (json: string) => (preset?.value === 'github' ? githubBody(json, contentType) : json);
	const signedBody = encode(body);
	const sentBody = options.tamper === 'body' ? encode(tamperedJson(body)) : signedBody;
	const sign = (secret: string): Record<string, string> =>
		preset
			? presetHeaders(preset, signedBody, { secret, event: options.event ?? 'webhook', contentType, timestamp, id })
			: { 'Content-Type': 'application/json', ...signRequest(getProvider(provider).provider, signedBody, { secret, headerName: options.headerName }, { ...options, timestamp, id }) };
	const headers = sign(options.secret);
	if (options.tamper === 'signature') {
		if (verification.type === 'header') {
			for (const [name, value] of Object.entries(headers)) if (value === options.secret) headers[name] = unrelatedValue(options.secret);
		} else {
			const wrong = sign(wrongKey(verification));
			for (const name of [verification.signatureHeader, 'X-Hub-Signature']) {
				const actual = Object.keys(headers).find((header) => header.toLowerCase() === name.toLowerCase());
				const replacement = Object.keys(wrong).find((header) => header.toLowerCase() === name.toLowerCase());
				if (actual && replacement) headers[actual] = wrong[replacement];
			}
		}
	}
	return { url: options.url, method: 'POST', headers, body: sentBody };
}

export interface SendResult {
	status: number;
	body: string;
	ms: number;
	error?: string;
}

/** POSTs one request; a network failure is a result with status 0 and an error, never a throw. */
export async function sendRequest(request: PreparedRequest, timeoutMs = 15_000): Promise<SendResult> {
	const started = performance.now();
	try {
		const response = await fetch(request.url, {
			method: request.method,
			headers: request.headers,
			body: request.body,
			signal: AbortSignal.timeout(timeoutMs),
		});
		const body = await response.text();
		return { status: response.status, body, ms: performance.now() - started };
	} catch (error) {
		const cause = (error as { cause?: { code?: string; message?: string } }).cause;
		const reason = cause?.code ?? cause?.message ?? (error as Error).message;
		return { status: 0, body: '', ms: performance.now() - started, error: reason };
	}
}

/** Runs `total` sends with at most `concurrency` in flight; `make(i)` gives the i-th request. */
export async function sendMany(make: (index: number) => PreparedRequest, total: number, concurrency: number, timeoutMs?: number): Promise<SendResult[]> {
	const results: SendResult[] = new Array(total);
	let next = 0;
	const worker = async () => {
		while (next < total) {
			const index = next++;
			results[index] = await sendRequest(make(index), timeoutMs);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker));
	return results;
}

export function percentile(sortedMs: number[], p: number): number {
	if (sortedMs.length === 0) return 0;
	const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
	return sortedMs[index];
}
