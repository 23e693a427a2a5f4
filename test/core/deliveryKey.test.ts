import { BODY_KEY_LENGTH, BODY_KEY_PATTERN, BODY_KEY_PREFIX, bodyKey, bodyKeyOfDigest, digestOfBodyKey, isBodyKey } from '../../nodes/shared/core/deliveryKey';
import { storageKey } from '../../nodes/shared/core/dedupe';

// SHA-256("abc"), FIPS 180-2 appendix B.1
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('the delivery key module', () => {
	it('builds a body key as `sha256:` and the lower-case hex SHA-256 of the bytes (a string as UTF-8)', () => {
		expect(BODY_KEY_PREFIX).toBe('sha256:');
		expect(BODY_KEY_LENGTH).toBe(71);
		expect(bodyKey('abc')).toBe(`sha256:${ABC}`);
		expect(bodyKey(Buffer.from('abc'))).toBe(`sha256:${ABC}`);
		expect(bodyKeyOfDigest(ABC)).toBe(`sha256:${ABC}`);
		expect(bodyKey('é')).toBe(bodyKey(Buffer.from('é', 'utf8')));
		expect(bodyKey('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
	});

	it('recognizes body keys, and nothing else', () => {
		expect(isBodyKey(bodyKey('x'))).toBe(true);
		expect(BODY_KEY_PATTERN.test(bodyKey('x'))).toBe(true);
		for (const other of ['evt_1', `SHA256:${ABC}`, `sha256:${ABC.toUpperCase()}`, `sha256:${ABC}0`, `sha256:${ABC.slice(1)}`, `sha256:${ABC.slice(0, 63)}g`, `sha1:${ABC}`, '']) {
			expect(isBodyKey(other)).toBe(false);
		}
	});

	it('digestOfBodyKey gives the digest of a key of a body key shape (length and prefix)', () => {
		expect(digestOfBodyKey(bodyKey('abc'))).toBe(ABC);
		expect(digestOfBodyKey(`sha256:${'Z'.repeat(64)}`)).toBe('Z'.repeat(64));
		expect(digestOfBodyKey(`sha256:${ABC}0`)).toBeUndefined();
		expect(digestOfBodyKey(ABC)).toBeUndefined();
	});

	it('the dedupe store keeps 64 bits of a body key, recognized through the module', () => {
		expect(storageKey(bodyKey('abc'))).toBe(`~${Buffer.from(ABC.slice(0, 16), 'hex').toString('base64url')}`);
		// an event id that merely starts like one is kept as it is
		expect(storageKey('sha256:00')).toBe('sha256:00');
	});
});
