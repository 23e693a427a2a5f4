import { sha256Digest, sha256DigestFallback, sha256Hex, sha256HexFallback } from '../../nodes/shared/core/hash';

describe('sha256Hex', () => {
	it('matches the FIPS 180-2 vectors', () => {
		expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
	});

	it('hashes a Buffer and the same UTF-8 string alike', () => {
		const text = '{"event":"update","time":1575976413}';
		expect(sha256Hex(Buffer.from(text, 'utf8'))).toBe(sha256Hex(text));
		expect(sha256Hex(text)).toMatch(/^[0-9a-f]{64}$/);
		expect(sha256Hex(`${text} `)).not.toBe(sha256Hex(text));
	});
});

describe('sha256Hex / sha256Digest: the one-shot path and the createHash fallback agree', () => {
	const inputs: Array<Buffer | string> = ['', 'abc', 'päss wörd 🙂', '\ud800 lone surrogate', Buffer.alloc(0), Buffer.from([0, 255, 128, 10]), 'x'.repeat(70_000), Buffer.alloc(1 << 20, 7)];

	it.each(inputs.map((input) => [input]))('for %#', (input) => {
		expect(sha256Hex(input)).toBe(sha256HexFallback(input));
		expect(sha256Digest(input).equals(sha256DigestFallback(input))).toBe(true);
		expect(sha256Digest(input).toString('hex')).toBe(sha256Hex(input));
		expect(sha256Digest(input)).toHaveLength(32);
	});

	it('the fallback matches the FIPS 180-2 vector', () => {
		expect(sha256HexFallback('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
	});

	it('hashes a string as its UTF-8 bytes on both paths', () => {
		const text = 'é€𝄞';
		expect(sha256Digest(text).equals(sha256DigestFallback(Buffer.from(text, 'utf8')))).toBe(true);
		expect(sha256Hex(text)).toBe(sha256HexFallback(Buffer.from(text, 'utf8')));
	});
});
