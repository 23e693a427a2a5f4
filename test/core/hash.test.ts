import { sha256Hex } from '../../nodes/shared/core/hash';

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
