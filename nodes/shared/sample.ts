import { createHash } from 'crypto';

import type { HeaderBag } from './core/headers';
import type { ProviderDefinition, RegisteredProvider, SampleSource } from './definition';

/**
 * A sample delivery: what the trigger's sample webhook hands to the editor while it listens for a
 * test event (nodes/shared/pipeline.ts `handleSample`), built from the sender's documented example
 * of one event. Never sent on the Production URL, never signed, never deduplicated.
 */
export interface SampleDelivery {
	/** The body as the sender would send it (JSON). */
	body: unknown;
	/** The headers the sender would send besides its signature (content type, event name, ids). */
	headers: Record<string, string>;
}

/** The samples a trigger can send: one per event, the first one the default. */
export interface SampleCatalogue {
	/** Every event a sample can be had for, in the order the node shows them: value and name. */
	events: Array<{ value: string; name: string }>;
	/** The sample of one of those events, made at `now`. */
	build(event: string, now: Date): SampleDelivery;
}

/**
 * Fixed values for a sample's ids (hex digits of a hash of the event and the call): the same event
 * gives the same sample ids every time, and every sample's ids look like the provider's own.
 */
function sampleSource(event: string, now: Date): SampleSource {
	let call = 0;
	return {
		token: (length) => createHash('sha256').update(`sample:${event}:${call++}`).digest('hex').slice(0, length),
		integer: () => 1000 + call++,
		now,
	};
}

/** The provider's documented example closest to the event: its own, else one of the same kind, else the first. */
function template(definition: RegisteredProvider, event: string): Record<string, unknown> {
	const candidates = definition.examples.map((example) => example.body as Record<string, unknown>);
	const describedEvent = (body: Record<string, unknown>) => {
		const parsed = definition.schema.safeParse(body);
		return parsed.success ? definition.describe(parsed.data).event : '';
	};
	const [kind] = event.split('.');
	const chosen =
		candidates.find((body) => describedEvent(body) === event) ??
		candidates.find((body) => describedEvent(body).split('.')[0] === kind) ??
		candidates[0];
	return structuredClone(chosen);
}

/** The samples of one of the package's providers: every event of its Events parameter. */
export function providerSamples(definition: RegisteredProvider): SampleCatalogue {
	return {
		events: definition.events.map((event) => ({ value: event.value, name: event.name })),
		build(event, now) {
			const body = template(definition, event);
			// the documented example itself where it is of this event, else turned into one
			const parsed = definition.schema.safeParse(body);
			if (!parsed.success || definition.describe(parsed.data).event !== event) definition.samples.fresh(body, event, sampleSource(event, now));
			return { body, headers: { 'content-type': 'application/json', ...(definition.defaultHeaders ?? {}) } };
		},
	};
}

/** The samples a definition offers: its own (the Verified Webhook Trigger's senders), else its provider's. */
export function samplesOf(definition: ProviderDefinition): SampleCatalogue | undefined {
	if (definition.sampleCatalogue) return definition.sampleCatalogue;
	if (definition.samples && definition.examples.length > 0) return providerSamples(definition as RegisteredProvider);
	return undefined;
}

/** The headers of a sample as the pipeline reads a request's headers (lower-case names). */
export function sampleHeaderBag(headers: Record<string, string>): HeaderBag {
	const bag: HeaderBag = {};
	for (const [name, value] of Object.entries(headers)) bag[name.toLowerCase()] = value;
	return bag;
}
