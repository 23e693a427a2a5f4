export type HeaderBag = Record<string, string | string[] | undefined>;

/** Reads a header by name, ignoring case; a repeated header yields its first value. */
export function getHeader(headers: HeaderBag, name: string): string | undefined {
	const wanted = name.toLowerCase();
	// own properties only: a header named "constructor" must not find Object.prototype's
	let value = Object.prototype.hasOwnProperty.call(headers, wanted) ? headers[wanted] : undefined;
	if (value === undefined) {
		for (const key of Object.keys(headers)) {
			if (key.toLowerCase() === wanted) {
				value = headers[key];
				break;
			}
		}
	}
	if (Array.isArray(value)) value = value[0];
	return typeof value === 'string' ? value : undefined;
}

export const REDACTED = '[redacted]';

/** A plain copy of the headers with lower-case names, the named ones redacted. */
export function redactHeaders(headers: HeaderBag, secretHeaders: string[]): Record<string, string> {
	const secret = new Set(secretHeaders.map((h) => h.toLowerCase()));
	const out: Record<string, string> = {};
	for (const key of Object.keys(headers)) {
		const value = headers[key];
		if (value === undefined) continue;
		const name = key.toLowerCase();
		if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
		out[name] = secret.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}
