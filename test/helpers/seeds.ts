import { readFileSync } from 'fs';
import { join } from 'path';

/** The providers' own documents, read from ../shared/seeds beside the repository. */
export const SEEDS_DIR = process.env.SEEDS_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'seeds');

export function seedText(file: string): string {
	return readFileSync(join(SEEDS_DIR, file), 'utf8');
}

/** Every top-level JSON object in a seed document's text that parses (its examples). */
export function seedJsonBlocks(file: string): unknown[] {
	const text = seedText(file).replace(/^\s*\d+(?=[{"}\s])/gm, '').replace(/\/\/[^\n"]*$/gm, '');
	const found: unknown[] = [];
	for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
		let depth = 0;
		for (let end = start; end < text.length; end++) {
			if (text[end] === '{') depth++;
			else if (text[end] === '}' && --depth === 0) {
				try {
					found.push(JSON.parse(text.slice(start, end + 1)));
					start = end;
				} catch {
					/* not JSON: keep scanning */
				}
				break;
			}
		}
	}
	return found;
}
