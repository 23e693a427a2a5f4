import { randomBytes, randomUUID } from 'crypto';

import { PRESETS, type Preset } from '../nodes/VerifiedWebhookTrigger/presets';

/** Example event names per preset, for `list` and as defaults; any name the sender uses works. */
export const PRESET_EVENTS: Record<string, string[]> = {
	github: ['push', 'pull_request', 'issues', 'ping'],
	stripe: ['payment_intent.succeeded', 'invoice.paid', 'customer.created'],
	slack: ['message', 'app_mention', 'reaction_added'],
	shopify: ['orders/create', 'orders/paid', 'customers/create'],
	standardWebhooks: ['invoice.paid', 'user.created'],
};

export function findPreset(id: string): Preset | undefined {
	return PRESETS.find((preset) => preset.value.toLowerCase() === id.toLowerCase());
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A realistic body for a preset's event, with the event name where that sender puts it. */
export function buildPresetSample(preset: Preset, event: string, now = new Date()): Record<string, unknown> {
	const seconds = Math.floor(now.getTime() / 1000);
	switch (preset.value) {
		case 'github':
			return { action: 'opened', repository: { id: 1296269, full_name: 'octocat/Hello-World' }, sender: { login: 'octocat' } };
		case 'stripe':
			return { id: `evt_${hex(12)}`, object: 'event', api_version: '2024-06-20', created: seconds, type: event, data: { object: { id: `pi_${hex(12)}`, amount: 2000, currency: 'eur' } } };
		case 'slack':
			return { type: 'event_callback', team_id: 'T1DC2JH3J', event_id: `Ev${hex(5).toUpperCase()}`, event_time: seconds, event: { type: event, user: 'U2CERLKJA', text: 'Hello from Slack', channel: 'C0LAN2Q65', ts: `${seconds}.000100` } };
		case 'shopify':
			return { id: Number(`8209${Math.floor(Math.random() * 1e9)}`), email: 'jon@example.com', total_price: '403.00', currency: 'EUR' };
		default:
			return { type: event, timestamp: now.toISOString(), data: { id: `obj_${hex(8)}` } };
	}
}

/** The headers a sender adds besides the signature: event name and delivery id where it sends them. */
export function presetHeaders(preset: Preset, event: string, signed: Record<string, string>): Record<string, string> {
	const headers: Record<string, string> = {};
	const signedNames = new Set(Object.keys(signed).map((name) => name.toLowerCase()));
	for (const source of preset.eventName ?? []) if ('header' in source) headers[source.header] = event;
	for (const source of preset.eventId ?? []) {
		if ('header' in source && !signedNames.has(source.header.toLowerCase())) headers[source.header] = randomUUID();
	}
	for (const source of preset.occurredAt ?? []) {
		if ('header' in source && !signedNames.has(source.header.toLowerCase())) headers[source.header] = new Date().toISOString();
	}
	return headers;
}
