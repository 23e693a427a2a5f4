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
	const v4 = parseIPv4(text);
	if (v4) return Buffer.from(v4);
	const v6 = parseIPv6(text);
	if (!v6) return undefined;
	const out = Buffer.alloc(16);
	v6.forEach((group, i) => out.writeUInt16BE(group, i * 2));
	return out;
}

/** Dotted decimal, four octets 0-255 without leading zeros (what Node's net.isIPv4 accepts). */
function parseIPv4(text: string): number[] | undefined {
	const octets = text.split('.');
	if (octets.length !== 4 || !octets.every((octet) => /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/.test(octet))) return undefined;
	return octets.map(Number);
}

/** Eight 16-bit groups: at most one `::`, an optional trailing dotted IPv4 counting as two groups. */
function parseIPv6(text: string): number[] | undefined {
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const groupsOf = (part: string, allowIPv4: boolean): number[] | undefined => {
		if (part === '') return [];
		const pieces = part.split(':');
		const groups: number[] = [];
		for (let i = 0; i < pieces.length; i++) {
			const piece = pieces[i];
			if (allowIPv4 && i === pieces.length - 1 && piece.includes('.')) {
				const v4 = parseIPv4(piece);
				if (!v4) return undefined;
				groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
			} else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
				groups.push(parseInt(piece, 16));
			} else {
				return undefined;
			}
		}
		return groups;
	};
	if (halves.length === 1) {
		const groups = groupsOf(text, true);
		return groups && groups.length === 8 ? groups : undefined;
	}
	const head = groupsOf(halves[0], false);
	const tail = groupsOf(halves[1], true);
	if (!head || !tail || head.length + tail.length > 7) return undefined;
	return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
