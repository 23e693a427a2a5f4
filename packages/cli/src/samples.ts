import { createHash, randomBytes, randomInt } from 'crypto';

import { readPath } from '../../../nodes/shared/core/body';
import { DANGEROUS_KEYS, isPlainObject } from '../../../nodes/shared/core/json';
import type { RegisteredProvider, SampleSource } from '../../../nodes/shared/definition';
import { PROVIDERS } from '../../../nodes/shared/providers';

export interface SampleOptions {
	/** A variant of the event (Chatzuri: the channel of a message.received event). */
	channel?: string;
	/** Dotted paths to set in the body, e.g. `{ 'payload.message': 'Hi' }`. */
	overrides?: Record<string, unknown>;
	now?: Date;
	/** Where the fresh ids come from: random by default (`serialSource` for reproducible samples). */
	source?: SampleSource;
}

export class SampleError extends Error {}

/** The Header Name a provider's credential starts with (Tracebuzz, ApiRTC: `X-Webhook-Secret`), from the registry. */
export function defaultHeaderName(credentialName: string): string | undefined {
	const definition = Object.values(PROVIDERS).find((candidate) => candidate.credential.name === credentialName);
	const value = definition?.credential.fields.headerName?.default;
	return typeof value === 'string' && value !== '' ? value : undefined;
}

export function providerIds(): string[] {
	return Object.keys(PROVIDERS);
}

export function getProvider(provider: string): RegisteredProvider {
	const id = provider.toLowerCase();
	const definition = Object.prototype.hasOwnProperty.call(PROVIDERS, id) ? PROVIDERS[id] : undefined;
	if (!definition) throw new SampleError(`unknown provider "${provider}". Known providers: ${providerIds().join(', ')} (run "list" to see their events)`);
	return definition;
}

/** Fresh random values: every `send` is a new event. */
export function randomSource(now = new Date()): SampleSource {
	return { token: (length) => randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length), integer: () => randomInt(1, 2 ** 31), now };
}

/**
 * Values from a serial: the same (`n`, `tag`) gives the same sample, another `n` (or tag) another
 * event. Tokens are hex digits of a hash of tag, serial and call; integers are the serial plus one
 * (the same for every tag: a run that needs integers apart across tags gives each tag its own serials).
 */
export function serialSource(n: number, tag = '', now = new Date(Date.UTC(2026, 5, 1, 14, 32, 0))): SampleSource {
	let call = 0;
	return {
		token: (length) => createHash('sha256').update(`${tag}:${n}:${call++}`).digest('hex').slice(0, length),
		integer: () => n + 1,
		now,
	};
}

/** The variant values of an event (Chatzuri's channels for message.received), none for most. */
export function variantsOf(definition: RegisteredProvider, event?: string): readonly string[] {
	const variants = definition.samples.variants;
	if (!variants || (event !== undefined && !variants.events.includes(event))) return [];
	return variants.values;
}

/** Every event (and variant of it) a provider sends: what the tests and the load test cover. */
export function sampleSpecs(definition: RegisteredProvider): Array<{ event: string; channel?: string }> {
	return definition.events.flatMap(({ value }) => {
		const values = variantsOf(definition, value);
		return values.length ? values.map((channel) => ({ event: value, channel })) : [{ event: value }];
	});
}

/** The provider's own documented example closest to the event (and variant) asked for. */
function template(definition: RegisteredProvider, event: string, channel?: string): Record<string, unknown> {
	const candidates = definition.examples.map((example) => example.body as Record<string, unknown>);
	const describedEvent = (body: Record<string, unknown>) => definition.describe(definition.schema.parse(body)).event;
	const sameEvent = candidates.filter((body) => describedEvent(body) === event);
	const variantPath = definition.samples.variants?.path;
	const [kind] = event.split('.');
	const chosen =
		sameEvent.find((body) => channel === undefined || variantPath === undefined || readPath(body, variantPath) === channel) ??
		sameEvent[0] ??
		// an event without an example of its own: one of the same kind (ApiRTC's ticket.create from ticket.update)
		candidates.find((body) => describedEvent(body).split('.')[0] === kind) ??
		candidates[0];
	return structuredClone(chosen);
}

/** Sets a dotted path, creating objects on the way; never through a prototype-changing key. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
	const parts = path.split('.');
	if (parts.some((part) => part === '' || DANGEROUS_KEYS.has(part))) throw new SampleError(`cannot set "${path}": empty or reserved key`);
	let node = target;
	for (const part of parts.slice(0, -1)) {
		if (!isPlainObject(node[part])) node[part] = {};
		node = node[part] as Record<string, unknown>;
	}
	node[parts[parts.length - 1]] = value;
}

/** A realistic body for a provider's event, with fresh ids and timestamps. */
export function buildSample(provider: string, event: string, options: SampleOptions = {}): Record<string, unknown> {
	return buildSampleOf(getProvider(provider), event, options);
}

/** The same for a definition given (one not, or not yet, in the registry). */
export function buildSampleOf(definition: RegisteredProvider, event: string, options: SampleOptions = {}): Record<string, unknown> {
	const known = definition.events.map((e) => e.value);
	if (!known.includes(event)) throw new SampleError(`unknown ${definition.displayName} event "${event}". Known events: ${known.join(', ')}`);
	const channels = variantsOf(definition);
	if (options.channel !== undefined && !channels.includes(options.channel)) {
		throw new SampleError(channels.length ? `unknown channel "${options.channel}". Known channels: ${channels.join(', ')}` : `${definition.displayName} events have no channel`);
	}
	const body = template(definition, event, options.channel);
	if (options.channel !== undefined) setPath(body, definition.samples.variants!.path, options.channel);
	definition.samples.fresh(body, event, options.source ?? randomSource(options.now));
	for (const [path, value] of Object.entries(options.overrides ?? {})) setPath(body, path, value);
	return body;
}

/** Every provider with its events (and Chatzuri's channels), for `list`. */
export function catalogue() {
	return Object.values(PROVIDERS).map((definition) => ({
		provider: definition.provider,
		displayName: definition.displayName,
		authentication:
			definition.verification.type === 'hmac'
				? `${definition.verification.signatureHeader}: HMAC-${definition.verification.algorithm.toUpperCase()} (${definition.verification.encoding.join(' or ')})`
				: definition.verification.header
					? `${definition.verification.header} header`
					: `custom header (--header-name, default ${defaultHeaderName(definition.credential.name) ?? 'none'})`,
		events: definition.events.map((event) => ({ value: event.value, name: event.name })),
		channels: [...variantsOf(definition)],
	}));
}
