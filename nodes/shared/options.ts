import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_DEDUPE_MAX_ENTRIES, DEFAULT_DEDUPE_WINDOW_HOURS } from './core/dedupe';

export { DEFAULT_DEDUPE_WINDOW_HOURS };

export interface TriggerOptions {
	deduplicate?: boolean;
	dedupeWindowHours?: number;
	dedupeMaxEntries?: number;
	maxEventAgeMinutes?: number;
	onUnrecognized?: 'route' | 'reject';
	includeRawBody?: boolean;
	includeHeaders?: boolean;
	allowedIps?: string;
}

/** The options collection every trigger offers (SPEC.md "Options every trigger offers"). */
export function optionsCollection(providerName: string): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Allowed IP Addresses',
				name: 'allowedIps',
				type: 'string',
				default: '',
				placeholder: '203.0.113.7, 198.51.100.0/24, 2001:db8::/32',
				description: `Comma-separated addresses or CIDR ranges ${providerName} sends from. Requests from anywhere else are answered 403. Empty: any address. Behind a reverse proxy, set n8n's N8N_PROXY_HOPS so the caller's real address is seen.`,
			},
			{
				displayName: 'Dedupe Memory (Deliveries)',
				name: 'dedupeMaxEntries',
				type: 'number',
				typeOptions: { minValue: 100 },
				default: DEFAULT_DEDUPE_MAX_ENTRIES,
				description: 'How many recent deliveries are remembered; past this, the oldest are forgotten first',
			},
			{
				displayName: 'Dedupe Window (Hours)',
				name: 'dedupeWindowHours',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: DEFAULT_DEDUPE_WINDOW_HOURS,
				description: 'How long a delivery is remembered. The default covers the longest provider retry schedule (Tracebuzz retries for about 73 hours).',
			},
			{
				displayName: 'Deduplicate',
				name: 'deduplicate',
				type: 'boolean',
				default: true,
				description: `Whether to start the workflow only once per event when ${providerName} delivers it again (retries). The event ID is the key where the provider sends one, else a SHA-256 of the body.`,
			},
			{
				displayName: 'Include Headers',
				name: 'includeHeaders',
				type: 'boolean',
				default: false,
				description: 'Whether to add the request headers to the item as `headers` (the header carrying the secret is redacted)',
			},
			{
				displayName: 'Include Raw Body',
				name: 'includeRawBody',
				type: 'boolean',
				default: false,
				description: 'Whether to add the body exactly as received, as a string, to the item as `raw`',
			},
			{
				displayName: 'Maximum Event Age (Minutes)',
				name: 'maxEventAgeMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Replay guard: answer 401 to events whose own timestamp is older than this. 0 turns it off (the default, because providers retry for hours or days).',
			},
			{
				displayName: 'On Unrecognized Payload',
				name: 'onUnrecognized',
				type: 'options',
				default: 'route',
				options: [
					{
						name: 'Route to Unrecognized Output',
						value: 'route',
						description: 'Answer 200 and send the raw body and the validation issues to the second output, so nothing is lost and the provider does not retry',
					},
					{
						name: 'Reject',
						value: 'reject',
						description: 'Answer 400 with the validation issues and start nothing',
					},
				],
				description: 'What to do with an authenticated request whose body is not a known event',
			},
		],
	};
}
