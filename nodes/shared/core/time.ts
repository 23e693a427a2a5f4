/** Unix timestamps above this are taken as milliseconds (it is the year 33658 in seconds). */
const MILLISECONDS_THRESHOLD = 1e12;

const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** One entry: schemas and `describe` read the same timestamp of a request one after the other. */
let lastInput: unknown;
let lastOutput: string | null = null;

/**
 * Turns a provider timestamp into ISO-8601 UTC with milliseconds, or null when it is not one:
 * Unix seconds or milliseconds (number or digit string), ISO strings with any number of fractional
 * digits (Buzzeasy sends 7) and with `Z` or a `+hh:mm` offset. Impossible calendar dates (Feb 30)
 * are refused rather than rolled over as Date would.
 */
export function toIsoUtc(value: unknown): string | null {
	if (value === lastInput && value !== undefined) return lastOutput;
	const output = convert(value);
	lastInput = value;
	lastOutput = output;
	return output;
}

function convert(value: unknown): string | null {
	if (typeof value === 'number') return fromEpoch(value);
	if (typeof value !== 'string') return null;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return fromEpoch(Number(text));
	const match = ISO.exec(text);
	if (!match) return null;
	const year = Number(match[1]);
	const month = Number(match[2]);
	const day = Number(match[3]);
	const hour = Number(match[4]);
	const minute = Number(match[5]);
	const second = match[6] === undefined ? 0 : Number(match[6]);
	const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0;
	if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1] + leap || hour > 23 || minute > 59 || second > 59) return null;
	// Date keeps milliseconds: three digits of the fraction, the rest dropped
	const millis = match[7] === undefined ? 0 : Number(match[7].slice(0, 3).padEnd(3, '0'));
	let offsetMinutes = 0;
	const zone = match[8];
	if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
		const digits = zone.replace(':', '');
		offsetMinutes = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
	}
	const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
	return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function fromEpoch(n: number): string | null {
	if (!Number.isFinite(n) || n < 0) return null;
	const date = new Date(n >= MILLISECONDS_THRESHOLD ? n : n * 1000);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
