import { MAX_FORM_FIELDS, formFieldsMoreThan, parseAnyBody, parseFormBody, readPath } from '../../nodes/shared/core/body';
import { DANGEROUS_KEYS } from '../../nodes/shared/core/json';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('parseAnyBody: form bodies', () => {
	it('reads fields, a repeated name as the list of its values in order', () => {
		expect(parseAnyBody('a=1&b=two+words&a=3&c=%2Fslash&a=', FORM)).toEqual({ ok: true, value: { a: ['1', '3', ''], b: 'two words', c: '/slash' }, removedKeys: [] });
		expect(parseAnyBody('&&a=1&&', FORM)).toEqual({ ok: true, value: { a: '1' }, removedKeys: [] });
	});

	it('removes prototype-reaching names and reports them', () => {
		expect(parseAnyBody('__proto__=x&constructor=y&prototype=z&a=1', FORM)).toEqual({ ok: true, value: { a: '1' }, removedKeys: ['__proto__', 'constructor', 'prototype'] });
		expect(({} as Record<string, unknown>).x).toBeUndefined();
	});

	it(`accepts ${MAX_FORM_FIELDS} fields, repeats of one name included, and refuses one more with a reason`, () => {
		const repeated = (n: number) => Array.from({ length: n }, (_, i) => `k=${i}`).join('&');
		const atCap = parseAnyBody(repeated(MAX_FORM_FIELDS), FORM);
		expect(atCap).toEqual({ ok: true, value: { k: Array.from({ length: MAX_FORM_FIELDS }, (_, i) => String(i)) }, removedKeys: [] });
		expect(parseAnyBody(repeated(MAX_FORM_FIELDS + 1), FORM)).toEqual({ ok: false, reason: 'form body has more than 1000 fields' });
		const distinct = Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => `f${i}=v`).join('&');
		expect(parseAnyBody(distinct, FORM)).toEqual({ ok: false, reason: 'form body has more than 1000 fields' });
		// empty parts are no fields (URLSearchParams skips them): they do not count
		expect(parseAnyBody(`${repeated(MAX_FORM_FIELDS)}${'&'.repeat(5000)}`, FORM).ok).toBe(true);
		expect(MAX_FORM_FIELDS).toBe(1000);
	});

	it('F6: the signed 160 KB body of 40,000 repeats of one name (33.9 s before, quadratic) is refused at once', () => {
		const body = Array.from({ length: 40_000 }, () => 'k=v').join('&');
		expect(body.length).toBeGreaterThan(150_000);
		const started = process.hrtime.bigint();
		const result = parseAnyBody(body, FORM);
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		expect(result).toEqual({ ok: false, reason: 'form body has more than 1000 fields' });
		// a bound the quadratic code missed by a factor of 30 and more (it is under a millisecond now)
		expect(ms).toBeLessThan(1000);
	});

	it('counts the fields without reading past the one after the limit (bounded work, whatever the size)', () => {
		let calls = 0;
		let furthest = 0;
		const text = `${'k=v&'.repeat(10 * MAX_FORM_FIELDS)}k=v`;
		const probe = {
			length: text.length,
			indexOf: (search: string, from: number) => {
				calls++;
				const at = text.indexOf(search, from);
				furthest = Math.max(furthest, at);
				return at;
			},
		} as unknown as string;
		expect(formFieldsMoreThan(probe, MAX_FORM_FIELDS)).toBe(true);
		expect(calls).toBe(MAX_FORM_FIELDS + 1);
		expect(furthest).toBeLessThan(4 * (MAX_FORM_FIELDS + 1));
		expect(formFieldsMoreThan('a=1&b=2', 2)).toBe(false);
		expect(formFieldsMoreThan('a=1&b=2&c', 2)).toBe(true);
		expect(formFieldsMoreThan('', 0)).toBe(false);
		expect(formFieldsMoreThan('&&&', 0)).toBe(false);
	});

	it('F7: a field named after any Object.prototype property is that field, an own string (never [Function, "x"])', () => {
		for (const name of Object.getOwnPropertyNames(Object.prototype)) {
			const one = parseFormBody(`${encodeURIComponent(name)}=x`);
			const two = parseFormBody(`${encodeURIComponent(name)}=x&${encodeURIComponent(name)}=y`);
			if (DANGEROUS_KEYS.has(name)) {
				expect(one).toEqual({ ok: true, value: {}, removedKeys: [name] });
				continue;
			}
			expect(one.ok && Object.getOwnPropertyDescriptor(one.value, name)).toEqual({ value: 'x', enumerable: true, writable: true, configurable: true });
			expect(two.ok && Object.getOwnPropertyDescriptor(two.value, name)?.value).toEqual(['x', 'y']);
			expect(one.ok && readPath(one.value, name)).toBe('x');
		}
		expect(parseAnyBody('toString=x&valueOf=y&hasOwnProperty=z&hasOwnProperty=w', FORM)).toEqual({ ok: true, value: { toString: 'x', valueOf: 'y', hasOwnProperty: ['z', 'w'] }, removedKeys: [] });
		expect(Object.prototype.toString.call([])).toBe('[object Array]');
	});
});

describe('parseAnyBody: other bodies', () => {
	it('JSON by content type or first character, text otherwise, {} when empty', () => {
		expect(parseAnyBody('{"a":1}', {})).toEqual({ ok: true, value: { a: 1 }, removedKeys: [] });
		expect(parseAnyBody('[1]', FORM)).toEqual({ ok: true, value: [1], removedKeys: [] });
		expect(parseAnyBody('hello', { 'content-type': 'text/plain' })).toEqual({ ok: true, value: { text: 'hello' }, removedKeys: [] });
		expect(parseAnyBody('  ', FORM)).toEqual({ ok: true, value: {}, removedKeys: [] });
	});

	it('a JSON body nested too deeply gets the depth reason', () => {
		expect(parseAnyBody(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, {})).toEqual({ ok: false, reason: 'body is nested deeper than 1000 levels' });
	});
});
