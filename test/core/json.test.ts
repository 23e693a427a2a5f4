import { DANGEROUS_KEYS, MAX_DEPTH, deeperThan, isPlainObject, parseJsonSafely } from '../../nodes/shared/core/json';

function parsedValue(text: string): { value: unknown; removedKeys: string[] } {
	const result = parseJsonSafely(text);
	if (!result.ok) throw new Error(`expected ok, got ${result.reason}`);
	return result;
}

const sorted = (list: string[]) => [...list].sort();

afterEach(() => {
	// nothing any test does may pollute a prototype
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
	expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
});

describe('parseJsonSafely: ordinary payloads', () => {
	it('parses the BuzzBip sample unchanged', () => {
		const text = '{"id":"evt_7f3a9b2c","type":"message.received","createdAt":"2026-06-01T14:32:00Z","data":{"messageId":"msg_abc123","channel":"whatsapp"}}';
		expect(parseJsonSafely(text)).toEqual({ ok: true, value: JSON.parse(text), removedKeys: [] });
	});

	it('parses a Tracebuzz caseClosed sample with null and false kept as they are', () => {
		const text = '{"event":"caseClosed","searchId":11111,"caseId":11111111,"externalCaseId":null,"externalPersonId":false,"timestamp":1663845416}';
		const { value, removedKeys } = parsedValue(text);
		expect(value).toEqual({ event: 'caseClosed', searchId: 11111, caseId: 11111111, externalCaseId: null, externalPersonId: false, timestamp: 1663845416 });
		expect(removedKeys).toEqual([]);
	});

	it('parses scalars and arrays at the top level', () => {
		expect(parseJsonSafely('null')).toEqual({ ok: true, value: null, removedKeys: [] });
		expect(parseJsonSafely('42')).toEqual({ ok: true, value: 42, removedKeys: [] });
		expect(parseJsonSafely('"x"')).toEqual({ ok: true, value: 'x', removedKeys: [] });
		expect(parseJsonSafely('[1,{"a":2}]')).toEqual({ ok: true, value: [1, { a: 2 }], removedKeys: [] });
	});

	it('keeps the words when they are values or parts of other keys', () => {
		const text = '{"note":"__proto__ constructor prototype","constructorName":"x","my_prototype":1,"__proto":2,"proto__":3}';
		expect(parseJsonSafely(text)).toEqual({
			ok: true,
			value: { note: '__proto__ constructor prototype', constructorName: 'x', my_prototype: 1, __proto: 2, proto__: 3 },
			removedKeys: [],
		});
	});

	it('decodes ordinary \\u escapes', () => {
		expect(parsedValue('{"name":"Jos\\u00e9"}').value).toEqual({ name: 'José' });
	});
});

describe('parseJsonSafely: empty bodies, BOM and invalid JSON', () => {
	it.each([[''], [' '], ['\r\n\t '], ['\ufeff'], ['\ufeff  \n']])('answers empty body for %j', (text) => {
		expect(parseJsonSafely(text)).toEqual({ ok: false, reason: 'empty body' });
	});

	it('skips a leading byte order mark', () => {
		expect(parseJsonSafely('\ufeff{"a":1}')).toEqual({ ok: true, value: { a: 1 }, removedKeys: [] });
		expect(parseJsonSafely('\ufeff{"__proto__":{"polluted":1},"a":1}')).toEqual({ ok: true, value: { a: 1 }, removedKeys: ['__proto__'] });
	});

	it.each([['{'], ['{"a":1,}'], ["{'a':1}"], ['undefined'], ['{"a":1}{"b":2}'], ['\ufeff\ufeff{}'], ['{"a":1} trailing'], ['NaN']])(
		'answers ok:false with a reason for %j',
		(text) => {
			expect(parseJsonSafely(text)).toEqual({ ok: false, reason: 'body is not valid JSON' });
		},
	);

	it('does not echo the body in the reason', () => {
		const result = parseJsonSafely('{"secret":"hunter2"');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).not.toContain('hunter2');
	});
});

describe('parseJsonSafely: dangerous keys', () => {
	it('knows exactly the three dangerous keys', () => {
		expect([...DANGEROUS_KEYS].sort()).toEqual(['__proto__', 'constructor', 'prototype']);
	});

	it('removes __proto__ at the top level and reports it, leaving the value a plain object', () => {
		const { value, removedKeys } = parsedValue('{"__proto__":{"polluted":"yes"},"a":1}');
		expect(value).toEqual({ a: 1 });
		expect(removedKeys).toEqual(['__proto__']);
		expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
		expect(Object.keys(value as object)).toEqual(['a']);
		// a later copy by assignment cannot pollute anything
		const copy: Record<string, unknown> = {};
		for (const key of Object.keys(value as object)) copy[key] = (value as Record<string, unknown>)[key];
		Object.assign({}, value);
		expect(copy.polluted).toBeUndefined();
	});

	it('removes constructor and prototype (with their prototype payloads) and reports them', () => {
		const { value, removedKeys } = parsedValue('{"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":1},"keep":true}');
		expect(value).toEqual({ keep: true });
		expect(sorted(removedKeys)).toEqual(['constructor', 'prototype']);
	});

	it('removes them at any depth, inside objects and arrays, with their paths', () => {
		const text = JSON.stringify({
			eventType: 'message.received',
			payload: {
				message: 'hi',
				meta: { constructor: { prototype: { polluted: 1 } }, ok: 1 },
				list: [{ a: 1 }, { prototype: 2, b: 2 }, [{ c: 3 }]],
			},
		}).replace('"ok":1', '"ok":1,"__proto__":{"polluted":2}')
			.replace('{"c":3}', '{"c":3,"__proto__":{"polluted":3}}');
		const { value, removedKeys } = parsedValue(text);
		expect(value).toEqual({
			eventType: 'message.received',
			payload: { message: 'hi', meta: { ok: 1 }, list: [{ a: 1 }, { b: 2 }, [{ c: 3 }]] },
		});
		expect(sorted(removedKeys)).toEqual(sorted(['payload.meta.constructor', 'payload.meta.__proto__', 'payload.list[1].prototype', 'payload.list[2][0].__proto__']));
	});

	it('reports paths inside a top-level array', () => {
		const { value, removedKeys } = parsedValue('[{"__proto__":{"polluted":1}},[{"constructor":1}]]');
		expect(value).toEqual([{}, [{}]]);
		expect(sorted(removedKeys)).toEqual(['[0].__proto__', '[1][0].constructor']);
	});

	it.each([
		['\\u005f\\u005fproto__', '__proto__'],
		['\\u005F\\u005Fproto\\u005F\\u005F', '__proto__'],
		['__pr\\u006fto__', '__proto__'],
		['\\u0063onstructor', 'constructor'],
		['constr\\u0075ctor', 'constructor'],
		['\\u0070\\u0072\\u006f\\u0074\\u006f\\u0074\\u0079\\u0070\\u0065', 'prototype'],
	])('removes a key spelled %s', (spelled, key) => {
		const text = `{"x":{"${spelled}":{"polluted":"yes"}},"y":1}`;
		expect(text).not.toContain(key);
		const { value, removedKeys } = parsedValue(text);
		expect(value).toEqual({ x: {}, y: 1 });
		expect(removedKeys).toEqual([`x.${key}`]);
	});

	it('removes every duplicate spelling (the parser keeps the last) and reports once per surviving key', () => {
		const { value, removedKeys } = parsedValue('{"__proto__":1,"\\u005f_proto__":{"polluted":1},"a":{"constructor":1,"constructor":2}}');
		expect(value).toEqual({ a: {} });
		expect(sorted(removedKeys)).toEqual(['__proto__', 'a.constructor']);
	});

	it('leaves Object.prototype, Array.prototype and Function.prototype untouched', () => {
		parsedValue('{"__proto__":{"polluted":"o"},"constructor":{"prototype":{"polluted":"c"}},"a":[{"__proto__":{"polluted":"a"}}]}');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
		expect(((() => 1) as unknown as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype.toString).toBe(Object.prototype.toString);
	});
});

describe('parseJsonSafely: deeply nested input never throws', () => {
	const depth = 100_000;

	it('100 000 nested arrays with a dangerous key at the bottom: too deep, a reason, no exception', () => {
		const text = `${'['.repeat(depth)}{"__proto__":{"polluted":1},"a":1}${']'.repeat(depth)}`;
		let result: ReturnType<typeof parseJsonSafely> | undefined;
		expect(() => {
			result = parseJsonSafely(text);
		}).not.toThrow();
		expect(result).toEqual({ ok: false, reason: 'body is nested deeper than 1000 levels' });
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('100 000 nested objects with a dangerous key at every level: too deep, a reason, no exception', () => {
		const text = `${'{"constructor":1,"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
		let result: ReturnType<typeof parseJsonSafely> | undefined;
		expect(() => {
			result = parseJsonSafely(text);
		}).not.toThrow();
		expect(result).toEqual({ ok: false, reason: 'body is nested deeper than 1000 levels' });
	});

	it('100 000 nested objects without any dangerous key: too deep (the look-only walk counts them)', () => {
		expect(parseJsonSafely(`${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`)).toEqual({ ok: false, reason: 'body is nested deeper than 1000 levels' });
		expect(parseJsonSafely(`{"event":"x","data":${'['.repeat(depth)}${']'.repeat(depth)}}`)).toEqual({ ok: false, reason: 'body is nested deeper than 1000 levels' });
	});

	it(`accepts exactly ${MAX_DEPTH} levels, dangerous keys still removed at the bottom, and refuses ${MAX_DEPTH + 1}`, () => {
		// arrays, then an object, then the object under __proto__: `levels` levels
		const at = (levels: number) => `${'['.repeat(levels - 2)}{"__proto__":{"polluted":1},"a":1}${']'.repeat(levels - 2)}`;
		const result = parseJsonSafely(at(MAX_DEPTH));
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.removedKeys).toEqual([`${'[0]'.repeat(MAX_DEPTH - 2)}.__proto__`]);
		let node: unknown = result.value;
		for (let i = 0; i < MAX_DEPTH - 2; i++) node = (node as unknown[])[0];
		expect(node).toEqual({ a: 1 });
		expect(parseJsonSafely(at(MAX_DEPTH + 1))).toEqual({ ok: false, reason: 'body is nested deeper than 1000 levels' });
		expect(MAX_DEPTH).toBe(1000);
	});

	it('1 000 000 unclosed brackets give ok:false, not an exception', () => {
		let result: ReturnType<typeof parseJsonSafely> | undefined;
		expect(() => {
			result = parseJsonSafely('['.repeat(1_000_000));
		}).not.toThrow();
		expect(result).toEqual({ ok: false, reason: 'body is not valid JSON' });
	});
});

describe('deeperThan', () => {
	it('counts every object and array as a level, scalars as none', () => {
		expect(deeperThan(1, 0)).toBe(false);
		expect(deeperThan(null, 0)).toBe(false);
		expect(deeperThan({}, 0)).toBe(true);
		expect(deeperThan({}, 1)).toBe(false);
		expect(deeperThan({ a: [1, { b: 'x' }] }, 2)).toBe(true);
		expect(deeperThan({ a: [1, { b: 'x' }] }, 3)).toBe(false);
		expect(deeperThan([[], [[]], {}], 2)).toBe(true);
		expect(deeperThan([[], [[]], {}], 3)).toBe(false);
	});

	it('walks 100 000 levels without recursion', () => {
		const value = JSON.parse(`${'[{"a":'.repeat(50_000)}1${'}]'.repeat(50_000)}`) as unknown;
		expect(deeperThan(value, 99_999)).toBe(true);
		expect(deeperThan(value, 100_000)).toBe(false);
	});
});

describe('isPlainObject', () => {
	it('is true only for non-null, non-array objects', () => {
		expect(isPlainObject({})).toBe(true);
		expect(isPlainObject({ a: 1 })).toBe(true);
		expect(isPlainObject([])).toBe(false);
		expect(isPlainObject(null)).toBe(false);
		expect(isPlainObject(undefined)).toBe(false);
		expect(isPlainObject('x')).toBe(false);
		expect(isPlainObject(1)).toBe(false);
	});
});
