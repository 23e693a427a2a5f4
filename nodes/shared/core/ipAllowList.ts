import { isIP } from 'net';

interface Range {
	bytes: Buffer;
	prefix: number;
}

export type AllowListResult = { ok: true; ranges: Range[] } | { ok: false; invalid: string[] };

/** Parses "203.0.113.7, 198.51.100.0/24, 2001:db8::/32" into ranges; reports entries it cannot read. */
export function parseAllowList(text: string): AllowListResult {
	const ranges: Range[] = [];
	const invalid: string[] = [];
	for (const raw of text.split(/[\s,;]+/)) {
		const entry = raw.trim();
		if (entry === '') continue;
		const parts = entry.split('/');
		if (parts.length > 2) {
			invalid.push(entry);
			continue;
		}
		const [address, prefixText] = parts;
		const bytes = toBytes(address);
		const max = bytes ? bytes.length * 8 : 0;
		const prefix = prefixText === undefined ? max : /^\d+$/.test(prefixText) ? Number(prefixText) : NaN;
		if (!bytes || !(prefix >= 0 && prefix <= max)) invalid.push(entry);
		else ranges.push({ bytes, prefix });
	}
	return invalid.length > 0 ? { ok: false, invalid } : { ok: true, ranges };
}

export function isAllowed(address: string | undefined, ranges: Range[]): boolean {
	if (!address) return false;
	const bytes = toBytes(address);
	if (!bytes) return false;
	return ranges.some((range) => range.bytes.length === bytes.length && prefixMatches(bytes, range));
}

function prefixMatches(bytes: Buffer, range: Range): boolean {
	const whole = Math.floor(range.prefix / 8);
	for (let i = 0; i < whole; i++) if (bytes[i] !== range.bytes[i]) return false;
	const rest = range.prefix % 8;
	if (rest === 0) return true;
	const mask = (0xff << (8 - rest)) & 0xff;
	return (bytes[whole] & mask) === (range.bytes[whole] & mask);
}

/** 4 bytes for IPv4 (also IPv4-mapped IPv6 such as ::ffff:203.0.113.7), 16 for IPv6. */
function toBytes(address: string): Buffer | undefined {
	let text = address.trim();
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
	if (mapped) text = mapped[1];
	const zone = text.indexOf('%');
	if (zone >= 0) text = text.slice(0, zone);
	const family = isIP(text);
	if (family === 4) return Buffer.from(text.split('.').map(Number));
	if (family !== 6) return undefined;
	const [head, tail = ''] = text.includes('::') ? text.split('::') : [text, undefined as unknown as string];
	const parse = (part: string) => (part === '' ? [] : part.split(':'));
	let groups = parse(head);
	let tailGroups = text.includes('::') ? parse(tail) : [];
	const expandV4 = (list: string[]) => {
		const last = list[list.length - 1];
		if (last && last.includes('.')) {
			const [a, b, c, d] = last.split('.').map(Number);
			list.splice(list.length - 1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
		}
		return list;
	};
	if (text.includes('::')) tailGroups = expandV4(tailGroups);
	else groups = expandV4(groups);
	const missing = 8 - groups.length - tailGroups.length;
	const all = [...groups, ...Array(Math.max(0, missing)).fill('0'), ...tailGroups];
	const out = Buffer.alloc(16);
	all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
	return out;
}
