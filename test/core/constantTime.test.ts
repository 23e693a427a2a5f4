import { digestsEqual, secretsEqual } from '../../nodes/shared/core/constantTime';

describe('secretsEqual', () => {
	it('is true for identical secrets', () => {
		expect(secretsEqual('s3cret', 's3cret')).toBe(true);
		expect(secretsEqual('', '')).toBe(true);
		expect(secretsEqual('päss wörd 🙂', 'päss wörd 🙂')).toBe(true);
		const long = 'x'.repeat(10_000);
		expect(secretsEqual(long, `${long}`)).toBe(true);
	});

	it('is false for any difference: content, case, length, whitespace', () => {
		expect(secretsEqual('s3cret', 's3creT')).toBe(false);
		expect(secretsEqual('s3cret', 'S3CRET')).toBe(false);
		expect(secretsEqual('s3cret', 's3cre')).toBe(false);
		expect(secretsEqual('s3cret', 's3cret ')).toBe(false);
		expect(secretsEqual('s3cret', ' s3cret')).toBe(false);
		expect(secretsEqual('', 's3cret')).toBe(false);
		expect(secretsEqual('s3cret', '')).toBe(false);
	});

	it('compares Unicode by its UTF-8 bytes (no normalisation)', () => {
		// "é" precomposed vs. "e" + combining acute accent
		expect(secretsEqual('caf\u00e9', 'cafe\u0301')).toBe(false);
	});

	it('does not throw on unequal lengths (both sides are hashed first)', () => {
		expect(() => secretsEqual('a', 'a'.repeat(1000))).not.toThrow();
		expect(secretsEqual('a', 'a'.repeat(1000))).toBe(false);
	});
});

describe('digestsEqual', () => {
	const a = Buffer.from('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8', 'hex');

	it('is true for equal bytes', () => {
		expect(digestsEqual(a, Buffer.from(a))).toBe(true);
		expect(digestsEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
	});

	it('is false when one byte or one bit differs', () => {
		for (const at of [0, 15, 31]) {
			const b = Buffer.from(a);
			b[at] ^= 0x01;
			expect(digestsEqual(a, b)).toBe(false);
			expect(digestsEqual(b, a)).toBe(false);
		}
	});

	it('is false, without throwing, for unequal lengths', () => {
		expect(() => digestsEqual(a, a.subarray(0, 20))).not.toThrow();
		expect(digestsEqual(a, a.subarray(0, 20))).toBe(false);
		expect(digestsEqual(a.subarray(0, 20), a)).toBe(false);
		expect(digestsEqual(Buffer.alloc(0), a)).toBe(false);
		expect(digestsEqual(a, Buffer.concat([a, Buffer.from([0])]))).toBe(false);
	});
});
