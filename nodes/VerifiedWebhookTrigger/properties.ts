import type { INodeProperties } from 'n8n-workflow';

import { eventsHint, URL_HINT } from '../shared/createTrigger';
import { optionsCollection } from '../shared/options';
import { PROVIDERS } from '../shared/providers';
import { DEFAULT_TOLERANCE_SECONDS, PRESETS } from './presets';

/**
 * The Verified Webhook Trigger's parameters, for every node version.
 *
 * Version 3 (the default) starts on the GitHub sender and groups a custom scheme's settings in two
 * collections (Signature, Event Fields), so that the first screen is short. Versions 1 and 2 keep
 * what they had: Sender defaults to Custom and every custom field stands alone. n8n stores only the
 * parameters that differ from their default, so a workflow saved with version 1 or 2 and Sender =
 * Custom holds no `preset` at all: it must keep reading Custom, hence the old default stays with
 * the old versions (`@version` in displayOptions picks the variant).
 */

export const CURRENT_VERSION = 3;
const legacy = { '@version': [1, 2] };
const current = { '@version': [{ _cnd: { gte: CURRENT_VERSION } }] };

const custom = { preset: ['custom'] };
const customHmac = { preset: ['custom'], scheme: ['hmac'] };

/** The providers whose secret travels in a header the user names (Tracebuzz, ApiRTC): the node asks for its name. */
const NAMED_HEADER_PROVIDERS = Object.values(PROVIDERS)
	.filter((provider) => provider.verification.type === 'header' && provider.verification.header === null)
	.map((provider) => provider.provider);

/** Each sender's own steps: where the URL goes, where the secret is (and GitHub's content type). */
const SETUP_STEPS: Record<string, string> = {
	github:
		'In GitHub, open the repository (or organization) → Settings → Webhooks → Add webhook: paste this node\'s Production URL into Payload URL, set Content type to application/json, type a Secret and put the same secret in the credential, choose the events, and click Add webhook.',
	stripe:
		'In the Stripe Dashboard, open Developers → Webhooks → Add endpoint (Add destination): paste this node\'s Production URL as the Endpoint URL, select the events and save. Then reveal the endpoint\'s Signing secret (whsec_…) and put it in the credential.',
	slack:
		'In your Slack app\'s settings (api.slack.com/apps), copy the Signing Secret (Basic Information → App Credentials) into the credential. Then open Event Subscriptions, turn on Enable Events, paste this node\'s Production URL as the Request URL (Slack checks it at once, so publish the workflow first) and subscribe to the events.',
	shopify:
		'In the Shopify admin, open Settings → Notifications → Webhooks → Create webhook: choose the event, Format JSON, paste this node\'s Production URL as the URL and save. Put the key shown below the list of webhooks ("Your webhooks will be signed with …") in the credential; for an app\'s webhooks, the app\'s client secret.',
	standardWebhooks:
		'In the sender\'s webhook settings (Svix: the App Portal → Endpoints → Add Endpoint), paste this node\'s Production URL as the Endpoint URL, choose the events and create it. Then copy the endpoint\'s Signing Secret (whsec_…) into the credential.',
	custom:
		'Paste this node\'s Production URL into the sender\'s webhook settings and put the same signing secret (or API key) in the credential. Then say below how the sender authenticates: the header with the signature or the secret, and what it signs.',
};

/** The setup notice of each sender (one shown at a time): its own steps, then where the URLs are. */
export function setupNotices(): INodeProperties[] {
	const senders = [
		...PRESETS.map((preset) => ({ value: preset.value, steps: SETUP_STEPS[preset.value] })),
		...Object.values(PROVIDERS).map((provider) => ({ value: provider.provider, steps: provider.setupHint })),
		{ value: 'custom', steps: SETUP_STEPS.custom },
	];
	return senders.map(({ value, steps }) => ({
		displayName: `${steps} ${URL_HINT}`,
		name: 'setupNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { preset: [value] } },
	}));
}

/** The Sender parameter: GitHub by default from version 3, Custom before (see above). */
export function senderProperties(): INodeProperties[] {
	const options = [
		...PRESETS.map((preset) => ({ name: preset.name, value: preset.value, description: preset.description })),
		...Object.values(PROVIDERS).map((provider) => ({
			name: provider.displayName,
			value: provider.provider,
			description: `As the ${provider.displayName} Trigger does`,
		})),
		{ name: 'Custom', value: 'custom', description: 'Describe the scheme yourself: a secret header, or an HMAC signature' },
	];
	const sender = (def: string, show: Record<string, unknown>): INodeProperties => ({
		displayName: 'Sender',
		name: 'preset',
		type: 'options',
		default: def,
		description: 'Who sends the webhooks: picks how the signature is checked, where the event name and ID are, and what a retry looks like',
		options,
		displayOptions: { show: show as NonNullable<INodeProperties['displayOptions']>['show'] },
	});
	return [sender('github', current), sender('custom', legacy)];
}

/** What every version shows alike: the custom scheme's kind, its header, the named-header senders' header. */
function commonSchemeProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Scheme',
			name: 'scheme',
			type: 'options',
			default: 'hmac',
			displayOptions: { show: custom },
			options: [
				{ name: 'HMAC Signature', value: 'hmac', description: 'A header carries an HMAC of the body (or of a template with a timestamp) made with the secret' },
				{ name: 'Secret in a Header', value: 'header', description: 'A header carries the secret itself (an API key)' },
			],
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			placeholder: 'X-Api-Key',
			description: 'The header that carries the secret; any case',
			displayOptions: { show: { preset: ['custom'], scheme: ['header'] } },
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			placeholder: 'X-Webhook-Secret',
			description: 'The custom header set in the sender\'s portal; any case',
			displayOptions: { show: { preset: NAMED_HEADER_PROVIDERS } },
		},
		{
			displayName: 'Signature Header',
			name: 'signatureHeader',
			type: 'string',
			default: 'X-Signature',
			description: 'The header that carries the signature; any case',
			displayOptions: { show: customHmac },
		},
	];
}

const ALGORITHM: INodeProperties = {
	displayName: 'Algorithm',
	name: 'algorithm',
	type: 'options',
	default: 'sha256',
	options: [
		{ name: 'SHA-1', value: 'sha1' },
		{ name: 'SHA-256', value: 'sha256' },
		{ name: 'SHA-512', value: 'sha512' },
	],
};
const ENCODING: INodeProperties = {
	displayName: 'Encoding',
	name: 'encoding',
	type: 'options',
	default: 'hex',
	options: [
		{ name: 'Hex', value: 'hex' },
		{ name: 'Base64', value: 'base64' },
	],
};
const SIGNATURE_PREFIX: INodeProperties = {
	displayName: 'Signature Prefix',
	name: 'signaturePrefix',
	type: 'string',
	default: '',
	placeholder: 'sha256=',
	description: 'Text before the signature in the header, if any; accepted with or without it',
};
const SIGNED_PAYLOAD: INodeProperties = {
	displayName: 'What Is Signed',
	name: 'signedPayload',
	type: 'options',
	default: 'rawBody',
	options: [
		{ name: 'The Raw Body', value: 'rawBody' },
		{ name: 'A Template', value: 'template', description: 'Timestamp, ID and body joined, e.g. {timestamp}.{body}' },
	],
};
const TEMPLATE: INodeProperties = {
	displayName: 'Template',
	name: 'payloadTemplate',
	type: 'string',
	default: '{timestamp}.{body}',
	description: 'The signed text, with placeholders for the raw body, the timestamp and the ID',
	hint: '{body}: the raw body; {timestamp} and {id}: the values of the Timestamp Header and the ID Header',
};
const TIMESTAMP_HEADER: INodeProperties = {
	displayName: 'Timestamp Header',
	name: 'timestampHeader',
	type: 'string',
	default: '',
	placeholder: 'X-Timestamp',
	description: 'The header with the Unix time of signing, if the sender sends one: it fills {timestamp} and is checked against the tolerance',
};
const TOLERANCE: INodeProperties = {
	displayName: 'Tolerance (Seconds)',
	name: 'toleranceSeconds',
	type: 'number',
	default: DEFAULT_TOLERANCE_SECONDS,
	description: 'Refuse a signature whose timestamp is further from now than this (replay guard); 0 checks nothing',
};
const ID_HEADER: INodeProperties = {
	displayName: 'ID Header',
	name: 'idHeader',
	type: 'string',
	default: '',
	placeholder: 'X-Message-ID',
	description: 'The header whose value fills the ID placeholder of the template',
};
const UNSIGNED_TIMESTAMP =
	'The Timestamp Header is not signed (What Is Signed is the raw body): a tolerance on it guards nothing, so every request is refused. Sign a template with {timestamp}, or set the tolerance to 0.';
const UNSIGNED_EVENT_ID =
	'A header is signed only when the template signs it (the ID Header, as the ID placeholder): for any other header, retries are recognised by the hash of the body, so that a replay with a new ID is still a duplicate. The header still fills the item\'s eventId.';

/**
 * Version 3 says what versions 1 and 2 show as notices in its collections' descriptions: a
 * notice shown on a field inside a collection (`signature.timestampHeader`) keeps n8n before
 * 2.41 from activating any workflow with the node ("Could not resolve parameter dependencies",
 * for every version of the node: test/repo/parameterDependencies.test.ts). The trigger's 401
 * names the problem all the same.
 */
const SIGNATURE_DESCRIPTION =
	'How the signature is made, when it is not an SHA-256 hex HMAC of the raw body. A Timestamp Header with a tolerance must be signed (What Is Signed: a template with {timestamp}), or every request is refused.';
const EVENT_FIELDS_DESCRIPTION =
	'Where the event\'s name (for the Events filter) and its unique ID (to ignore retries) are; none: the name is "webhook" and retries are recognised by a hash of the body. An Event ID Header is signed only as the template\'s ID Header: from any other header, retries are recognised by the hash of the body.';

/** Versions 1 and 2: every custom field stands alone (as these versions always had them). */
function legacySchemeProperties(): INodeProperties[] {
	const hmac = { ...legacy, ...customHmac };
	return [
		{ ...ALGORITHM, displayOptions: { show: hmac } },
		{ ...ENCODING, displayOptions: { show: hmac } },
		{ ...SIGNATURE_PREFIX, displayOptions: { show: hmac } },
		{ ...SIGNED_PAYLOAD, displayOptions: { show: hmac } },
		{ ...TEMPLATE, hint: `${TEMPLATE.hint} below`, displayOptions: { show: { ...hmac, signedPayload: ['template'] } } },
		{ ...TIMESTAMP_HEADER, displayOptions: { show: hmac } },
		{ ...TOLERANCE, displayOptions: { show: hmac } },
		{
			displayName: UNSIGNED_TIMESTAMP,
			name: 'unsignedTimestampNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { ...hmac, signedPayload: ['rawBody'], timestampHeader: [{ _cnd: { exists: true } }], toleranceSeconds: [{ _cnd: { gt: 0 } }] } },
		},
		{
			displayName: 'The template has no {timestamp}: a tolerance on the Timestamp Header guards nothing, so every request is refused. Add {timestamp} to the template, or set the tolerance to 0.',
			name: 'unsignedTimestampTemplateNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: { ...hmac, signedPayload: ['template'], timestampHeader: [{ _cnd: { exists: true } }], toleranceSeconds: [{ _cnd: { gt: 0 } }] },
				hide: { payloadTemplate: [{ _cnd: { includes: '{timestamp}' } }] },
			},
		},
		{ ...ID_HEADER, displayOptions: { show: { ...hmac, signedPayload: ['template'] } } },
		{
			displayName: 'Event ID From',
			name: 'eventIdSource',
			type: 'options',
			default: 'none',
			description: 'Where the event\'s unique ID is, used to ignore retries; none: a hash of the body',
			displayOptions: { show: { ...legacy, ...custom } },
			options: [
				{ name: 'None (Hash of the Body)', value: 'none' },
				{ name: 'A Header', value: 'header' },
				{ name: 'A Body Field', value: 'body' },
			],
		},
		{
			displayName: 'Event ID Field',
			name: 'eventIdField',
			type: 'string',
			default: '',
			placeholder: 'X-Delivery-ID or data.eventId',
			description: 'Header name, or dotted path in the JSON body',
			displayOptions: { show: { ...legacy, preset: ['custom'], eventIdSource: ['header', 'body'] } },
		},
		{
			displayName: UNSIGNED_EVENT_ID,
			name: 'unsignedEventIdNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { ...hmac, eventIdSource: ['header'] } },
		},
		{
			displayName: 'Event Name From',
			name: 'eventNameSource',
			type: 'options',
			default: 'none',
			description: 'Where the event\'s name is, for the item\'s event field and the Events filter; none: "webhook"',
			displayOptions: { show: { ...legacy, ...custom } },
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'A Header', value: 'header' },
				{ name: 'A Body Field', value: 'body' },
			],
		},
		{
			displayName: 'Event Name Field',
			name: 'eventNameField',
			type: 'string',
			default: '',
			placeholder: 'X-Event or type',
			description: 'Header name, or dotted path in the JSON body',
			displayOptions: { show: { ...legacy, preset: ['custom'], eventNameSource: ['header', 'body'] } },
		},
	];
}

/** Version 3: a custom scheme's settings in two collections (Signature, Event Fields). */
function currentSchemeProperties(): INodeProperties[] {
	const hmac = { ...current, ...customHmac };
	return [
		{
			displayName: 'Signature',
			name: 'signature',
			type: 'collection',
			placeholder: 'Add signature setting',
			default: {},
			description: SIGNATURE_DESCRIPTION,
			displayOptions: { show: hmac },
			options: [
				ALGORITHM,
				ENCODING,
				ID_HEADER,
				SIGNATURE_PREFIX,
				TEMPLATE,
				TIMESTAMP_HEADER,
				TOLERANCE,
				SIGNED_PAYLOAD,
			],
		},

		{
			displayName: 'Event Fields',
			name: 'eventFields',
			type: 'collection',
			placeholder: 'Add event field',
			default: {},
			description: EVENT_FIELDS_DESCRIPTION,
			displayOptions: { show: { ...current, ...custom } },
			options: [
				{
					displayName: 'Event ID Body Field',
					name: 'eventIdPath',
					type: 'string',
					default: '',
					placeholder: 'data.eventId',
					description: 'Dotted path in the JSON body of the event\'s unique ID',
				},
				{
					displayName: 'Event ID Header',
					name: 'eventIdHeader',
					type: 'string',
					default: '',
					placeholder: 'X-Delivery-ID',
					description: 'The header with the event\'s unique ID (read before the body field)',
				},
				{
					displayName: 'Event Name Body Field',
					name: 'eventNamePath',
					type: 'string',
					default: '',
					placeholder: 'type',
					description: 'Dotted path in the JSON body of the event\'s name',
				},
				{
					displayName: 'Event Name Header',
					name: 'eventNameHeader',
					type: 'string',
					default: '',
					placeholder: 'X-Event',
					description: 'The header with the event\'s name (read before the body field)',
				},
			],
		},

	];
}

/** Every parameter, in the order the node shows them. */
export function verifiedWebhookProperties(): INodeProperties[] {
	return [
		...setupNotices(),
		...senderProperties(),
		...commonSchemeProperties(),
		...legacySchemeProperties(),
		...currentSchemeProperties(),
		{
			displayName: 'Events',
			name: 'events',
			type: 'string',
			default: '',
			placeholder: 'push, pull_request',
			description: 'Comma-separated event names that start the workflow; empty: every event. Others are answered 200 and start nothing.',
			hint: eventsHint(undefined, 'named'),
		},
		optionsCollection('the sender'),
	];
}
