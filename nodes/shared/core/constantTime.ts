import { timingSafeEqual } from 'crypto';

import { sha256Digest } from './hash';

/** Digests of the expected secrets, so each request hashes only what it received. */
const expectedDigests = new Map<string, Buffer>();
const MAX_CACHED_SECRETS = 64;

function digestOf(secret: string): Buffer {
	return sha256Digest(secret);
}

function expectedDigest(secret: string): Buffer {
	let digest = expectedDigests.get(secret);
	if (digest === undefined) {
		if (expectedDigests.size >= MAX_CACHED_SECRETS) expectedDigests.clear();
		digest = digestOf(secret);
		expectedDigests.set(secret, digest);
	}
	return digest;
}

/**
 * Compares a received secret with the expected ones in constant time, whatever their lengths: the
 * received value is hashed to 32 bytes and compared with each expected secret's digest, so neither
 * the content nor the length of a secret leaks through timing. Returns the index of the first
 * match, or -1; every candidate is compared.
 */
export function matchSecret(received: string, expected: readonly string[]): number {
	const digest = digestOf(received);
	let match = -1;
	for (let i = 0; i < expected.length; i++) {
		if (timingSafeEqual(digest, expectedDigest(expected[i])) && match === -1) match = i;
	}
	return match;
}

/** Compares two secrets in constant time, whatever their lengths. */
export function secretsEqual(received: string, expected: string): boolean {
	return matchSecret(received, [expected]) === 0;
}

/** Compares two digests in constant time; unequal lengths are answered at once (lengths are public). */
export function digestsEqual(received: Buffer, expected: Buffer): boolean {
	return received.length === expected.length && timingSafeEqual(received, expected);
}
