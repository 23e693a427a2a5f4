import { sha256Hex } from './hash';

/**
 * The delivery key: what deliveries are deduplicated by, and the item's `deliveryKey`. Either the
 * event's own id (when the signature covers it), as the provider spells it, or, for an event
 * without one, a body key: `sha256:` and the lower-case hex SHA-256 of the bytes that identify the
 * body. This module is the only place that builds a body key or recognizes one.
 */
export const BODY_KEY_PREFIX = 'sha256:';

/** The length of a body key: the prefix and 64 hex digits. */
export const BODY_KEY_LENGTH = BODY_KEY_PREFIX.length + 64;

/** What every body key matches (for checks and tests; `digestOfBodyKey` is the fast test). */
export const BODY_KEY_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** The body key of a digest already computed (lower-case hex SHA-256). */
export function bodyKeyOfDigest(hexDigest: string): string {
	return BODY_KEY_PREFIX + hexDigest;
}

/** The body key of these bytes (a string is hashed as UTF-8), hashed now. */
export function bodyKey(bytes: Buffer | string): string {
	return BODY_KEY_PREFIX + sha256Hex(bytes);
}

/**
 * The 64 characters after the prefix when the key has a body key's shape (its length and prefix),
 * else undefined. Does not check that they are hex digits: a caller that relies on them does.
 */
export function digestOfBodyKey(key: string): string | undefined {
	return key.length === BODY_KEY_LENGTH && key.startsWith(BODY_KEY_PREFIX) ? key.slice(BODY_KEY_PREFIX.length) : undefined;
}

/** Whether the key is a body key (`sha256:` and 64 lower-case hex digits). */
export function isBodyKey(key: string): boolean {
	return digestOfBodyKey(key) !== undefined && BODY_KEY_PATTERN.test(key);
}
