/** Unix timestamps above this are taken as milliseconds (it is the year 33658 in seconds). */
const MILLISECONDS_THRESHOLD = 1e12;

/**
 * Turns a provider timestamp into ISO-8601 UTC with milliseconds, or null when it is not one:
 * Unix seconds or milliseconds (number or digit string), ISO strings with any number of fractional
 * digits (Buzzeasy sends 7) and with `Z` or a `+hh:mm` offset.
 */
export function toIsoUtc(value: unknown): string | null {
	if (typeof value === 'number') return fromEpoch(value);
	if (typeof value !== 'string') return null;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return fromEpoch(Number(text));
	const match = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
	if (!match) return null;
	const [, written, fraction = '', zone = 'Z'] = match;
	const base = written.replace(/[ t]/, 'T').length === 16 ? `${written.replace(/[ t]/, 'T')}:00` : written.replace(/[ t]/, 'T');
	if (!isRealCalendarTime(base)) return null;
	// Date parses at most millisecond precision reliably: keep three digits, and the zone as given
	const millis = fraction.padEnd(3, '0').slice(0, 3);
	const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
	const date = new Date(`${base}.${millis}${offset}`);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function fromEpoch(n: number): string | null {
	if (!Number.isFinite(n) || n < 0) return null;
	const date = new Date(n >= MILLISECONDS_THRESHOLD ? n : n * 1000);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Date rolls "2023-02-29" over to March 1st; a provider timestamp like that is refused instead. */
function isRealCalendarTime(base: string): boolean {
	const [year, month, day, hour, minute, second] = base.split(/[-T:]/).map(Number);
	const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
	return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60;
}
