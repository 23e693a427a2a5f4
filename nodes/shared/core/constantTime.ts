import { createHash, timingSafeEqual } from 'crypto';

/**
 * Compares two secrets in constant time, whatever their lengths: both sides are hashed to 32 bytes
 * first, so neither the content nor the length of the expected secret leaks through timing.
 */
export function secretsEqual(received: string, expected: string): boolean {
	const a = createHash('sha256').update(received, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b);
}

/** Compares two digests in constant time; unequal lengths are answered at once (lengths are public). */
export function digestsEqual(received: Buffer, expected: Buffer): boolean {
	return received.length === expected.length && timingSafeEqual(received, expected);
}
