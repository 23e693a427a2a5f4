import { getHeader, redactHeaders, REDACTED, type HeaderBag } from '../../nodes/shared/core/headers';

describe('getHeader', () => {
	const headers: HeaderBag = {
		'x-api-key': 'k1',
		'X-Chatzuri-Signature': 'abc',
		'set-cookie': ['a=1', 'b=2'],
		'x-empty': '',
		'x-undefined': undefined,
		'x-empty-list': [],
	};

	it('reads a lower-case header by any spelling of its name', () => {
		for (const name of ['x-api-key', 'X-API-KEY', 'X-Api-Key']) expect(getHeader(headers, name)).toBe('k1');
	});

	it('reads a header stored in mixed case by any spelling of its name', () => {
		for (const name of ['x-chatzuri-signature', 'X-Chatzuri-Signature', 'X-CHATZURI-SIGNATURE']) expect(getHeader(headers, name)).toBe('abc');
	});

	it('yields the first value of a repeated header', () => {
		expect(getHeader(headers, 'Set-Cookie')).toBe('a=1');
	});

	it('yields an empty value as it is, and undefined for absent headers', () => {
		expect(getHeader(headers, 'x-empty')).toBe('');
		expect(getHeader(headers, 'x-undefined')).toBeUndefined();
		expect(getHeader(headers, 'x-empty-list')).toBeUndefined();
		expect(getHeader(headers, 'x-missing')).toBeUndefined();
		expect(getHeader({}, 'x-api-key')).toBeUndefined();
	});

	it('does not read inherited properties as headers', () => {
		expect(getHeader({}, 'constructor')).toBeUndefined();
		expect(getHeader({}, 'toString')).toBeUndefined();
		expect(getHeader({}, '__proto__')).toBeUndefined();
	});

	it('prefers the exact lower-case key when several spellings exist', () => {
		expect(getHeader({ 'X-Api-Key': 'upper', 'x-api-key': 'lower' }, 'X-API-KEY')).toBe('lower');
	});
});

describe('redactHeaders', () => {
	it('lower-cases names, joins repeated values and redacts the named headers in any case', () => {
		const out = redactHeaders(
			{
				'Content-Type': 'application/json',
				'X-Api-Key': 'super-secret',
				'x-my-token': 'other-secret',
				'Set-Cookie': ['a=1', 'b=2'],
				'x-skip': undefined,
			},
			['x-api-key', 'X-MY-TOKEN'],
		);
		expect(out).toEqual({
			'content-type': 'application/json',
			'x-api-key': REDACTED,
			'x-my-token': REDACTED,
			'set-cookie': 'a=1, b=2',
		});
		expect(REDACTED).toBe('[redacted]');
		expect(JSON.stringify(out)).not.toContain('super-secret');
		expect(JSON.stringify(out)).not.toContain('other-secret');
	});

	it('keeps everything when nothing is secret, and returns a new object', () => {
		const headers = { 'user-agent': 'Cloud Apizee' };
		const out = redactHeaders(headers, []);
		expect(out).toEqual({ 'user-agent': 'Cloud Apizee' });
		expect(out).not.toBe(headers);
	});

	it('drops __proto__, constructor and prototype header names and leaves prototypes alone', () => {
		const headers = JSON.parse('{"__proto__":{"polluted":"yes"},"Constructor":"x","prototype":"y","x-ok":"1"}') as HeaderBag;
		const out = redactHeaders(headers, []);
		expect(Object.keys(out)).toEqual(['x-ok']);
		expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
		expect((out as Record<string, unknown>).polluted).toBeUndefined();
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});
