import { toIsoUtc } from '../../nodes/shared/core/time';

describe('toIsoUtc: Unix timestamps', () => {
	it.each<[unknown, string]>([
		[1663831826, '2022-09-22T07:30:26.000Z'], // Tracebuzz newResult sample
		[1663845416, '2022-09-22T11:16:56.000Z'], // Tracebuzz caseClosed sample
		[1575976413, '2019-12-10T11:13:33.000Z'], // ApiRTC sample
		[0, '1970-01-01T00:00:00.000Z'],
		[1663831826.5, '2022-09-22T07:30:26.500Z'],
		[999_999_999_999, '+033658-09-27T01:46:39.000Z'], // just below the milliseconds threshold: seconds
	])('reads seconds %p', (input, expected) => {
		expect(toIsoUtc(input)).toBe(expected);
	});

	it.each<[unknown, string]>([
		[1663831826123, '2022-09-22T07:30:26.123Z'],
		[1e12, '2001-09-09T01:46:40.000Z'],
		[1575976413000, '2019-12-10T11:13:33.000Z'],
	])('reads milliseconds %p', (input, expected) => {
		expect(toIsoUtc(input)).toBe(expected);
	});

	it.each<[string, string]>([
		['1663831826', '2022-09-22T07:30:26.000Z'],
		['  1663831826 ', '2022-09-22T07:30:26.000Z'],
		['1663831826123', '2022-09-22T07:30:26.123Z'],
		['1663831826.25', '2022-09-22T07:30:26.250Z'],
		['0', '1970-01-01T00:00:00.000Z'],
	])('reads the digit string %p', (input, expected) => {
		expect(toIsoUtc(input)).toBe(expected);
	});

	it.each<[unknown]>([[-1], [-1663831826], ['-1663831826'], [NaN], [Infinity], [-Infinity], [1e20], ['1e9'], ['0x10'], ['']])(
		'refuses %p',
		(input) => {
			expect(toIsoUtc(input)).toBeNull();
		},
	);
});

describe('toIsoUtc: ISO-8601 strings', () => {
	it.each<[string, string]>([
		// Buzzeasy: 7 fractional digits
		['2022-03-08T07:39:47.6052457Z', '2022-03-08T07:39:47.605Z'],
		['2022-03-08T07:41:47.6052457Z', '2022-03-08T07:41:47.605Z'],
		['2022-03-08T07:39:47.9999999Z', '2022-03-08T07:39:47.999Z'],
		['2022-03-08T07:39:47.6Z', '2022-03-08T07:39:47.600Z'],
		['2022-03-08T07:39:47.60Z', '2022-03-08T07:39:47.600Z'],
		['2022-03-08T07:39:47.123456789Z', '2022-03-08T07:39:47.123Z'],
		// BuzzBip
		['2026-06-01T14:32:00Z', '2026-06-01T14:32:00.000Z'],
		['2026-06-01t14:32:00z', '2026-06-01T14:32:00.000Z'],
		// offsets
		['2021-09-20T13:25:06+00:00', '2021-09-20T13:25:06.000Z'],
		['2021-09-20T13:25:06-00:00', '2021-09-20T13:25:06.000Z'],
		['2021-09-20T15:25:06+0200', '2021-09-20T13:25:06.000Z'],
		['2021-09-20T15:25:06+02:00', '2021-09-20T13:25:06.000Z'],
		['2021-09-20T08:25:06.5-05:00', '2021-09-20T13:25:06.500Z'],
		['2021-09-20T18:55:06.1234567+05:30', '2021-09-20T13:25:06.123Z'],
		['2021-09-20T00:30:00+0100', '2021-09-19T23:30:00.000Z'],
		// no zone: taken as UTC, whatever the machine's time zone
		['2021-09-20T13:25:06', '2021-09-20T13:25:06.000Z'],
		['2021-09-20 13:25:06', '2021-09-20T13:25:06.000Z'],
		// surrounding whitespace
		['  2026-06-01T14:32:00Z\n', '2026-06-01T14:32:00.000Z'],
		// leap day
		['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
	])('reads %p', (input, expected) => {
		expect(toIsoUtc(input)).toBe(expected);
	});

	it('reads a time without seconds (the pattern allows it)', () => {
		expect(toIsoUtc('2026-06-01T14:32Z')).toBe('2026-06-01T14:32:00.000Z');
		expect(toIsoUtc('2026-06-01T16:32+02:00')).toBe('2026-06-01T14:32:00.000Z');
	});

	it.each<[string]>([
		['2022-02-30T00:00:00Z'], // no 30 February
		['2023-02-29T00:00:00Z'], // not a leap year
		['2022-04-31T00:00:00Z'], // April has 30 days
	])('refuses the impossible calendar date %p instead of rolling it over', (input) => {
		expect(toIsoUtc(input)).toBeNull();
	});

	it.each<[unknown]>([
		['garbage'],
		['not a date'],
		['2022-13-01T00:00:00Z'],
		['2022-01-01T25:00:00Z'],
		['2022-01-01T00:60:00Z'],
		['2022-01-01'],
		['2022-03-08T07:39:47.Z'],
		['2022-03-08T07:39:47Z+01:00'],
		['2022-03-08T07:39:47+1'],
		['Tue, 08 Mar 2022 07:39:47 GMT'],
		['2022/03/08 07:39:47'],
		[''],
		['   '],
		[null],
		[undefined],
		[true],
		[{}],
		[[1663831826]],
		[new Date('2022-03-08T07:39:47Z')],
	])('answers null for %p', (input) => {
		expect(toIsoUtc(input)).toBeNull();
	});
});

describe('toIsoUtc: the years 0000-0099 (Date.UTC would read them as 1900-1999)', () => {
	it.each<[string, string]>([
		// the general path (an offset) and the fast path (Z)
		['0050-01-01T00:00:00+00:00', '0050-01-01T00:00:00.000Z'],
		['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
		['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
		['0000-01-01T00:00:00', '0000-01-01T00:00:00.000Z'],
		['0099-12-31T23:59:59.999+00:00', '0099-12-31T23:59:59.999Z'],
		['0099-12-31T23:59:59.9999999Z', '0099-12-31T23:59:59.999Z'],
		// leap years by the Gregorian rule, carried back: 0 and 4 are, 100 is not
		['0000-02-29T12:00:00Z', '0000-02-29T12:00:00.000Z'],
		['0004-02-29T12:00:00+02:00', '0004-02-29T10:00:00.000Z'],
		// an offset that crosses a year, or the year 0
		['0001-01-01T00:30:00+01:00', '0000-12-31T23:30:00.000Z'],
		['0099-12-31T23:30:00-01:00', '0100-01-01T00:30:00.000Z'],
		['0000-01-01T00:00:00+00:01', '-000001-12-31T23:59:00.000Z'],
		['0100-01-01T00:00:00+00:00', '0100-01-01T00:00:00.000Z'],
	])('reads %p as %p', (input, expected) => {
		expect(toIsoUtc(input)).toBe(expected);
	});

	it.each<[string]>([['0001-02-29T00:00:00Z'], ['0100-02-29T00:00:00+00:00'], ['0050-04-31T00:00:00Z']])('refuses the impossible date %p', (input) => {
		expect(toIsoUtc(input)).toBeNull();
	});
});
