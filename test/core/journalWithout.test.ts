import { journalWithout } from '../../nodes/shared/dedupeRecord';

describe('journalWithout (a save leaves out the keys n8n has not stored yet)', () => {
	const journal = 'a 1\nb 2\nc 3\nd 4\n';

	it('returns the journal itself when nothing is in flight', () => {
		expect(journalWithout(journal, new Set())).toBe(journal);
	});

	it('removes only the lines of in-flight keys, wherever they are, and keeps the order', () => {
		expect(journalWithout(journal, new Set(['c']))).toBe('a 1\nb 2\nd 4\n');
		expect(journalWithout(journal, new Set(['a']))).toBe('b 2\nc 3\nd 4\n');
		expect(journalWithout(journal, new Set(['d', 'b']))).toBe('a 1\nc 3\n');
		expect(journalWithout(journal, new Set(['a', 'b', 'c', 'd']))).toBe('');
	});

	it('ignores keys it does not hold, and a key that is only a prefix of another', () => {
		expect(journalWithout(journal, new Set(['x']))).toBe(journal);
		expect(journalWithout('ab 1\nabc 2\n', new Set(['ab']))).toBe('abc 2\n');
	});

	it('removes the latest line of an in-flight key; an older one (expired, or the key could not have been recorded again) stays for the reader to drop', () => {
		expect(journalWithout('k 1\nm 2\nk 9\n', new Set(['k']))).toBe('k 1\nm 2\n');
	});
});
