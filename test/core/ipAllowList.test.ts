import { isAllowed, parseAllowList } from '../../nodes/shared/core/ipAllowList';

function ranges(text: string) {
	const result = parseAllowList(text);
	if (!result.ok) throw new Error(`unexpected invalid entries: ${result.invalid.join(' ')}`);
	return result.ranges;
}

describe('parseAllowList', () => {
	it('reads single addresses and CIDR ranges separated by commas, spaces, semicolons and new lines', () => {
		const result = parseAllowList('203.0.113.7, 198.51.100.0/24;2001:db8::/32\n10.0.0.0/8\t::1');
		expect(result.ok).toBe(true);
		if (result.ok) {
			expect(result.ranges).toHaveLength(5);
			expect(result.ranges.map((r) => [r.bytes.length, r.prefix])).toEqual([
				[4, 32],
				[4, 24],
				[16, 32],
				[4, 8],
				[16, 128],
			]);
			expect([...result.ranges[0].bytes]).toEqual([203, 0, 113, 7]);
		}
	});

	it('reads an empty list as no ranges', () => {
		expect(parseAllowList('')).toEqual({ ok: true, ranges: [] });
		expect(parseAllowList(' ,  ; \n')).toEqual({ ok: true, ranges: [] });
	});

	it('reports every entry it cannot read, verbatim', () => {
		expect(parseAllowList('203.0.113.7, 999.1.1.1, 10.0.0.0/33, 2001:db8::/129, 1.2.3.4/, 1.2.3.4/x, example.com, 1.2.3, ::ffff:1.2.3.4/33, 1.2.3.4/-1')).toEqual({
			ok: false,
			invalid: ['999.1.1.1', '10.0.0.0/33', '2001:db8::/129', '1.2.3.4/', '1.2.3.4/x', 'example.com', '1.2.3', '::ffff:1.2.3.4/33', '1.2.3.4/-1'],
		});
	});

	it('refuses an entry with two prefixes', () => {
		expect(parseAllowList('10.0.0.0/8/16')).toEqual({ ok: false, invalid: ['10.0.0.0/8/16'] });
	});
});

describe('isAllowed: IPv4', () => {
	it('matches a single address exactly', () => {
		const r = ranges('203.0.113.7');
		expect(isAllowed('203.0.113.7', r)).toBe(true);
		expect(isAllowed('203.0.113.8', r)).toBe(false);
		expect(isAllowed('203.0.113.70', r)).toBe(false);
	});

	it('/32 is a single address', () => {
		const r = ranges('203.0.113.7/32');
		expect(isAllowed('203.0.113.7', r)).toBe(true);
		expect(isAllowed('203.0.113.6', r)).toBe(false);
	});

	it('/24 covers the last octet', () => {
		const r = ranges('203.0.113.0/24');
		expect(isAllowed('203.0.113.0', r)).toBe(true);
		expect(isAllowed('203.0.113.255', r)).toBe(true);
		expect(isAllowed('203.0.114.0', r)).toBe(false);
		expect(isAllowed('203.0.112.255', r)).toBe(false);
	});

	it('/8 covers three octets', () => {
		const r = ranges('10.0.0.0/8');
		expect(isAllowed('10.255.255.255', r)).toBe(true);
		expect(isAllowed('10.0.0.1', r)).toBe(true);
		expect(isAllowed('11.0.0.0', r)).toBe(false);
		expect(isAllowed('9.255.255.255', r)).toBe(false);
	});

	it('/0 covers every IPv4 address and no IPv6 one', () => {
		const r = ranges('0.0.0.0/0');
		expect(isAllowed('1.2.3.4', r)).toBe(true);
		expect(isAllowed('255.255.255.255', r)).toBe(true);
		expect(isAllowed('2001:db8::1', r)).toBe(false);
	});

	it('prefixes that are not multiples of 8', () => {
		const r = ranges('198.51.100.64/26');
		expect(isAllowed('198.51.100.64', r)).toBe(true);
		expect(isAllowed('198.51.100.127', r)).toBe(true);
		expect(isAllowed('198.51.100.63', r)).toBe(false);
		expect(isAllowed('198.51.100.128', r)).toBe(false);
		const r12 = ranges('172.16.0.0/12');
		expect(isAllowed('172.31.255.255', r12)).toBe(true);
		expect(isAllowed('172.32.0.0', r12)).toBe(false);
	});

	it('ignores host bits in the range', () => {
		expect(isAllowed('203.0.113.200', ranges('203.0.113.7/24'))).toBe(true);
	});

	it('matches any of several ranges', () => {
		const r = ranges('10.0.0.0/8, 192.168.1.1');
		expect(isAllowed('192.168.1.1', r)).toBe(true);
		expect(isAllowed('10.1.1.1', r)).toBe(true);
		expect(isAllowed('192.168.1.2', r)).toBe(false);
	});
});

describe('isAllowed: IPv6', () => {
	it('matches a single address in any notation', () => {
		const r = ranges('2001:db8::1');
		expect(isAllowed('2001:db8::1', r)).toBe(true);
		expect(isAllowed('2001:0db8:0000:0000:0000:0000:0000:0001', r)).toBe(true);
		expect(isAllowed('2001:DB8::1', r)).toBe(true);
		expect(isAllowed('2001:db8::2', r)).toBe(false);
	});

	it('matches CIDR ranges', () => {
		const r = ranges('2001:db8::/32');
		expect(isAllowed('2001:db8::1', r)).toBe(true);
		expect(isAllowed('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', r)).toBe(true);
		expect(isAllowed('2001:db9::1', r)).toBe(false);
		const r48 = ranges('2001:db8:abcd::/48');
		expect(isAllowed('2001:db8:abcd:12::1', r48)).toBe(true);
		expect(isAllowed('2001:db8:abce::1', r48)).toBe(false);
		const r60 = ranges('2001:db8:0:10::/60');
		expect(isAllowed('2001:db8:0:1f::1', r60)).toBe(true);
		expect(isAllowed('2001:db8:0:20::1', r60)).toBe(false);
	});

	it('reads ::1, :: and trailing ::', () => {
		expect(isAllowed('::1', ranges('::1'))).toBe(true);
		expect(isAllowed('::2', ranges('::1'))).toBe(false);
		expect(isAllowed('fe80::1', ranges('::/0'))).toBe(true);
		expect(isAllowed('fe80::', ranges('fe80::/10'))).toBe(true);
		expect(isAllowed('febf::1', ranges('fe80::/10'))).toBe(true);
		expect(isAllowed('fec0::1', ranges('fe80::/10'))).toBe(false);
	});

	it('strips a zone id', () => {
		expect(isAllowed('fe80::1%eth0', ranges('fe80::/64'))).toBe(true);
	});

	it('reads embedded IPv4 in non-mapped IPv6', () => {
		expect(isAllowed('64:ff9b::203.0.113.7', ranges('64:ff9b::cb00:7100/120'))).toBe(true);
		expect(isAllowed('64:ff9b::203.0.114.7', ranges('64:ff9b::cb00:7100/120'))).toBe(false);
	});

	it('an IPv6 range never matches an IPv4 address', () => {
		expect(isAllowed('1.2.3.4', ranges('::/0'))).toBe(false);
	});
});

describe('isAllowed: IPv4-mapped IPv6', () => {
	it('::ffff:203.0.113.7 matches 203.0.113.0/24 and 203.0.113.7', () => {
		expect(isAllowed('::ffff:203.0.113.7', ranges('203.0.113.0/24'))).toBe(true);
		expect(isAllowed('::ffff:203.0.113.7', ranges('203.0.113.7'))).toBe(true);
		expect(isAllowed('::FFFF:203.0.113.7', ranges('203.0.113.0/24'))).toBe(true);
		expect(isAllowed('::ffff:203.0.114.7', ranges('203.0.113.0/24'))).toBe(false);
	});

	it('a mapped entry in the list matches the plain IPv4 address', () => {
		expect(isAllowed('203.0.113.7', ranges('::ffff:203.0.113.7'))).toBe(true);
	});
});

describe('isAllowed: refusals', () => {
	const r = ranges('0.0.0.0/0, ::/0');

	it('refuses an undefined or empty address', () => {
		expect(isAllowed(undefined, r)).toBe(false);
		expect(isAllowed('', r)).toBe(false);
	});

	it('refuses an address it cannot read', () => {
		expect(isAllowed('not-an-ip', r)).toBe(false);
		expect(isAllowed('999.0.0.1', r)).toBe(false);
		expect(isAllowed('1.2.3.4/24', r)).toBe(false);
	});

	it('refuses everything against an empty list', () => {
		expect(isAllowed('1.2.3.4', [])).toBe(false);
	});
});
