import { z } from 'zod/v4';

import type { ProviderDefinition } from './definition';

/** The first output's item, as a zod schema built from the provider's own schemas. */
export function itemSchema(definition: ProviderDefinition) {
	const events = definition.events.map((event) => event.value) as [string, ...string[]];
	return z.object({
		provider: z.literal(definition.provider).describe('Always the provider id'),
		event: z.enum(events).describe('The provider\'s own event name'),
		eventId: z.string().nullable().describe('The provider\'s ID for this event, or null where it sends none'),
		occurredAt: z.string().nullable().describe('When the event happened, ISO 8601 UTC, or null'),
		receivedAt: z.string().describe('When n8n received the request, ISO 8601 UTC'),
		deliveryKey: z.string().describe('The key deliveries are deduplicated by: the event ID, else sha256:<hash of the body>'),
		data: definition.dataSchema.describe('The provider\'s payload, typed and normalized'),
		raw: z.string().optional().describe('The body exactly as received (option Include Raw Body)'),
		headers: z.record(z.string(), z.string()).optional().describe('The request headers, secrets redacted (option Include Headers)'),
		sample: z.literal(true).optional().describe('Only on a sample event: sent by opening the Test URL in a browser while the editor listens, never by the provider'),
	});
}

/** JSON Schema of the first output's item, for `__schema__/v1.0.0.json` and the README. */
export function outputJsonSchema(definition: ProviderDefinition): Record<string, unknown> {
	return z.toJSONSchema(itemSchema(definition), { io: 'output', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
}
