import { parseAnyBody } from '../shared/core/body';
import { getHeader, type HeaderBag } from '../shared/core/headers';
import { isPlainObject, parseJsonSafely, type JsonParseResult } from '../shared/core/json';
import type { Verification } from '../shared/core/verify';
import type { ProviderDefinition } from '../shared/definition';

/** Where a value is read from: a request header, or a dotted path in the parsed body. */
export type Source = { header: string } | { body: string };

/** A signing scheme known by name, declared in n8n's declarative-trigger vocabulary. */
export interface Preset {
	value: string;
	name: string;
	description: string;
	verification: Verification;
	/** Where the event's name is (for the Events filter); tried in order. */
	eventName?: Source[];
	/** Where the event's id is (the dedupe key); tried in order. */
	eventId?: Source[];
	/** Where the event's time is. */
	occurredAt?: Source[];
	ping?: ProviderDefinition['ping'];
	/** How the body is read; any body by default (JSON, form fields or text). */
	parseBody?: ProviderDefinition['parseBody'];
}

/**
 * GitHub's body: JSON, or (GitHub's default content type) `payload=<url-encoded JSON>`, whose
 * payload is the data, as GitHub's own libraries read it. The signature covers the raw form body.
 */
export function parseGitHubBody(text: string, headers: HeaderBag): JsonParseResult {
	const contentType = (getHeader(headers, 'content-type') ?? '').toLowerCase();
	if (!contentType.includes('application/x-www-form-urlencoded')) return parseAnyBody(text, headers);
	const payloads = new URLSearchParams(text).getAll('payload');
	if (payloads.length !== 1) return { ok: false, reason: payloads.length ? 'form body has more than one payload field' : 'form body has no payload field' };
	const parsed = parseJsonSafely(payloads[0]);
	return parsed.ok ? parsed : { ok: false, reason: `the payload field of the form body: ${parsed.reason}` };
}

/** Five minutes, the tolerance Stripe, Slack and Standard Webhooks libraries use by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export const PRESETS: Preset[] = [
	{
		value: 'github',
		name: 'GitHub',
		description: 'X-Hub-Signature-256: sha256= + hex HMAC-SHA256 of the body',
		verification: { type: 'hmac', algorithm: 'sha256', signatureHeader: 'X-Hub-Signature-256', encoding: ['hex'], prefix: 'sha256=', signedPayload: 'rawBody' },
		eventName: [{ header: 'X-GitHub-Event' }],
		eventId: [{ header: 'X-GitHub-Delivery' }],
		parseBody: parseGitHubBody,
	},
	{
		value: 'stripe',
		name: 'Stripe',
		description: 'Stripe-Signature: t=&lt;timestamp&gt;,v1=&lt;hex HMAC-SHA256 of "timestamp.body"&gt;, several v1 during a secret roll',
		verification: {
			type: 'hmac',
			algorithm: 'sha256',
			signatureHeader: 'Stripe-Signature',
			signatureFormat: 'stripe',
			encoding: ['hex'],
			signedPayload: { template: '{timestamp}.{body}' },
			toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
		},
		eventName: [{ body: 'type' }],
		eventId: [{ body: 'id' }],
		occurredAt: [{ body: 'created' }],
	},
	{
		value: 'slack',
		name: 'Slack',
		description: 'X-Slack-Signature: v0= + hex HMAC-SHA256 of "v0:timestamp:body", X-Slack-Request-Timestamp',
		verification: {
			type: 'hmac',
			algorithm: 'sha256',
			signatureHeader: 'X-Slack-Signature',
			encoding: ['hex'],
			prefix: 'v0=',
			signedPayload: { template: 'v0:{timestamp}:{body}' },
			timestampHeader: 'X-Slack-Request-Timestamp',
			toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
		},
		eventName: [{ body: 'event.type' }, { body: 'type' }, { body: 'command' }],
		eventId: [{ body: 'event_id' }],
		occurredAt: [{ body: 'event_time' }, { header: 'X-Slack-Request-Timestamp' }],
		// the Events API checks the URL by asking for its challenge back
		ping: (parsed) =>
			parsed.ok && isPlainObject(parsed.value) && parsed.value.type === 'url_verification' && typeof parsed.value.challenge === 'string'
				? { challenge: parsed.value.challenge }
				: undefined,
	},
	{
		value: 'shopify',
		name: 'Shopify',
		description: 'X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the body',
		verification: { type: 'hmac', algorithm: 'sha256', signatureHeader: 'X-Shopify-Hmac-Sha256', encoding: ['base64'], signedPayload: 'rawBody' },
		eventName: [{ header: 'X-Shopify-Topic' }],
		eventId: [{ header: 'X-Shopify-Event-Id' }, { header: 'X-Shopify-Webhook-Id' }],
		occurredAt: [{ header: 'X-Shopify-Triggered-At' }],
	},
	{
		value: 'standardWebhooks',
		name: 'Standard Webhooks / Svix',
		description: 'Webhook-ID, Webhook-Timestamp, Webhook-Signature: v1,&lt;base64 HMAC-SHA256 of "ID.timestamp.body"&gt;, whsec_ secrets',
		verification: {
			type: 'hmac',
			algorithm: 'sha256',
			signatureHeader: 'webhook-signature',
			signatureFormat: 'standardWebhooks',
			encoding: ['base64'],
			signedPayload: { template: '{id}.{timestamp}.{body}' },
			idHeader: 'webhook-id',
			timestampHeader: 'webhook-timestamp',
			toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
			secretFormat: 'whsec',
		},
		eventName: [{ body: 'type' }],
		eventId: [{ header: 'webhook-id' }],
		occurredAt: [{ header: 'webhook-timestamp' }],
	},
];
