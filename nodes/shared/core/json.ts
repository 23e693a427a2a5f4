/** Keys that can reach an object's prototype when a parsed payload is later copied by assignment. */
export const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonParseResult =
	| { ok: true; value: unknown; removedKeys: string[] }
	| { ok: false; reason: string };

const BOM = '\ufeff';

/**
 * Parses JSON text and removes every `__proto__`, `constructor` and `prototype` key at any depth,
 * so that no later copy of the value (ours, n8n's, a user's Code node) can change a prototype.
 * The removed keys' paths are reported; the raw body option still carries them verbatim.
 */
export function parseJsonSafely(text: string): JsonParseResult {
	const source = text.startsWith(BOM) ? text.slice(1) : text;
	if (source.trim() === '') return { ok: false, reason: 'empty body' };
	let value: unknown;
	try {
		value = JSON.parse(source);
	} catch {
		return { ok: false, reason: 'body is not valid JSON' };
	}
	const removedKeys: string[] = [];
	// a walk over the parsed keys, not a scan of the text: escapes such as \u005f cannot hide a
	// key from it, and it costs the number of keys, not the size of the body. A first walk only
	// looks (no paths built); the walk that builds paths and removes runs when it found one.
	if (hasDangerousKey(value)) stripDangerousKeys(value, '', removedKeys);
	return { ok: true, value, removedKeys };
}

function isDangerousKey(key: string): boolean {
	return (key.length === 9 && (key === '__proto__' || key === 'prototype')) || (key.length === 11 && key === 'constructor');
}

/** Whether any object in the value has a dangerous own key, at any depth. */
export function hasDangerousKey(value: unknown): boolean {
	if (value === null || typeof value !== 'object') return false;
	// iterative, so that deeply nested input cannot overflow the stack
	const stack: object[] = [value];
	while (stack.length > 0) {
		const node = stack.pop()!;
		if (Array.isArray(node)) {
			for (let i = 0; i < node.length; i++) {
				const item: unknown = node[i];
				if (item !== null && typeof item === 'object') stack.push(item);
			}
			continue;
		}
		const record = node as Record<string, unknown>;
		// for-in, not Object.keys (no array per object, 3x faster): it also lists enumerable keys
		// inherited from a prototype someone extended, which can only make this say true more often,
		// and the strip then works from Object.keys
		for (const key in record) {
			if (isDangerousKey(key)) return true;
			const item = record[key];
			if (item !== null && typeof item === 'object') stack.push(item);
		}
	}
	return false;
}

function stripDangerousKeys(value: unknown, path: string, removed: string[]): void {
	// iterative, so that deeply nested input cannot overflow the stack
	const stack: Array<[unknown, string]> = [[value, path]];
	while (stack.length > 0) {
		const [node, at] = stack.pop()!;
		if (node === null || typeof node !== 'object') continue;
		if (Array.isArray(node)) {
			for (let i = 0; i < node.length; i++) stack.push([node[i], `${at}[${i}]`]);
			continue;
		}
		const record = node as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const keyPath = at === '' ? key : `${at}.${key}`;
			if (DANGEROUS_KEYS.has(key)) {
				delete record[key];
				removed.push(keyPath);
			} else {
				stack.push([record[key], keyPath]);
			}
		}
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}
