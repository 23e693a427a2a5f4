/** A small HTTP client and a poller, without dependencies (n8n's REST and public API, webhooks). */
import * as http from 'node:http';

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export interface HttpRequestOptions {
	method?: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** No answer within this many ms rejects (default 30 s). */
	timeoutMs?: number;
}

/** Resolves `{ status, headers, body }` with the body as text; no answer in `timeoutMs` rejects. */
export function httpRequest(url: string, { method = 'GET', headers = {}, body, timeoutMs = 30000 }: HttpRequestOptions = {}): Promise<HttpResponse> {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer in ${Math.round(timeoutMs / 1000)} s`)));
		if (body !== undefined) req.write(body);
		req.end();
	});
}

export interface WaitOptions {
	timeoutMs?: number;
	intervalMs?: number;
	what?: string;
}

/** An error that ends a `waitFor` at once (waiting cannot help, e.g. n8n exited). */
export function fatal(message: string): Error {
	return Object.assign(new Error(message), { fatal: true });
}

/** Polls `check` (a truthy value when done) every `intervalMs` until `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, { timeoutMs = 120000, intervalMs = 500, what = 'condition' }: WaitOptions = {}): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: Error | undefined;
	for (;;) {
		try {
			const value = await check();
			if (value) return value;
		} catch (err) {
			if (err && (err as { fatal?: boolean }).fatal) throw err;
			lastError = err as Error;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

export const TIMEOUT = Symbol('timeout');

/** Resolves with the promise's value, or with TIMEOUT after `ms`; leaves no timer behind. */
export async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<typeof TIMEOUT>((resolve) => {
		timer = setTimeout(resolve, ms, TIMEOUT);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}
