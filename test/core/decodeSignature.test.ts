import { decodeSignature, type HmacVerification } from '../../nodes/shared/core/verify';

/** The decoder as it was before the prefix test stopped lower-casing the whole value. */
function reference(value: string, verification: HmacVerification): Buffer | undefined {
	let text = value.trim();
	const prefix = verification.prefix;
	if (prefix && text.toLowerCase().startsWith(prefix.toLowerCase())) text = text.slice(prefix.length);
	const bytes = { sha1: 20, sha256: 32, sha512: 64 }[verification.algorithm];
	if (verification.encoding.includes('hex') && text.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(text)) return Buffer.from(text, 'hex');
	if (verification.encoding.includes('base64') && /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
		const unpadded = text.replace(/=+$/, '');
		if (unpadded.length === Math.ceil((bytes * 4) / 3)) {
			const decoded = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
			if (decoded.length === bytes) return decoded;
		}
	}
	return undefined;
}

const schemes: HmacVerification[] = [
	{ type: 'hmac', algorithm: 'sha256', signatureHeader: 'x', encoding: ['hex', 'base64'], prefix: 'sha256=', signedPayload: 'rawBody' },
	{ type: 'hmac', algorithm: 'sha1', signatureHeader: 'x', encoding: ['hex'], prefix: 'sha1=', signedPayload: 'rawBodyOrReserialized' },
	{ type: 'hmac', algorithm: 'sha256', signatureHeader: 'x', encoding: ['base64'], prefix: 'Kİk=', signedPayload: 'rawBody' },
	{ type: 'hmac', algorithm: 'sha512', signatureHeader: 'x', encoding: ['hex'], signedPayload: 'rawBody' },
];

describe('decodeSignature: the ASCII prefix test accepts and rejects as lower-casing the whole value did', () => {
	let seed = 7;
	const random = (n: number) => {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff;
		return seed % n;
	};
	const prefixes = ['', 'sha256=', 'SHA256=', 'Sha256=', 'sha1=', 'SHA1=', 'sha256:', 'sha25', 'kİk=', '\u212Aİk=', 'KI\u0307K=', 'ſha1=', ' sha1=', 'sha1= ', '=', '\u00e9'];
	const hex = (bytes: number) => Buffer.from(Array.from({ length: bytes }, () => random(256))).toString('hex');

	it.each(schemes.map((scheme) => [scheme.algorithm, scheme.prefix ?? '(none)', scheme]))('%s %s', (_a, _p, scheme) => {
		const bytes = { sha1: 20, sha256: 32, sha512: 64 }[scheme.algorithm];
		for (let i = 0; i < 3000; i++) {
			const body = [hex(bytes), hex(bytes).toUpperCase(), Buffer.from(hex(bytes), 'hex').toString('base64'), Buffer.from(hex(bytes), 'hex').toString('base64url'), hex(bytes).slice(1), `${hex(bytes).slice(2)}\u0130\u0130`, `${hex(bytes).slice(4)}${String.fromCharCode(random(0x200), random(0x200))}${hex(1)}`][random(7)];
			const value = `${[' ', '', '\t'][random(3)]}${prefixes[random(prefixes.length)]}${body}${['', ' ', '\n'][random(3)]}`;
			expect(decodeSignature(value, scheme)).toEqual(reference(value, scheme));
		}
	});
});
