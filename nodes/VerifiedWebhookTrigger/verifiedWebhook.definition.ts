import { z } from 'zod/v4';

import { parseAnyBody, readPath } from '../shared/core/body';
import { getHeader, type HeaderBag } from '../shared/core/headers';
import { isPlainObject } from '../shared/core/json';
import { toIsoUtc } from '../shared/core/time';
import type { HmacAlgorithm, SignatureEncoding, Verification } from '../shared/core/verify';
import type { ProviderDefinition } from '../shared/definition';
import { PROVIDERS } from '../shared/providers';
import { PRESETS, type Preset, type Source } from './presets';
import { customSamples, PRESET_SAMPLES } from './samples';

export const CREDENTIAL = {
	name: 'verifiedWebhookApi',
	secret: 'secret',
	previousSecret: 'previousSecret',
	fields: {
		secret: { displayName: 'Secret', description: 'The signing secret (or API key) from the sender\'s webhook settings: e.g. GitHub\'s webhook secret, Stripe\'s whsec_… endpoint secret, Slack\'s signing secret, Shopify\'s app secret, a Standard Webhooks whsec_… secret' },
		previousSecret: { displayName: 'Previous Secret', description: 'Optional. While you roll the secret at the sender, requests signed with this old secret are accepted too. Empty it once the rotation is done.' },
	},
};

/** The node parameters that shape the scheme (see VerifiedWebhookTrigger.node.ts). */
export interface SchemeParameters {
	preset: string;
	headerName?: string;
	scheme?: 'header' | 'hmac';
	algorithm?: HmacAlgorithm;
	encoding?: SignatureEncoding;
	signatureHeader?: string;
	signaturePrefix?: string;
	signedPayload?: 'rawBody' | 'template';
	payloadTemplate?: string;
	timestampHeader?: string;
	idHeader?: string;
	toleranceSeconds?: number;
	eventIdSource?: 'none' | 'header' | 'body';
	eventIdField?: string;
	eventNameSource?: 'none' | 'header' | 'body';
	eventNameField?: string;
	/** Version 3: where the event's id is, tried in order (instead of eventIdSource and eventIdField). */
	eventIdSources?: Source[];
	/** Version 3: where the event's name is, tried in order (instead of eventNameSource and eventNameField). */
	eventNameSources?: Source[];
}

/** Every node parameter that shapes the scheme, as SchemeParameters names them (the hosts read these). */
export const SCHEME_PARAMETERS: Array<keyof SchemeParameters> = [
	'preset',
	'headerName',
	'scheme',
	'algorithm',
	'encoding',
	'signatureHeader',
	'signaturePrefix',
	'signedPayload',
	'payloadTemplate',
	'timestampHeader',
	'idHeader',
	'toleranceSeconds',
	'eventIdSource',
	'eventIdField',
	'eventNameSource',
	'eventNameField',
];

const anyBody = z.unknown();

/**
 * The first source that holds a value, and which one. `ids`: a number is an id only when it is a
 * safe integer (above 2^53 a JSON number has lost digits: 9007199254740993 reads as
 * 9007199254740992, and two events would share one key), else the next source, else none (the
 * delivery is then keyed on its body).
 */
function firstValue(sources: Source[] | undefined, body: unknown, headers: HeaderBag, ids = false): { value: string | number; source: Source } | undefined {
	for (const source of sources ?? []) {
		const value = 'header' in source ? getHeader(headers, source.header) : readPath(body, source.body);
		if (typeof value === 'string' && value !== '') return { value, source };
		if (typeof value === 'number' && (ids ? Number.isSafeInteger(value) : Number.isFinite(value))) return { value, source };
	}
	return undefined;
}

/**
 * Whether the scheme authenticates what a source reads: a secret header authenticates the whole
 * request alike; an HMAC covers the body, and of the headers only those its template signs (the
 * ID Header as `{id}`, the Timestamp Header as `{timestamp}`). GitHub's X-GitHub-Delivery or
 * Shopify's X-Shopify-Event-Id are not signed: anyone holding a captured delivery can change them.
 */
function signs(verification: Verification, source: Source): boolean {
	if (verification.type === 'header' || 'body' in source) return true;
	const template = typeof verification.signedPayload === 'object' ? verification.signedPayload.template : '';
	const name = source.header.toLowerCase();
	return (
		(template.includes('{id}') && verification.idHeader?.toLowerCase() === name) ||
		(template.includes('{timestamp}') && verification.timestampHeader?.toLowerCase() === name)
	);
}

function genericDefinition(provider: string, displayName: string, verification: Verification, preset: Omit<Preset, 'value' | 'name' | 'description' | 'verification'>): ProviderDefinition<unknown> {
	return {
		provider,
		displayName,
		nodeName: 'verifiedWebhookTrigger',
		icon: 'verifiedwebhook.svg',
		description: 'Starts the workflow on any webhook whose signature or secret header checks out',
		setupHint: '',
		credential: CREDENTIAL,
		verification,
		events: [],
		schema: anyBody,
		dataSchema: anyBody,
		parseBody: preset.parseBody ?? parseAnyBody,
		ping: preset.ping,
		describe: (body, headers = {}) => {
			const eventName = firstValue(preset.eventName, body, headers);
			const eventId = firstValue(preset.eventId, body, headers, true);
			return {
				event: eventName === undefined ? 'webhook' : String(eventName.value),
				eventId: eventId === undefined ? null : String(eventId.value),
				// an id from an unsigned header names the event but does not key it (pipeline.ts)
				eventIdSigned: eventId === undefined || signs(verification, eventId.source),
				occurredAt: toIsoUtc(firstValue(preset.occurredAt, body, headers)?.value),
				data: isPlainObject(body) ? { ...body } : { value: body },
			};
		},
		examples: [],
		sampleCatalogue: PRESET_SAMPLES[provider] ?? customSamples(preset.eventName, preset.eventId),
	};
}

function source(kind: SchemeParameters['eventIdSource'], field: string | undefined): Source[] | undefined {
	const name = field?.trim();
	if (!name || kind === undefined || kind === 'none') return undefined;
	return [kind === 'header' ? { header: name } : { body: name }];
}

export type DefinitionResult = { ok: true; definition: ProviderDefinition<unknown> } | { ok: false; reason: string };

/**
 * The definition a Verified Webhook Trigger runs with, from its parameters: a named preset, one of
 * this package's providers, or a custom scheme. Nothing here verifies: the shared core does.
 */
export function definitionFromParameters(parameters: SchemeParameters): DefinitionResult {
	const headerName = parameters.headerName?.trim() ?? '';
	const preset = PRESETS.find((candidate) => candidate.value === parameters.preset);
	if (preset) return { ok: true, definition: genericDefinition(preset.value, preset.name, preset.verification, preset) };

	if (parameters.preset !== 'custom' && Object.prototype.hasOwnProperty.call(PROVIDERS, parameters.preset)) {
		const provider = PROVIDERS[parameters.preset] as ProviderDefinition<unknown>;
		let verification = provider.verification;
		if (verification.type === 'header' && verification.header === null) {
			if (!headerName) return { ok: false, reason: 'the trigger has no header name set' };
			verification = { type: 'header', header: headerName, nameIsSecret: true };
		}
		return { ok: true, definition: { ...provider, credential: CREDENTIAL, verification, filters: [] } };
	}

	if (parameters.preset !== 'custom') return { ok: false, reason: 'the trigger has an unknown preset' };
	const eventId = parameters.eventIdSources ?? source(parameters.eventIdSource, parameters.eventIdField);
	const eventName = parameters.eventNameSources ?? source(parameters.eventNameSource, parameters.eventNameField);
	if (parameters.scheme === 'header') {
		if (!headerName) return { ok: false, reason: 'the trigger has no header name set' };
		return { ok: true, definition: genericDefinition('custom', 'Custom', { type: 'header', header: headerName, nameIsSecret: true }, { eventId, eventName }) };
	}
	const signatureHeader = parameters.signatureHeader?.trim();
	if (!signatureHeader) return { ok: false, reason: 'the trigger has no signature header set' };
	const template = parameters.signedPayload === 'template' ? (parameters.payloadTemplate ?? '').trim() : undefined;
	if (template !== undefined && !template.includes('{body}')) return { ok: false, reason: 'the signed payload template has no {body}' };
	const timestampHeader = parameters.timestampHeader?.trim() || undefined;
	const tolerance = parameters.toleranceSeconds;
	// configurations that would protect nothing while seeming to: refused, every request 401
	if (timestampHeader && typeof tolerance === 'number' && tolerance > 0 && !template?.includes('{timestamp}')) {
		return { ok: false, reason: 'the timestamp header is not signed: put {timestamp} in the signed payload template, or set the tolerance to 0' };
	}
	if (template !== undefined && /\{(?:body|id|timestamp)\}\{(?:body|id|timestamp)\}/.test(template)) {
		return { ok: false, reason: 'the signed payload template has two placeholders side by side: put a separator between them' };
	}
	const verification: Verification = {
		type: 'hmac',
		algorithm: parameters.algorithm ?? 'sha256',
		signatureHeader,
		encoding: [parameters.encoding ?? 'hex'],
		prefix: parameters.signaturePrefix?.trim() || undefined,
		signedPayload: template === undefined ? 'rawBody' : { template },
		timestampHeader,
		idHeader: parameters.idHeader?.trim() || undefined,
		toleranceSeconds: timestampHeader && typeof tolerance === 'number' && tolerance > 0 ? tolerance : undefined,
	};
	return {
		ok: true,
		definition: genericDefinition('custom', 'Custom', verification, {
			eventId,
			eventName,
			occurredAt: timestampHeader ? [{ header: timestampHeader }] : undefined,
		}),
	};
}
