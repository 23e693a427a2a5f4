/** Keys that can reach an object's prototype when a parsed payload is later copied by assignment. */
export const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonParseResult =
	| { ok: true; value: unknown; removedKeys: string[] }
	| { ok: false; reason: string };

const BOM = '\ufeff';

/**
 * The deepest nesting a body may have (`{}` is 1 level, `{"a":[]}` 2). n8n 2.41.1's public
 * executions API answers 500 for an execution whose item holds a body nested 4,400 levels deep
 * (4,350 still read back; objects and arrays alike), and its lists of executions with data fail
 * too while that one is among them; real payloads are a few tens of levels. A deeper body goes to
 * the Unrecognized output with its raw text and no parsed value.
 */
export const MAX_DEPTH = 1000;

export const TOO_DEEP_REASON = `body is nested deeper than ${MAX_DEPTH} levels`;

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
	// looks (no paths built, no depths kept); the walks that measure the depth, and that build
	// paths and remove, run when it found something.
	const found = look(value);
	if (found !== 0) {
		if (deeperThan(value, MAX_DEPTH)) return { ok: false, reason: TOO_DEEP_REASON };
		if ((found & DANGEROUS) !== 0) stripDangerousKeys(value, '', removedKeys);
	}
	return { ok: true, value, removedKeys };
}

function isDangerousKey(key: string): boolean {
	return (key.length === 9 && (key === '__proto__' || key === 'prototype')) || (key.length === 11 && key === 'constructor');
}

/** What `look` found: a dangerous key (the walk stopped there), or more objects than MAX_DEPTH. */
const DANGEROUS = 1;
const MANY_OBJECTS = 2;

/** Whether any object in the value has a dangerous own key, at any depth. */
export function hasDangerousKey(value: unknown): boolean {
	return (look(value) & DANGEROUS) !== 0;
}

/**
 * One walk that only looks: DANGEROUS as soon as an object has a dangerous key, else MANY_OBJECTS
 * when the value holds more objects and arrays than MAX_DEPTH (only then can it be nested deeper:
 * each level is one of them), else 0. Counting costs an addition per object; keeping each one's
 * depth would cost a second stack, for the few bodies that need it.
 */
function look(value: unknown): number {
	if (value === null || typeof value !== 'object') return 0;
	// iterative, so that deeply nested input cannot overflow the stack
	const stack: object[] = [value];
	let objects = 1;
	while (stack.length > 0) {
		const node = stack.pop()!;
		if (Array.isArray(node)) {
			for (let i = 0; i < node.length; i++) {
				const item: unknown = node[i];
				if (item !== null && typeof item === 'object') {
					stack.push(item);
					objects++;
				}
			}
			continue;
		}
		const record = node as Record<string, unknown>;
		// for-in, not Object.keys (no array per object, the faster walk): it also lists enumerable keys
		// inherited from a prototype someone extended, which can only make this say true more often,
		// and the strip then works from Object.keys
		for (const key in record) {
			if (isDangerousKey(key)) return DANGEROUS;
			const item = record[key];
			if (item !== null && typeof item === 'object') {
				stack.push(item);
				objects++;
			}
		}
	}
	return objects > MAX_DEPTH ? MANY_OBJECTS : 0;
}

/**
 * Whether the value is nested deeper than `limit` levels (an object or array is one level, each
 * one inside it one more). Iterative, with each pending object's depth on a second stack, so
 * that 100,000 levels cannot overflow the call stack; own keys only; stops at the first one too deep.
 */
export function deeperThan(value: unknown, limit: number): boolean {
	if (value === null || typeof value !== 'object') return limit < 0;
	const stack: object[] = [value];
	const depths: number[] = [1];
	while (stack.length > 0) {
		const node = stack.pop()!;
		const depth = depths.pop()!;
		if (depth > limit) return true;
		const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
		for (let i = 0; i < children.length; i++) {
			const item = children[i];
			if (item !== null && typeof item === 'object') {
				stack.push(item);
				depths.push(depth + 1);
			}
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

/**
 * A dotted key of more parts than this stays as it came: nesting it would nest the item as deeply
 * (a 10 KB key of 5,000 parts would be 5,000 levels, past what n8n can show).
 */
export const MAX_DOTTED_PARTS = 32;

/**
 * Sets an own, enumerable, writable property. A plain assignment does exactly that when nothing of
 * that name is on the object or its prototype (the common case, and the cheaper one); otherwise
 * (`toString`, a key set before) defineProperty, so that no inherited setter or read-only
 * property is involved.
 */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
	if (key in target) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
	else target[key] = value;
}

const hasOwn = (target: object, key: string) => Object.prototype.hasOwnProperty.call(target, key);

/**
 * The parts of a key that can be nested: at least two, at most MAX_DOTTED_PARTS, none empty and
 * none prototype-reaching; else undefined.
 */
function nestablePath(key: string): string[] | undefined {
	const path = key.split('.');
	if (path.length > MAX_DOTTED_PARTS) return undefined;
	for (let j = 0; j < path.length; j++) {
		const part = path[j];
		if (part === '' || ((part.length === 9 || part.length === 11) && DANGEROUS_KEYS.has(part))) return undefined;
	}
	return path;
}

/**
 * Whether another key of `source` names a place on the path of `key` (`geoloc` for `geoloc.lat`,
 * `a.b` for `a.b.c`) or extends it (`inner`: the dotted places on the paths of the keys of three
 * parts or more).
 */
function collides(source: Record<string, unknown>, key: string, path: string[], inner: Set<string> | undefined): boolean {
	if (inner !== undefined && inner.has(key)) return true;
	let place = path[0];
	if (hasOwn(source, place)) return true;
	for (let j = 1; j < path.length - 1; j++) {
		place = `${place}.${path[j]}`;
		if (hasOwn(source, place)) return true;
	}
	return false;
}

/**
 * `{"geoloc.lat": 1, "geoloc.lng": 2}` → `{geoloc: {lat: 1, lng: 2}}`. Nothing is dropped, whatever
 * the keys and their order: a dotted key stays as it came, beside the others, when another key
 * names a place on its path (`geoloc` beside `geoloc.lat`, `a.b` beside `a.b.c`: both stay) or
 * extends it, or when it has an empty or prototype-reaching part or more than MAX_DOTTED_PARTS
 * parts. Which keys are nested depends only on the set of keys, never on their order; the
 * source and its values are never changed.
 */
export function nestDottedKeys(source: Record<string, unknown>): Record<string, unknown> {
	const keys = Object.keys(source);
	const out: Record<string, unknown> = {};
	// the keys before the first one that can be nested are copied as they come (all of them, in
	// the common case of no dotted key); from it on, each key's path is read first
	let first = 0;
	let paths: Array<string[] | undefined> | undefined;
	let longest = 0;
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		const path = key.indexOf('.') === -1 ? undefined : nestablePath(key);
		if (path === undefined) {
			if (paths === undefined) put(out, key, source[key]);
			continue;
		}
		if (paths === undefined) {
			paths = new Array<string[] | undefined>(keys.length);
			first = i;
		}
		paths[i] = path;
		if (path.length > longest) longest = path.length;
	}
	if (paths === undefined) return out;
	// only a key of three parts or more can extend a dotted key (`a.b.c` extends `a.b`)
	let inner: Set<string> | undefined;
	if (longest > 2) {
		inner = new Set<string>();
		for (const path of paths) {
			if (path === undefined || path.length < 3) continue;
			let place = path[0];
			for (let j = 1; j < path.length - 1; j++) inner.add((place = `${place}.${path[j]}`));
		}
	}
	for (let i = first; i < keys.length; i++) {
		const key = keys[i];
		const path = paths[i];
		if (path === undefined || collides(source, key, path, inner)) {
			put(out, key, source[key]);
			continue;
		}
		// every place on the path is free or an object made here: no other key names one
		let target = out;
		for (let j = 0; j < path.length - 1; j++) {
			const part = path[j];
			if (!hasOwn(target, part)) put(target, part, {});
			target = target[part] as Record<string, unknown>;
		}
		put(target, path[path.length - 1], source[key]);
	}
	return out;
}
