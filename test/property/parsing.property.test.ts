/**
 * The parsing classes of the red-team findings (issue 12), as properties over the real code and
 * every trigger's real webhook():
 * - form bodies with repeated names and names of Object.prototype (F6, F7): every field kept as an
 *   own string or list in order, more than 1000 fields refused with a reason and the raw body kept,
 *   and no body of one name repeated 40,000 times costing seconds;
 * - ApiRTC dotted props that collide with other keys, at any depth and in any order (F9): every
 *   leaf of the input is in the output, nothing invented, the same result whatever the order;
 * - ISO timestamps of the years 0000-9999 against an oracle that uses no Date (F15);
 * - deep nesting (n8n 2.41.1 cannot show an item nested ~4,400 levels deep): no item nested deeper
 *   than 1000 levels plus the envelope, the deeper bodies on Unrecognized with their reason and raw text.
 */
import { createHmac } from 'crypto';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { nestDottedKeys } from '../../nodes/shared/core/json';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { parseAnyBody } from '../../nodes/shared/core/body';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { DANGEROUS_KEYS } from '../../nodes/shared/core/json';
import { toIsoUtc } from '../../nodes/shared/core/time';
import { announce, callWebhook, credentialsFor, expectSafeCall, fcParams, freshScope, MODES, PREVIOUS, requestHeaders, runs, SECRET, TRIGGERS, uniqueSample } from './support';

const label = announce('test/property/parsing.property.test.ts');
jest.setTimeout(300_000);
afterAll(() => resetDedupeStores());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const TOO_MANY_FIELDS = 'form body has more than 1000 fields';
const TOO_DEEP = 'body is nested deeper than 1000 levels';

// ---------------------------------------------------------------------------------------------
// form bodies (F6, F7)

const OBJECT_PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const fieldName = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...OBJECT_PROTOTYPE_NAMES) },
	{ weight: 2, arbitrary: fc.constantFrom('k', 'text', 'command', 'user_name', 'a b', 'é', '', 'prototype', 'toString.x') },
	{ weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);
const fieldValue = fc.string({ unit: 'grapheme', maxLength: 8 });

/** Fields in order: a few, or a few of them repeated up to 40,000 times (the F6 body repeats one 40,000 times). */
const formFields: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
	{ weight: 4, arbitrary: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 30 }) },
	{
		weight: 2,
		arbitrary: fc
			.record({ fields: fc.array(fc.tuple(fieldName, fieldValue), { minLength: 1, maxLength: 3 }), times: fc.oneof(fc.integer({ min: 300, max: 1100 }), fc.integer({ min: 1100, max: 40_000 })) })
			.map(({ fields, times }) => Array.from({ length: times }, (_, i) => fields[i % fields.length])),
	},
);

const encodeForm = (fields: Array<[string, string]>) => fields.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');

/** What the fields must become, computed from the list (not from the text). */
function expectedForm(fields: Array<[string, string]>): { value: Map<string, string | string[]>; removedKeys: string[] } {
	const value = new Map<string, string | string[]>();
	const removedKeys: string[] = [];
	for (const [name, field] of fields) {
		if (DANGEROUS_KEYS.has(name)) removedKeys.push(name);
		else if (!value.has(name)) value.set(name, field);
		else {
			const existing = value.get(name)!;
			value.set(name, Array.isArray(existing) ? [...existing, field] : [existing, field]);
		}
	}
	return { value, removedKeys };
}

function expectFormValue(actual: unknown, expected: Map<string, string | string[]>): void {
	const record = actual as Record<string, unknown>;
	expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
	expect(Object.keys(record)).toEqual([...expected.keys()]);
	for (const [name, field] of expected) expect(Object.getOwnPropertyDescriptor(record, name)?.value).toEqual(field);
}

describe(`property: form bodies with repeated and prototype-named fields (${label})`, () => {
	it(`keeps every field as an own string or list, in order; refuses more than 1000 fields at once [${runs(4)} runs]`, () => {
		fc.assert(
			fc.property(formFields, (fields) => {
				const started = process.hrtime.bigint();
				const parsed = parseAnyBody(encodeForm(fields), FORM);
				const ms = Number(process.hrtime.bigint() - started) / 1e6;
				// generous: the quadratic parse took 30 s for 40,000 repeats, this one well under 10 ms
				expect(ms).toBeLessThan(2000);
				if (fields.length > 1000) {
					expect(parsed).toEqual({ ok: false, reason: TOO_MANY_FIELDS });
					return;
				}
				const expected = expectedForm(fields);
				expect(parsed.ok).toBe(true);
				if (!parsed.ok) return;
				expect(parsed.removedKeys).toEqual(expected.removedKeys);
				expectFormValue(parsed.value, expected.value);
			}),
			fcParams(runs(4)),
		);
	});

	const node = new VerifiedWebhookTrigger();
	const slackSecret = 'pbt-slack-signing-secret-0c7a';
	for (const mode of MODES) {
		it(`through the Verified Webhook Trigger (Slack, signed), onUnrecognized ${mode}: the fields as data, or Unrecognized with the reason and the raw body [${runs(2)} runs]`, async () => {
			await fc.assert(
				fc.asyncProperty(formFields, async (fields) => {
					const body = encodeForm(fields);
					const timestamp = String(Math.floor(Date.now() / 1000));
					const headers = { ...FORM, 'X-Slack-Request-Timestamp': timestamp, 'X-Slack-Signature': `v0=${createHmac('sha256', slackSecret).update(`v0:${timestamp}:${body}`).digest('hex')}` };
					const call = await callWebhook(node, { body, headers }, { credentials: { secret: slackSecret, previousSecret: '' }, parameters: { preset: 'slack', options: { onUnrecognized: mode } }, staticData: {}, ...freshScope() });
					expectSafeCall(call, { mode, secrets: [slackSecret] });
					if (fields.length > 1000) {
						if (mode === 'reject') {
							expect(call.status).toBe(400);
							expect(call.body).toEqual({ error: 'unrecognized payload', issues: [{ path: '', message: TOO_MANY_FIELDS }] });
							return;
						}
						expect(call.status).toBe(200);
						expect(call.unrecognized).toHaveLength(1);
						expect(call.unrecognized[0]).toMatchObject({ reason: TOO_MANY_FIELDS, body: null, raw: body });
						return;
					}
					expect(call.status).toBe(200);
					expect(call.events).toHaveLength(1);
					expectFormValue(call.events[0].data, expectedForm(fields).value);
				}),
				fcParams(runs(2)),
			);
		});
	}
});

// ---------------------------------------------------------------------------------------------
// ApiRTC dotted props (F9)

const pathPart = fc.constantFrom('geoloc', 'lat', 'lng', 'a', 'b', 'c', 'value', 'toString', 'valueOf', 'hasOwnProperty', '_parent', 'x');
const propKey = fc.oneof(
	{ weight: 6, arbitrary: fc.array(pathPart, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')) },
	{ weight: 1, arbitrary: fc.constantFrom('a..b', '.a', 'a.', '__proto__.x', 'a.constructor', 'a.prototype.b', `${'p.'.repeat(40)}p`) },
);
const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const propValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
	value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('lat', 'b', 'c', 'value', 'x'), tie('value'), { maxKeys: 3 })),
})).value;
const propEntries = fc.uniqueArray(fc.tuple(propKey, propValue), { selector: ([key]) => key, maxLength: 8 });

const build = (entries: Array<[string, unknown]>) => {
	const source: Record<string, unknown> = {};
	for (const [key, value] of entries) Object.defineProperty(source, key, { value, enumerable: true, writable: true, configurable: true });
	return source;
};

/** Every leaf (a scalar, or an empty object or array) under a value, as JSON text, sorted: a multiset. */
function leavesOf(value: unknown): string[] {
	const out: string[] = [];
	const stack: unknown[] = [value];
	while (stack.length > 0) {
		const node = stack.pop();
		if (node !== null && typeof node === 'object') {
			const children = Array.isArray(node) ? node : Object.keys(node).map((key) => (node as Record<string, unknown>)[key]);
			if (children.length === 0) out.push(Array.isArray(node) ? '[]' : '{}');
			stack.push(...children);
		} else out.push(JSON.stringify(node) ?? 'undefined');
	}
	return out.sort();
}

/** Where a key of the input is in the output: own as it came, or nested along its parts; the same value (not a copy). */
function expectFound(out: Record<string, unknown>, key: string, value: unknown): void {
	if (Object.prototype.hasOwnProperty.call(out, key) && out[key] === value) return;
	let node: unknown = out;
	for (const part of key.split('.')) {
		if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part)) throw new Error(`"${key}" is lost: ${JSON.stringify(out)}`);
		node = (node as Record<string, unknown>)[part];
	}
	if (node !== value) throw new Error(`"${key}" does not hold its value: ${JSON.stringify(out)}`);
}

describe(`property: ApiRTC dotted props that collide, at any depth, in any order (${label})`, () => {
	it(`every key and every leaf of the input is in the output, nothing added, the same in any key order, the input unchanged [${runs(20)} runs]`, () => {
		fc.assert(
			fc.property(propEntries, fc.nat(), (entries, seed) => {
				const source = build(entries);
				const before = JSON.stringify(entries);
				const out = nestDottedKeys(source);
				for (const [key, value] of entries) expectFound(out, key, value);
				expect(leavesOf(out)).toEqual(leavesOf(source));
				expect(JSON.stringify(entries)).toBe(before);
				// another order of the same keys: the same object (toEqual ignores the order of keys)
				const shuffled = [...entries].sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (a[0] < b[0] ? 1 : -1));
				expect(nestDottedKeys(build(shuffled))).toEqual(out);
			}),
			fcParams(runs(20)),
		);
	});

	const apirtc = TRIGGERS.find((t) => t.definition.provider === 'apirtc')!;
	// the documented props have types the schema checks (state a string, geoloc.lat a number): the rest is free
	const freeEntries = propEntries.map((entries) => entries.filter(([key]) => !['geoloc.lat', 'geoloc.lng', '_parent.name', '_parent.id'].includes(key)));
	it(`through the ApiRTC Trigger: the item's props hold every leaf of the props sent [${runs(2)} runs]`, async () => {
		await fc.assert(
			fc.asyncProperty(freeEntries, fc.nat(1_000_000), async (entries, n) => {
				const body = uniqueSample('apirtc', { event: 'ticket.update' }, n);
				const props = build(entries);
				const text = JSON.stringify({ ...body, props }).replace('"props":{', `"props":{"state":"open"${entries.length > 0 ? ',' : ''}`);
				const call = await callWebhook(apirtc.node, { body: text, headers: requestHeaders(apirtc, Buffer.from(text), 'current', 'application/json', []) }, { credentials: credentialsFor(apirtc), staticData: {}, ...freshScope() });
				expectSafeCall(call, { mode: 'route', secrets: [SECRET, PREVIOUS] });
				expect(call.events).toHaveLength(1);
				const sent = (JSON.parse(text) as { props: unknown }).props;
				expect(leavesOf((call.events[0].data as IDataObject).props)).toEqual(leavesOf(sent));
			}),
			fcParams(runs(2)),
		);
	});
});

// ---------------------------------------------------------------------------------------------
// ISO timestamps of the years 0000-9999 (F15)

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): no Date. */
function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yearOfEra = y - era * 400;
	const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
	const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
	return era * 146_097 + dayOfEra - 719_468;
}

/** The date of a day count (civil_from_days): the inverse, also without a Date. */
function civilFromDays(days: number): [number, number, number] {
	const z = days + 719_468;
	const era = Math.floor(z / 146_097);
	const dayOfEra = z - era * 146_097;
	const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
	const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
	const mp = Math.floor((5 * dayOfYear + 2) / 153);
	const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** ISO-8601 text of a time in milliseconds, as ECMAScript writes it (±YYYYYY outside 0000-9999). */
function isoOf(ms: number): string {
	const days = Math.floor(ms / 86_400_000);
	let rest = ms - days * 86_400_000;
	const [year, month, day] = civilFromDays(days);
	const hour = Math.floor(rest / 3_600_000);
	rest -= hour * 3_600_000;
	const minute = Math.floor(rest / 60_000);
	rest -= minute * 60_000;
	const yearText = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
	return `${yearText}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(Math.floor(rest / 1000), 2)}.${pad(rest % 1000, 3)}Z`;
}

const stamp = fc.record({
	year: fc.oneof(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 9999 })),
	month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 13 })),
	day: fc.oneof(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 32 })),
	hour: fc.integer({ min: 0, max: 24 }),
	minute: fc.integer({ min: 0, max: 60 }),
	second: fc.option(fc.integer({ min: 0, max: 60 })),
	fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
	separator: fc.constantFrom('T', 't', ' '),
	zone: fc.oneof(
		fc.constantFrom('Z', 'z', ''),
		fc.record({ sign: fc.constantFrom('+', '-'), hours: fc.integer({ min: 0, max: 23 }), minutes: fc.integer({ min: 0, max: 59 }), colon: fc.boolean() }).map(({ sign, hours, minutes, colon }) => `${sign}${pad(hours, 2)}${colon ? ':' : ''}${pad(minutes, 2)}`),
	),
});

describe(`property: ISO timestamps of the years 0000-9999 against an oracle without Date (${label})`, () => {
	it(`reads every valid one as the oracle's instant and text, and refuses the impossible ones [${runs(200)} runs]`, () => {
		fc.assert(
			fc.property(stamp, (s) => {
				const text = `${pad(s.year, 4)}-${pad(s.month, 2)}-${pad(s.day, 2)}${s.separator}${pad(s.hour, 2)}:${pad(s.minute, 2)}${s.second === null ? '' : `:${pad(s.second, 2)}`}${s.fraction === null ? '' : `.${s.fraction}`}${s.zone}`;
				const valid =
					s.month >= 1 && s.month <= 12 && s.day >= 1 && civilFromDays(daysFromCivil(s.year, s.month, s.day)).join('-') === [s.year, s.month, s.day].join('-') && s.hour <= 23 && s.minute <= 59 && (s.second ?? 0) <= 59;
				if (!valid) {
					expect(toIsoUtc(text)).toBeNull();
					return;
				}
				const offset = s.zone === '' || s.zone === 'Z' || s.zone === 'z' ? 0 : (s.zone[0] === '-' ? -1 : 1) * (Number(s.zone.slice(1, 3)) * 60 + Number(s.zone.slice(-2)));
				const millis = s.fraction === null ? 0 : Number(s.fraction.slice(0, 3).padEnd(3, '0'));
				const ms = daysFromCivil(s.year, s.month, s.day) * 86_400_000 + ((s.hour * 60 + s.minute - offset) * 60 + (s.second ?? 0)) * 1000 + millis;
				expect(toIsoUtc(text)).toBe(isoOf(ms));
			}),
			fcParams(runs(200)),
		);
	});
});

// ---------------------------------------------------------------------------------------------
// deep nesting

/** How deeply a value is nested (an object or array is a level), walked without recursion. */
function depthOf(value: unknown): number {
	let deepest = 0;
	const stack: Array<[unknown, number]> = [[value, 1]];
	while (stack.length > 0) {
		const [node, depth] = stack.pop()!;
		if (node === null || typeof node !== 'object') continue;
		deepest = Math.max(deepest, depth);
		for (const child of Object.values(node)) stack.push([child, depth + 1]);
	}
	return deepest;
}

/** `depth` levels of objects and arrays, mixed as `kinds` says, around a leaf. */
function nested(depth: number, kinds: 'objects' | 'arrays' | 'mixed', leafText: string): string {
	const openers = Array.from({ length: depth }, (_, i) => (kinds === 'arrays' || (kinds === 'mixed' && i % 3 === 1) ? '[' : `{"${i % 5 === 0 ? '__proto__' : 'a'}":`));
	return `${openers.join('')}${leafText}${openers.reverse().map((o) => (o === '[' ? ']' : '}')).join('')}`;
}

const deepCase = fc.record({
	depth: fc.oneof(fc.integer({ min: 990, max: 1010 }), fc.integer({ min: 1, max: 1200 }), fc.integer({ min: 4000, max: 100_000 })),
	kinds: fc.constantFrom<'objects' | 'arrays' | 'mixed'>('objects', 'arrays', 'mixed'),
	where: fc.constantFrom('root', 'field', 'dottedKey'),
	n: fc.nat(1_000_000),
});

describe(`property: deep nesting reaches no item (${label})`, () => {
	for (const t of TRIGGERS) {
		for (const mode of MODES) {
			it(`${t.definition.nodeName}, onUnrecognized ${mode}: no item nested deeper than 1000 levels and its envelope; deeper bodies on Unrecognized with the reason and the raw body [${runs(0.5)} runs]`, async () => {
				await fc.assert(
					fc.asyncProperty(deepCase, async ({ depth, kinds, where, n }) => {
						const sample = uniqueSample(t.definition.provider, t.specs[n % t.specs.length], n);
						// the body's own depth: the sample's object (1), the deep value inside it
						let text: string;
						let bodyDepth: number;
						if (where === 'root') {
							text = nested(depth, kinds, '1');
							bodyDepth = depth;
						} else if (where === 'field') {
							text = JSON.stringify(sample).replace(/^\{/, `{"deep":${nested(depth, kinds, '1')},`);
							bodyDepth = depth + 1;
						} else {
							// a key of `depth` dotted parts in ApiRTC's props: not nested past 32 parts
							const props = JSON.stringify({ state: 'open', [Array.from({ length: Math.min(depth, 20_000) }, () => 'p').join('.')]: 1 });
							text = JSON.stringify({ ...sample, props: {} }).replace('"props":{}', `"props":${props}`);
							bodyDepth = 2;
						}
						const body = Buffer.from(text);
						const call = await callWebhook(t.node, { body, headers: requestHeaders(t, body, 'current', 'application/json', []) }, { credentials: credentialsFor(t), parameters: { options: { onUnrecognized: mode } }, staticData: {}, ...freshScope() });
						expectSafeCall(call, { mode, secrets: [SECRET, PREVIOUS] });
						// the envelope (item, data) and ApiRTC's nesting of 32 parts at most
						for (const item of [...call.events, ...call.unrecognized]) expect(depthOf(item)).toBeLessThanOrEqual(1000 + 40);
						if (bodyDepth > 1000) {
							if (mode === 'reject') {
								expect(call.status).toBe(400);
								expect(call.body).toEqual({ error: 'unrecognized payload', issues: [{ path: '', message: TOO_DEEP }] });
							} else {
								expect(call.status).toBe(200);
								expect(call.unrecognized).toHaveLength(1);
								expect(call.unrecognized[0]).toMatchObject({ reason: TOO_DEEP, body: null, raw: text });
							}
						} else if (call.unrecognized.length > 0) {
							expect(call.unrecognized[0].reason).not.toBe(TOO_DEEP);
						}
					}),
					fcParams(runs(0.5)),
				);
			});
		}
	}
});
