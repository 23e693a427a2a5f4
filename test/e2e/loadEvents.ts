/**
 * The events of the load test: realistic bodies from `buildSample` (cli/samples.ts), made distinct
 * (a different delivery key) by each provider's own sample rules with the run's tag and the
 * event's serial, signed with `prepareRequest` (cli/send.ts) exactly as each provider signs them.
 * A prepared request is sent byte for byte again for the duplicate and for the retry after a restart.
 */

import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { PROVIDERS } from '../../nodes/shared/providers';
import { buildSample, sampleSpecs, serialSource } from '../../packages/cli/src/samples';
import { prepareRequest, type PreparedRequest } from '../../packages/cli/src/send';
import type { ProviderFixture, ProviderId } from './fixtures';

export interface LoadEvent {
	index: number;
	provider: ProviderId;
	event: string;
	/** The delivery key the trigger must put on the item: the provider's event id, else a hash of the body. */
	expectedKey: string;
	request: PreparedRequest;
}

/**
 * `count` events spread evenly over the providers (round robin), cycling through each
 * provider's events and their variants (Chatzuri's channels). `serialBase` keeps two batches of one run apart.
 */
export function buildLoadEvents(fixtures: ProviderFixture[], urlOf: (provider: ProviderId) => string, count: number, tag: string, serialBase: number): LoadEvent[] {
	const perProvider = new Map<ProviderId, number>();
	const out: LoadEvent[] = [];
	for (let index = 0; index < count; index++) {
		const fixture = fixtures[index % fixtures.length];
		const provider = fixture.provider;
		const n = perProvider.get(provider) ?? 0;
		perProvider.set(provider, n + 1);
		const definition = PROVIDERS[provider];
		const specs = sampleSpecs(definition);
		const { event, channel } = specs[n % specs.length];
		const serial = serialBase + index + 1;
		const body = buildSample(provider, event, { channel, source: serialSource(serial, tag, new Date()) });
		const raw = JSON.stringify(body);
		const request = prepareRequest(provider, raw, { url: urlOf(provider), secret: fixture.secret.secret, headerName: fixture.secret.headerName });
		const eventId = definition.describe(definition.schema.parse(body)).eventId;
		const expectedKey = eventId ?? bodyKey(raw);
		out.push({ index, provider, event, expectedKey, request });
	}
	return out;
}
