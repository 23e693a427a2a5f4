/** Unix timestamps above this are taken as milliseconds (it is the year 33658 in seconds). */
const MILLISECONDS_THRESHOLD = 1e12;

const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** 400 Gregorian years: 146,097 days. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

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
	const fast = utcIsoFast(text);
	if (fast !== undefined) return fast;
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
	// Date.UTC reads the years 0-99 as 1900-1999: those are computed 400 years later (the same
	// day of the week and leap years: 400 Gregorian years are exactly 146,097 days), then moved back
	const ms =
		(year < 100 ? Date.UTC(year + 400, month - 1, day, hour, minute, second, millis) - FOUR_CENTURIES_MS : Date.UTC(year, month - 1, day, hour, minute, second, millis)) -
		offsetMinutes * 60_000;
	return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/** The number the two decimal digits at `at` spell (checked by the caller). */
const twoDigits = (text: string, at: number) => (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;

/**
 * The common case without a regex or a Date: `YYYY-MM-DDThh:mm:ss[.f…]Z` (or `z`, or a space or
 * `t` for the `T`), any year from 0000 to 9999. Returns what the general path returns for the same
 * text (the fields as given, the fraction cut or padded to 3 digits), or undefined for any other
 * shape, which the general path then reads.
 */
function utcIsoFast(text: string): string | null | undefined {
	const length = text.length;
	if (length < 20) return undefined;
	const zone = text.charCodeAt(length - 1);
	if (zone !== 90 && zone !== 122) return undefined; // Z, z
	const separator = text.charCodeAt(10);
	if (
		!(isDigit(text.charCodeAt(0)) && isDigit(text.charCodeAt(1)) && isDigit(text.charCodeAt(2)) && isDigit(text.charCodeAt(3))) ||
		text.charCodeAt(4) !== 45 || !isDigit(text.charCodeAt(5)) || !isDigit(text.charCodeAt(6)) ||
		text.charCodeAt(7) !== 45 || !isDigit(text.charCodeAt(8)) || !isDigit(text.charCodeAt(9)) ||
		(separator !== 84 && separator !== 116 && separator !== 32) ||
		!isDigit(text.charCodeAt(11)) || !isDigit(text.charCodeAt(12)) || text.charCodeAt(13) !== 58 ||
		!isDigit(text.charCodeAt(14)) || !isDigit(text.charCodeAt(15)) || text.charCodeAt(16) !== 58 ||
		!isDigit(text.charCodeAt(17)) || !isDigit(text.charCodeAt(18))
	) {
		return undefined;
	}
	let millis: string;
	if (length === 20) millis = '000';
	else {
		// `.` and at least one digit, all digits up to the zone
		if (text.charCodeAt(19) !== 46 || length < 22) return undefined;
		for (let i = 20; i < length - 1; i++) if (!isDigit(text.charCodeAt(i))) return undefined;
		millis = length >= 24 ? text.slice(20, 23) : text.slice(20, length - 1).padEnd(3, '0');
	}
	const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
	const month = twoDigits(text, 5);
	const day = twoDigits(text, 8);
	const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0;
	if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1] + leap || twoDigits(text, 11) > 23 || twoDigits(text, 14) > 59 || twoDigits(text, 17) > 59) return null;
	return `${text.slice(0, 10)}T${text.slice(11, 19)}.${millis}Z`;
}

function fromEpoch(n: number): string | null {
	if (!Number.isFinite(n) || n < 0) return null;
	const ms = n >= MILLISECONDS_THRESHOLD ? n : n * 1000;
	// Date keeps whole milliseconds (truncated) up to 8.64e15, and is invalid past it
	if (ms > 8.64e15) return null;
	return isoOfEpochMs(Math.trunc(ms));
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()` for whole milliseconds from 1970 to 9999, computed (the civil
 * date of a day count, H. Hinnant's algorithm) rather than through a Date; toISOString itself
 * for the rest.
 */
export function isoOfEpochMs(ms: number): string {
	if (!(ms >= 0 && ms < 253402300800000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
	const days = Math.floor(ms / 86_400_000);
	let rest = ms - days * 86_400_000;
	const hour = Math.floor(rest / 3_600_000);
	rest -= hour * 3_600_000;
	const minute = Math.floor(rest / 60_000);
	rest -= minute * 60_000;
	const second = Math.floor(rest / 1000);
	const millis = rest - second * 1000;
	// days since 0000-03-01, in 400-year eras
	const z = days + 719_468;
	const era = Math.floor(z / 146_097);
	const dayOfEra = z - era * 146_097;
	const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
	const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
	const mp = Math.floor((5 * dayOfYear + 2) / 153);
	const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** `new Date(ms).toISOString()` up to the fraction's `.`, for the last second asked about. */
let isoSecond = NaN;
let isoSecondPrefix = '';

/**
 * `new Date(ms).toISOString()` for a whole-millisecond time such as `Date.now()`: the text up to
 * the second is made once per second, the milliseconds appended. The same text as toISOString.
 */
export function isoOfMs(ms: number): string {
	if (!Number.isInteger(ms) || Math.abs(ms) > 8.64e15) return new Date(ms).toISOString();
	const millis = ((ms % 1000) + 1000) % 1000;
	const second = ms - millis;
	if (second !== isoSecond) {
		const iso = new Date(second).toISOString();
		isoSecondPrefix = iso.slice(0, iso.length - 4);
		isoSecond = second;
	}
	return `${isoSecondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
