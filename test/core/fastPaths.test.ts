/**
 * The fast paths of the request pipeline (BENCHMARKS.md, in process) against the plain code they
 * replace, kept here as references: same outputs on every input.
 */
import { createHash, createHmac, randomBytes } from 'crypto';

import fc from 'fast-check';

import { DedupeStore, storageKey } from '../../nodes/shared/core/dedupe';
import { hasDangerousKey, parseJsonSafely } from '../../nodes/shared/core/json';
import { isoOfEpochMs, isoOfMs, toIsoUtc } from '../../nodes/shared/core/time';
import { hmacDigest } from '../../nodes/shared/core/verify';

/** storageKey as it was written before the fast path (stored records must still match). */
function storageKeyReference(key: string): string {
	if (key.length === 71 && key.startsWith('sha256:')) {
		const head = key.slice(7, 23);
		if (/^[0-9a-f]{16}$/.test(head)) return `~${Buffer.from(head, 'hex').toString('base64url')}`;
	}
	return /^[\x21-\x7e]{1,64}$/.test(key) ? key : `#${createHash('sha256').update(key).digest('base64url').slice(0, 11)}`;
}

describe('storageKey: the fingerprint computed from the hex text', () => {
	it('equals hex → Buffer → base64url for body-hash keys', () => {
		for (let i = 0; i < 2000; i++) {
			const hex = randomBytes(32).toString('hex');
			expect(storageKey(`sha256:${hex}`)).toBe(storageKeyReference(`sha256:${hex}`));
		}
		expect(storageKey(`sha256:${'0'.repeat(64)}`)).toBe('~AAAAAAAAAAA');
		expect(storageKey(`sha256:${'f'.repeat(64)}`)).toBe('~__________8');
		expect(storageKey('sha256:0123456789abcdef' + 'e'.repeat(48))).toBe('~ASNFZ4mrze8');
	});

	it('falls back exactly as before when the digest is not lower-case hex or not 64 digits', () => {
		const hex = randomBytes(32).toString('hex');
		const keys = [
			`sha256:${hex.toUpperCase()}`,
			`sha256:${hex.slice(0, 15)}g${hex.slice(16)}`,
			`sha256:${hex.slice(0, 15)}/${hex.slice(16)}`,
			`sha256:${hex.slice(0, 15)}:${hex.slice(16)}`,
			`sha256:${hex.slice(0, 15)}\`${hex.slice(16)}`,
			`sha256:${hex.slice(0, 63)}`,
			`sha256:${hex}0`,
			`SHA256:${hex}`,
			`sha256:${hex.slice(0, 16)}${'Z'.repeat(48)}`,
			'evt_7f3a9b2c',
			'x'.repeat(65),
			'with space',
			'',
		];
		for (const key of keys) expect(storageKey(key)).toBe(storageKeyReference(key));
	});

	it('agrees with the reference on arbitrary keys', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.stringMatching(/^sha256:[0-9a-fA-F]{64}$/), fc.stringMatching(/^sha256:[0-9a-g]{64}$/)), (key) => {
				expect(storageKey(key)).toBe(storageKeyReference(key));
			}),
			{ numRuns: 2000 },
		);
	});

	it('the journal line keeps the seconds in base 36 across seconds', () => {
		const store = new DedupeStore();
		const t0 = 1_780_000_000_000;
		for (const [key, at] of [['a', t0 + 999], ['b', t0 + 1000], ['c', t0 + 1001], ['d', t0 - 1]] as const) {
			const claim = store.claim(key, at, 1e12);
			if (claim.status === 'new') claim.ticket.commit();
		}
		const s = (ms: number) => Math.floor(ms / 1000).toString(36);
		expect(store.toPersisted().journal).toBe(`a ${s(t0 + 999)}\nb ${s(t0 + 1000)}\nc ${s(t0 + 1001)}\nd ${s(t0 - 1)}\n`);
	});
});

/**
 * toIsoUtc's general path as it was before the fast path for `…Z` strings, with the years 0-99
 * set through setUTCFullYear (Date.UTC would read them as 1900-1999).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function isoReference(value: string): string | null {
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) {
		const n = Number(text);
		if (!Number.isFinite(n) || n < 0) return null;
		const date = new Date(n >= 1e12 ? n : n * 1000);
		return Number.isNaN(date.getTime()) ? null : date.toISOString();
	}
	const match = ISO.exec(text);
	if (!match) return null;
	const [year, month, day, hour, minute] = match.slice(1, 6).map(Number);
	const second = match[6] === undefined ? 0 : Number(match[6]);
	const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
	if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1] + leap || hour > 23 || minute > 59 || second > 59) return null;
	const millis = match[7] === undefined ? 0 : Number(match[7].slice(0, 3).padEnd(3, '0'));
	let offsetMinutes = 0;
	const zone = match[8];
	if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
		const digits = zone.replace(':', '');
		offsetMinutes = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
	}
	const date = new Date(0);
	date.setUTCFullYear(year, month - 1, day);
	date.setUTCHours(hour, minute, second, millis);
	const ms = date.getTime() - offsetMinutes * 60_000;
	return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

describe('toIsoUtc: the fast path for `…Z` strings', () => {
	it.each([
		'2022-03-08T07:39:47.6052457Z',
		'2022-03-08t07:39:47.6052457z',
		'2022-03-08 07:39:47Z',
		'2022-03-08T07:39:47.1Z',
		'2022-03-08T07:39:47.12Z',
		'2022-03-08T07:39:47.123Z',
		'2022-03-08T07:39:47.Z',
		'2022-03-08T07:39Z',
		'2024-02-29T23:59:59.999999Z',
		'2023-02-29T00:00:00Z',
		'2000-13-01T00:00:00Z',
		'2000-00-10T00:00:00Z',
		'2000-01-00T00:00:00Z',
		'2000-01-01T24:00:00Z',
		'2000-01-01T00:60:00Z',
		'2000-01-01T00:00:60Z',
		'0000-01-01T00:00:00Z',
		'0000-02-29T12:00:00Z',
		'0050-01-01T00:00:00Z',
		'0099-12-31T23:59:59Z',
		'0100-01-01T00:00:00Z',
		'0100-02-29T00:00:00Z',
		'9999-12-31T23:59:59.999Z',
		' 2022-03-08T07:39:47Z\n',
		'2022-03-08X07:39:47Z',
		'2022-03-08T07:39:4aZ',
		'2022-03-08T07:39:47.12a4Z',
	])('%p as the general path reads it', (text) => {
		expect(toIsoUtc(text)).toBe(isoReference(text));
	});

	it('agrees with the general path on generated timestamps', () => {
		const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
		const stamp = fc
			.tuple(
				digits(4),
				fc.constantFrom('-', '/'),
				digits(2),
				digits(2),
				fc.constantFrom('T', 't', ' ', 'x'),
				digits(2),
				digits(2),
				fc.oneof(fc.constant(''), digits(2).map((s) => `:${s}`)),
				fc.oneof(fc.constant(''), fc.constant('.'), fc.stringMatching(/^\.[0-9]{1,9}$/)),
				fc.constantFrom('Z', 'z', '', '+01:00', '-0530', ' Z', 'Z '),
			)
			.map(([y, dash, m, d, t, hh, mm, ss, frac, zone]) => `${y}${dash}${m}-${d}${t}${hh}:${mm}${ss}${frac}${zone}`);
		const plausible = fc
			.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
			.chain((date) => fc.stringMatching(/^[0-9]{0,8}$/).map((frac) => date.toISOString().replace(/\.\d{3}Z$/, frac === '' ? 'Z' : `.${frac}Z`)));
		fc.assert(
			fc.property(fc.oneof(stamp, plausible), (text) => {
				expect(toIsoUtc(text)).toBe(isoReference(text));
			}),
			{ numRuns: 5000 },
		);
	});
});

describe('isoOfMs', () => {
	it('is toISOString for whole milliseconds, across seconds and edges', () => {
		const now = Date.now();
		const values = [0, 1, 999, 1000, 1001, -1, -999, -1000, -1001, now, now + 1, now + 999, now + 1000, 8.64e15, -8.64e15, -62198755200000, 253402300799999, 253402300800000];
		for (let i = 0; i < 2000; i++) values.push(Math.floor((Math.random() * 2 - 1) * 8.64e15), now + i * 37);
		for (const ms of values) expect(isoOfMs(ms)).toBe(new Date(ms).toISOString());
	});

	it('is toISOString for fractions, and throws as it does out of range', () => {
		expect(isoOfMs(1.5)).toBe(new Date(1.5).toISOString());
		expect(() => isoOfMs(8.64e15 + 1)).toThrow(RangeError);
		expect(() => isoOfMs(NaN)).toThrow(RangeError);
	});
});

describe('parseJsonSafely: the look-only walk', () => {
	it('finds a dangerous key at any depth, in objects and arrays, whatever its spelling in the text', () => {
		expect(hasDangerousKey(JSON.parse('{"a":[{"b":{"__proto__":1}}]}'))).toBe(true);
		expect(hasDangerousKey(JSON.parse('[[[{"constructor":null}]]]'))).toBe(true);
		expect(hasDangerousKey(JSON.parse('{"x":{"prototype":{}}}'))).toBe(true);
		expect(hasDangerousKey(JSON.parse('{"\\u005f_proto__":1}'))).toBe(true);
		expect(hasDangerousKey(JSON.parse('{"a":[1,"__proto__",null,{"constructors":1,"proto":2,"__proto":3}]}'))).toBe(false);
		expect(hasDangerousKey(null)).toBe(false);
		expect(hasDangerousKey('__proto__')).toBe(false);
	});

	it('reports the same removed paths, in the same order, as a walk that always builds them', () => {
		const text = '{"a":{"__proto__":{"x":1},"b":[{"constructor":2},{"c":{"prototype":3}}]},"constructor":4,"d":[[{"__proto__":5}]]}';
		const parsed = parseJsonSafely(text);
		expect(parsed).toEqual({
			ok: true,
			value: { a: { b: [{}, { c: {} }] }, d: [[{}]] },
			removedKeys: ['constructor', 'd[0][0].__proto__', 'a.__proto__', 'a.b[1].c.prototype', 'a.b[0].constructor'],
		});
	});

	it('gives the same result when Object.prototype carries an enumerable key (the look-only walk uses for-in)', () => {
		const proto = Object.prototype as Record<string, unknown>;
		proto.constructorish = { nested: true };
		Object.defineProperty(Object.prototype, 'prototype', { value: 1, enumerable: true, configurable: true, writable: true });
		try {
			expect(parseJsonSafely('{"a":{"b":[1,{"c":2}]}}')).toEqual({ ok: true, value: { a: { b: [1, { c: 2 }] } }, removedKeys: [] });
			expect(parseJsonSafely('{"a":{"constructor":1}}')).toEqual({ ok: true, value: { a: {} }, removedKeys: ['a.constructor'] });
		} finally {
			delete proto.constructorish;
			delete proto.prototype;
		}
	});

	it('does not overflow the stack on deep nesting', () => {
		const deep = `${'['.repeat(999)}{"__proto__":1}${']'.repeat(999)}`;
		const parsed = parseJsonSafely(deep);
		expect(parsed.ok && parsed.removedKeys).toHaveLength(1);
		expect(parseJsonSafely(`${'['.repeat(5000)}{"__proto__":1}${']'.repeat(5000)}`)).toEqual({ ok: false, reason: 'body is nested deeper than 1000 levels' });
		expect(hasDangerousKey(JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`))).toBe(false);
		expect(hasDangerousKey(JSON.parse(`${'{"a":'.repeat(5000)}{"constructor":1}${'}'.repeat(5000)}`))).toBe(true);
	});

	it('measures the depth only of bodies with more objects than the limit, and then exactly', () => {
		// 1,001 objects side by side: one level below the root, accepted
		const wide = `[${Array.from({ length: 1001 }, () => '{}').join(',')}]`;
		expect(parseJsonSafely(wide)).toEqual({ ok: true, value: JSON.parse(wide), removedKeys: [] });
		// exactly 1,000 levels, in objects and arrays mixed, among many siblings: accepted; one more: not
		const levels = (n: number) => {
			const openers = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? '{"a":' : '['));
			return `${openers.join('')}1${openers.reverse().map((o) => (o === '[' ? ']' : '}')).join('')}`;
		};
		const padded = (n: number) => `[${'[],'.repeat(600)}${levels(n - 1)}]`;
		for (const text of [levels(1000), padded(1000)]) expect(parseJsonSafely(text).ok).toBe(true);
		for (const text of [levels(1001), padded(1001)]) expect(parseJsonSafely(text)).toEqual({ ok: false, reason: 'body is nested deeper than 1000 levels' });
	});
});

describe('isoOfEpochMs (Unix timestamps without a Date)', () => {
	it('is toISOString from 1970 to 9999, leap days and ends of months included', () => {
		const values = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000 - 1, 951_782_400_000, 951_868_800_000, 4_107_542_400_000, 253_402_300_799_999, 1e12, 1663831826000];
		for (let i = 0; i < 5000; i++) values.push(Math.floor(Math.random() * 253_402_300_800_000));
		for (const ms of values) expect(isoOfEpochMs(ms)).toBe(new Date(ms).toISOString());
	});

	it('hands the rest to toISOString', () => {
		for (const ms of [253_402_300_800_000, 8.64e15, -1, 1.5]) expect(isoOfEpochMs(ms)).toBe(new Date(ms).toISOString());
	});

	it('toIsoUtc reads seconds and milliseconds, numbers and digit strings, as through a Date', () => {
		fc.assert(
			fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: 0, max: 3e9, noNaN: true }), fc.integer({ min: 1e12, max: 8.7e15 })), (n) => {
				const date = new Date(n >= 1e12 ? n : n * 1000);
				const expected = Number.isNaN(date.getTime()) ? null : date.toISOString();
				expect(toIsoUtc(n)).toBe(expected);
				if (Number.isInteger(n)) expect(toIsoUtc(String(n))).toBe(expected);
			}),
			{ numRuns: 3000 },
		);
	});
});

describe('hmacDigest (digest as a latin1 string, turned into bytes)', () => {
	it('is the bytes of createHmac().digest() for every algorithm, key and payload', () => {
		for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
			for (let i = 0; i < 200; i++) {
				const key = i % 3 === 0 ? randomBytes(i % 70) : `sécret-${i}`;
				const payload = i % 2 === 0 ? randomBytes(i * 13) : `{"n":${i},"t":"ü€"}`;
				const expected = createHmac(algorithm, key).update(payload).digest();
				expect(hmacDigest(algorithm, key, payload).equals(expected)).toBe(true);
			}
		}
	});
});
