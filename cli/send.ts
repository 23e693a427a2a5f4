import { performance } from 'perf_hooks';

import { signRequest, signWith, type SignOptions } from '../nodes/shared/core/sign';
import { findPreset, presetHeaders } from './presets';
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
}

/** The authentication (and, for presets, event) headers of a provider or a preset. */
function authenticationHeaders(provider: string, body: string, options: PrepareOptions): Record<string, string> {
	const preset = findPreset(provider);
	if (preset) {
		const signed = signWith(preset.verification, body, { secret: options.secret }, options);
		return { ...presetHeaders(preset, options.event ?? 'webhook', signed), ...signed };
	}
	const definition = getProvider(provider);
	return signRequest(definition.provider, body, { secret: options.secret, headerName: options.headerName }, options);
}

/** Builds the exact request a provider sends: its headers, its authentication, then any tampering. */
export function prepareRequest(provider: string, body: string, options: PrepareOptions): PreparedRequest {
	const auth = authenticationHeaders(provider, body, options);
	const headers: Record<string, string> = { 'Content-Type': 'application/json', ...auth };
	let sentBody = body;
	if (options.tamper === 'signature') {
		const preset = findPreset(provider);
		const signatureHeader = preset?.verification.type === 'hmac' ? preset.verification.signatureHeader : undefined;
		const name = signatureHeader ?? Object.keys(auth).find((header) => header.toLowerCase() !== 'user-agent')!;
		headers[name] = flipLastCharacter(headers[name]);
	} else if (options.tamper === 'body') {
		// one byte changed after signing: a signature scheme must notice, a header scheme cannot
		sentBody = body.replace(/}\s*$/, ',"tampered":true}');
	}
	return { url: options.url, method: 'POST', headers, body: sentBody };
}

function flipLastCharacter(value: string): string {
	const last = value[value.length - 1];
	const replacement = last === '0' ? '1' : last === 'A' ? 'B' : last === 'a' ? 'b' : '0';
	return value.slice(0, -1) + replacement;
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
