import * as crypto from 'crypto';

type OneShotHash = (algorithm: string, data: crypto.BinaryLike, outputEncoding: 'hex' | 'latin1') => string;

/**
 * `crypto.hash` (Node ≥ 20.12 / 21.7, so always on n8n 2.x): a one-shot digest without a Hash
 * object, about a third faster at 1 KiB. Asked for as text: on Node 24 its `'buffer'` output is
 * slower than `createHash` (a latin1 string turned into a Buffer is not).
 */
const oneShot = typeof (crypto as { hash?: unknown }).hash === 'function' ? ((crypto as unknown as { hash: OneShotHash }).hash) : undefined;

/** The createHash path, for a Node without `crypto.hash` (and for the tests that compare the two). */
export function sha256HexFallback(bytes: Buffer | string): string {
	return crypto.createHash('sha256').update(bytes).digest('hex');
}

export function sha256DigestFallback(bytes: Buffer | string): Buffer {
	return crypto.createHash('sha256').update(bytes).digest();
}

/** Lower-case hex SHA-256 of the bytes (a string is hashed as UTF-8). */
export const sha256Hex: (bytes: Buffer | string) => string = oneShot ? (bytes) => oneShot('sha256', bytes, 'hex') : sha256HexFallback;

/** The 32 bytes of the SHA-256 of the bytes (a string is hashed as UTF-8). */
export const sha256Digest: (bytes: Buffer | string) => Buffer = oneShot
	? (bytes) => Buffer.from(oneShot('sha256', bytes, 'latin1'), 'latin1')
	: sha256DigestFallback;

/**
 * From this size up, the body key's SHA-256 is worth handing to libuv's thread pool while the main
 * thread parses and validates (scripts/bench/inprocess.cjs, BENCHMARKS.md): below it, the hand-off
 * (a copy of the bytes, a job, a callback, a turn of the event loop) costs more than the digest.
 */
export const OFF_THREAD_HASH_BYTES = 512 * 1024;

type Subtle = { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> };
const subtle: Subtle | undefined = (crypto as { webcrypto?: { subtle?: Subtle } }).webcrypto?.subtle;

/**
 * Lower-case hex SHA-256 of the bytes, computed off the main thread (WebCrypto's digest runs in
 * libuv's thread pool): the same value as `sha256Hex`, the same CPU in all, less of it on the
 * thread that serves every webhook. Never rejects: undefined when the digest could not be had,
 * and the caller then hashes on the main thread. Undefined at once without WebCrypto.
 */
export function sha256HexOffMainThread(bytes: Buffer): Promise<string | undefined> | undefined {
	if (subtle === undefined) return undefined;
	try {
		return subtle.digest('SHA-256', bytes).then(
			(digest) => Buffer.from(digest).toString('hex'),
			() => undefined,
		);
	} catch {
		return undefined;
	}
}
