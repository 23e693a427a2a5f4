/**
 * nestDottedKeys against a plain reference of the rule it documents: a key with a dot, no empty or
 * prototype-reaching part and at most 32 parts is nested unless another key is a place on its path
 * or extends it; everything else stays as it came. Written the slow way (split, compare every pair).
 */
import fc from 'fast-check';

import { MAX_DOTTED_PARTS, nestDottedKeys } from '../../nodes/shared/core/json';
import { DANGEROUS_KEYS } from '../../nodes/shared/core/json';

function nestReference(source: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const put = (target: Record<string, unknown>, key: string, value: unknown) =>
		Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
	const keys = Object.keys(source);
	const nestable = (key: string) => {
		const path = key.split('.');
		return path.length > 1 && path.length <= 32 && !path.some((part) => part === '' || DANGEROUS_KEYS.has(part));
	};
	const startsWithPath = (longer: string[], shorter: string[]) => shorter.length < longer.length && shorter.every((part, i) => longer[i] === part);
	for (const key of keys) {
		const value = source[key];
		const path = key.split('.');
		const clash = keys.some((other) => other !== key && (startsWithPath(path, other.split('.')) || (nestable(other) && startsWithPath(other.split('.'), path))));
		if (!nestable(key) || clash) {
			put(out, key, value);
			continue;
		}
		let target = out;
		for (const part of path.slice(0, -1)) {
			if (!Object.prototype.hasOwnProperty.call(target, part)) put(target, part, {});
			target = target[part] as Record<string, unknown>;
		}
		put(target, path[path.length - 1], value);
	}
	return out;
}

/** Every own property, in order, with its descriptor and prototype, at every depth. */
function shape(value: unknown): unknown {
	if (value === null || typeof value !== 'object') return value;
	const record = value as Record<string, unknown>;
	return {
		proto: Object.getPrototypeOf(record) === Object.prototype ? 'Object' : 'other',
		own: Reflect.ownKeys(record).map((key) => {
			const d = Object.getOwnPropertyDescriptor(record, key)!;
			return [String(key), d.enumerable, d.writable, d.configurable, shape(d.value)];
		}),
	};
}

describe('nestDottedKeys', () => {
	const part = fc.constantFrom('a', 'b', 'geoloc', 'lat', '', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'constructor', 'prototype', 'value', '__defineGetter__');
	const key = fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
	const value = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.record({ x: fc.integer() }), fc.boolean());
	const build = (entries: Array<[string, unknown]>) => {
		const source: Record<string, unknown> = {};
		for (const [k, v] of entries) Object.defineProperty(source, k, { value: v, enumerable: true, writable: true, configurable: true });
		return source;
	};

	it('builds the same objects (keys, order, descriptors, prototypes) as the reference of its rule', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), (entries) => {
				expect(shape(nestDottedKeys(build(entries)))).toEqual(shape(nestReference(build(entries))));
			}),
			{ numRuns: 3000 },
		);
	});

	it('nests dotted props and keeps the rest', () => {
		expect(nestDottedKeys({ 'geoloc.lat': 1, 'geoloc.lng': 2, state: 'open', 'a..b': 3 })).toEqual({ geoloc: { lat: 1, lng: 2 }, state: 'open', 'a..b': 3 });
		const out = nestDottedKeys({ toString: 1, 'valueOf.x': 2 });
		expect(Object.getOwnPropertyDescriptor(out, 'toString')).toEqual({ value: 1, enumerable: true, writable: true, configurable: true });
		expect(out.valueOf).toEqual({ x: 2 });
	});

	it('F9: a dotted key beside a value of its first part keeps both, in either order', () => {
		expect(nestDottedKeys({ 'geoloc.lat': 1, geoloc: 5 })).toEqual({ 'geoloc.lat': 1, geoloc: 5 });
		expect(nestDottedKeys({ geoloc: 5, 'geoloc.lat': 1 })).toEqual({ geoloc: 5, 'geoloc.lat': 1 });
		// no invented key: the scalar is not moved under `value` (which another key could name)
		expect(nestDottedKeys({ geoloc: 5, 'geoloc.value': 1, 'geoloc.lng': 2 })).toEqual({ geoloc: 5, 'geoloc.value': 1, 'geoloc.lng': 2 });
	});

	it('F9: collisions at any depth keep both keys, whatever their order, and the other keys are still nested', () => {
		for (const entries of [
			[['a.b.c', 1], ['a.b', 2], ['a.d', 3]],
			[['a.b', 2], ['a.d', 3], ['a.b.c', 1]],
			[['a.d', 3], ['a.b.c', 1], ['a.b', 2]],
		] as Array<Array<[string, unknown]>>) {
			expect(nestDottedKeys(build(entries))).toEqual({ 'a.b.c': 1, 'a.b': 2, a: { d: 3 } });
		}
		expect(nestDottedKeys({ 'x.y.z.w': 1, 'x.y': { z: 9 }, 'x.q': 2 })).toEqual({ 'x.y.z.w': 1, 'x.y': { z: 9 }, x: { q: 2 } });
	});

	it('F9: a dotted key beside an object of its first part keeps both and changes neither', () => {
		const geoloc = { lat: 3, alt: 9 };
		const source = { geoloc, 'geoloc.lat': 1 };
		expect(nestDottedKeys(source)).toEqual({ geoloc: { lat: 3, alt: 9 }, 'geoloc.lat': 1 });
		expect(geoloc).toEqual({ lat: 3, alt: 9 });
		expect(source).toEqual({ geoloc: { lat: 3, alt: 9 }, 'geoloc.lat': 1 });
	});

	it(`nests a key of up to ${MAX_DOTTED_PARTS} parts and keeps a longer one as it came`, () => {
		const path = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`).join('.');
		let node: unknown = nestDottedKeys({ [path(MAX_DOTTED_PARTS)]: 'leaf' });
		for (let i = 0; i < MAX_DOTTED_PARTS; i++) node = (node as Record<string, unknown>)[`p${i}`];
		expect(node).toBe('leaf');
		const long = `${'a.'.repeat(5000)}a`;
		expect(nestDottedKeys({ [path(MAX_DOTTED_PARTS + 1)]: 1, [long]: 2 })).toEqual({ [path(MAX_DOTTED_PARTS + 1)]: 1, [long]: 2 });
		expect(MAX_DOTTED_PARTS).toBe(32);
	});
});
