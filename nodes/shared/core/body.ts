import { getHeader, type HeaderBag } from './headers';
import { DANGEROUS_KEYS, isPlainObject, parseJsonSafely, type JsonParseResult } from './json';

/**
 * The most fields a form-encoded body may have, repeats of one name included (PHP's
 * `max_input_vars` default). Slack's slash commands send a dozen. A body with more goes to the
 * Unrecognized output with its raw text: refused before it is parsed, so that its cost is bounded
 * whatever its size.
 */
export const MAX_FORM_FIELDS = 1000;

export const TOO_MANY_FIELDS_REASON = `form body has more than ${MAX_FORM_FIELDS} fields`;

/**
 * Reads a body whatever its kind, for senders that are not all JSON (Slack's slash commands are
 * form-encoded): JSON by content type or first character, form fields for urlencoded bodies,
 * else the text itself as `{ text }`. An empty body is `{}`.
 */
export function parseAnyBody(text: string, headers: HeaderBag): JsonParseResult {
	const contentType = (getHeader(headers, 'content-type') ?? '').toLowerCase();
	const trimmed = text.trim();
	if (trimmed === '') return { ok: true, value: {}, removedKeys: [] };
	if (contentType.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJsonSafely(text);
	if (contentType.includes('application/x-www-form-urlencoded')) return parseFormBody(text);
	return { ok: true, value: { text }, removedKeys: [] };
}

/**
 * Form fields: one value per name, or the list of its values in order when the name repeats.
 * Linear: a repeat is pushed onto the list (never copied), names are checked as own properties
 * (`toString=x` is the string "x", not Object.prototype's function beside it).
 */
export function parseFormBody(text: string): JsonParseResult {
	// n fields take at least 2n - 1 characters: a shorter body cannot have too many
	if (text.length > 2 * MAX_FORM_FIELDS && formFieldsMoreThan(text, MAX_FORM_FIELDS)) return { ok: false, reason: TOO_MANY_FIELDS_REASON };
	const value: Record<string, unknown> = {};
	const removedKeys: string[] = [];
	for (const [key, field] of new URLSearchParams(text)) {
		if (DANGEROUS_KEYS.has(key)) {
			removedKeys.push(key);
			continue;
		}
		const existing = value[key];
		// nothing of that name, own or inherited: the common case, one lookup
		if (existing === undefined) value[key] = field;
		// a name the object inherits (toString, valueOf, …): its own field, without its setter if any
		else if (!Object.prototype.hasOwnProperty.call(value, key)) Object.defineProperty(value, key, { value: field, enumerable: true, writable: true, configurable: true });
		// a repeat: the lists are ours, made here from strings
		else if (Array.isArray(existing)) existing.push(field);
		else value[key] = [existing, field];
	}
	return { ok: true, value, removedKeys };
}

/**
 * Whether the body has more than `limit` fields as URLSearchParams counts them (the non-empty
 * `&`-separated parts), found without parsing and without reading past the part after the limit.
 */
export function formFieldsMoreThan(text: string, limit: number): boolean {
	let fields = 0;
	let start = 0;
	for (;;) {
		const end = text.indexOf('&', start);
		const stop = end === -1 ? text.length : end;
		if (stop > start && ++fields > limit) return true;
		if (end === -1) return false;
		start = end + 1;
	}
}

/** Reads `a.b.c` from a parsed body through own properties only. */
export function readPath(value: unknown, path: string): unknown {
	let node = value;
	for (const part of path.split('.')) {
		if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
		node = node[part];
	}
	return node;
}
