/**
 * The events of the load test: realistic bodies from `buildSample` (cli/samples.ts) with one field
 * set per event so that every event of a run is distinct (a different delivery key), signed with
 * `prepareRequest` (cli/send.ts) exactly as each provider signs them. A prepared request is sent
 * byte for byte again for the duplicate and for the retry after a restart.
 */
import { createHash } from 'node:crypto';

import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { buildSample, catalogue } from '../../packages/cli/src/samples';
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

const EVENTS: Record<string, string[]> = Object.fromEntries(catalogue().map((c) => [c.provider, c.events.map((e) => e.value)]));
const CHANNELS: Record<string, string[]> = Object.fromEntries(catalogue().map((c) => [c.provider, c.channels]));

/** The field that makes the i-th event of a run unique, per provider. */
function uniqueOverrides(provider: ProviderId, event: string, tag: string, serial: number): Record<string, unknown> {
	switch (provider) {
		case 'buzzeasy':
			return { id: createHash('md5').update(`${tag}:${serial}`).digest('hex') };
		case 'tracebuzz':
			// caseId is in every event of the three but profileMerged, whose ids are the persons
			return event === 'profileMerged' ? { oldPersonId: serial, newPersonId: 1_000_000_000 + serial } : { caseId: serial, uniqueId: serial, resultId: serial };
		case 'chatzuri':
			return { 'payload.conversationId': `conv_${tag}_${serial}` };
		case 'buzzbip':
			return { id: `evt_${tag}_${serial}` };
		case 'apirtc':
			return { objectId: event.startsWith('conversation.') ? `${tag}-${serial}` : serial };
	}
}

/**
 * `count` events spread evenly over the five providers (round robin), cycling through each
 * provider's events (and Chatzuri's channels). `serialBase` keeps two batches of one run apart.
 */
export function buildLoadEvents(fixtures: ProviderFixture[], urlOf: (provider: ProviderId) => string, count: number, tag: string, serialBase: number): LoadEvent[] {
	const perProvider = new Map<ProviderId, number>();
	const out: LoadEvent[] = [];
	for (let index = 0; index < count; index++) {
		const fixture = fixtures[index % fixtures.length];
		const provider = fixture.provider;
		const n = perProvider.get(provider) ?? 0;
		perProvider.set(provider, n + 1);
		const events = EVENTS[provider];
		const event = events[n % events.length];
		const channels = CHANNELS[provider];
		const channel = provider === 'chatzuri' && event === 'message.received' && channels.length ? channels[Math.floor(n / events.length) % channels.length] : undefined;
		const serial = serialBase + index + 1;
		const body = buildSample(provider, event, { channel, overrides: uniqueOverrides(provider, event, tag, serial) });
		const raw = JSON.stringify(body);
		const request = prepareRequest(provider, raw, { url: urlOf(provider), secret: fixture.secret.secret, headerName: fixture.secret.headerName });
		const expectedKey = provider === 'buzzbip' ? String(body.id) : bodyKey(raw);
		out.push({ index, provider, event, expectedKey, request });
	}
	return out;
}
