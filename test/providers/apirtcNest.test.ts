/** nestDottedKeys' assignment fast path against the defineProperty-only version it replaced. */
import fc from 'fast-check';

import { nestDottedKeys } from '../../nodes/ApiRtcTrigger/apirtc.definition';
import { DANGEROUS_KEYS, isPlainObject } from '../../nodes/shared/core/json';

function nestReference(source: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const put = (target: Record<string, unknown>, key: string, value: unknown) =>
		Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
	for (const key of Object.keys(source)) {
		const value = source[key];
		const path = key.split('.');
		if (path.length === 1 || path.some((part) => part === '' || DANGEROUS_KEYS.has(part))) {
			put(out, key, value);
			continue;
		}
		let target = out;
		for (const part of path.slice(0, -1)) {
			const existing = Object.prototype.hasOwnProperty.call(target, part) ? target[part] : undefined;
			if (!isPlainObject(existing)) put(target, part, existing === undefined ? {} : { value: existing });
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

	it('builds the same objects (keys, order, descriptors, prototypes) as the defineProperty-only version', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), (entries) => {
				// each gets its own copy: both nest into plain-object values they are given
				const build = () => {
					const source: Record<string, unknown> = {};
					for (const [k, v] of entries) Object.defineProperty(source, k, { value: structuredClone(v), enumerable: true, writable: true, configurable: true });
					return source;
				};
				expect(shape(nestDottedKeys(build()))).toEqual(shape(nestReference(build())));
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
});
