import { getHeader, type HeaderBag } from './headers';
import { DANGEROUS_KEYS, isPlainObject, parseJsonSafely, type JsonParseResult } from './json';

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
	if (contentType.includes('application/x-www-form-urlencoded')) {
		const value: Record<string, unknown> = {};
		const removedKeys: string[] = [];
		for (const [key, field] of new URLSearchParams(text)) {
			if (DANGEROUS_KEYS.has(key)) {
				removedKeys.push(key);
				continue;
			}
			const existing = value[key];
			value[key] = existing === undefined ? field : Array.isArray(existing) ? [...existing, field] : [existing, field];
		}
		return { ok: true, value, removedKeys };
	}
	return { ok: true, value: { text }, removedKeys: [] };
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
