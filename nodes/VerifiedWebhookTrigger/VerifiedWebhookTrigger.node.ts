import {
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { manualWebhookMethods, testCredential, triggerDescription, URL_HINT } from '../shared/createTrigger';
import { optionsCollection } from '../shared/options';
import { handleWebhook } from '../shared/pipeline';
import { PROVIDERS } from '../shared/providers';
import { PRESETS } from './presets';
import { CREDENTIAL, definitionFromParameters, SCHEME_PARAMETERS, type SchemeParameters } from './verifiedWebhook.definition';

const custom = { preset: ['custom'] };

/** The providers whose secret travels in a header the user names (Tracebuzz, ApiRTC): the node asks for its name. */
const NAMED_HEADER_PROVIDERS = Object.values(PROVIDERS)
	.filter((provider) => provider.verification.type === 'header' && provider.verification.header === null)
	.map((provider) => provider.provider);
const customHmac = { preset: ['custom'], scheme: ['hmac'] };

export class VerifiedWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		...triggerDescription({
			displayName: 'Verified Webhook Trigger',
			name: 'verifiedWebhookTrigger',
			description: 'Starts the workflow on a webhook whose HMAC signature or secret header checks out: GitHub, Stripe, Slack, Shopify, Standard Webhooks or your own scheme',
			icon: 'file:verifiedwebhook.svg',
			subtitle: '={{$parameter["preset"]}}',
			credential: CREDENTIAL.name,
			properties: [],
		}),
		// n8n's lint reads these three in the node file itself
		icon: { light: 'file:verifiedwebhook.svg', dark: 'file:verifiedwebhook.dark.svg' },
		subtitle: '={{$parameter["preset"]}}',
		credentials: [{ name: 'verifiedWebhookApi', required: true, testedBy: 'verifiedWebhookApiTest' }],
		properties: [
			{
				displayName: `Paste this node's Production URL into the sender's webhook settings and put the same signing secret in the credential. ${URL_HINT}`,
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Sender',
				name: 'preset',
				type: 'options',
				default: 'custom',
				description: 'Who sends the webhooks: picks how the signature is checked, where the event name and ID are, and what a retry looks like',
				options: [
					...PRESETS.map((preset) => ({ name: preset.name, value: preset.value, description: preset.description })),
					...Object.values(PROVIDERS).map((provider) => ({
						name: provider.displayName,
						value: provider.provider,
						description: `As the ${provider.displayName} Trigger does`,
					})),
					{ name: 'Custom', value: 'custom', description: 'Describe the scheme yourself: a secret header, or an HMAC signature' },
				],
			},
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
				displayName: 'Algorithm',
				name: 'algorithm',
				type: 'options',
				default: 'sha256',
				displayOptions: { show: customHmac },
				options: [
					{ name: 'SHA-1', value: 'sha1' },
					{ name: 'SHA-256', value: 'sha256' },
					{ name: 'SHA-512', value: 'sha512' },
				],
			},
			{
				displayName: 'Encoding',
				name: 'encoding',
				type: 'options',
				default: 'hex',
				displayOptions: { show: customHmac },
				options: [
					{ name: 'Hex', value: 'hex' },
					{ name: 'Base64', value: 'base64' },
				],
			},
			{
				displayName: 'Signature Header',
				name: 'signatureHeader',
				type: 'string',
				default: 'X-Signature',
				description: 'The header that carries the signature; any case',
				displayOptions: { show: customHmac },
			},
			{
				displayName: 'Signature Prefix',
				name: 'signaturePrefix',
				type: 'string',
				default: '',
				placeholder: 'sha256=',
				description: 'Text before the signature in the header, if any; accepted with or without it',
				displayOptions: { show: customHmac },
			},
			{
				displayName: 'What Is Signed',
				name: 'signedPayload',
				type: 'options',
				default: 'rawBody',
				displayOptions: { show: customHmac },
				options: [
					{ name: 'The Raw Body', value: 'rawBody' },
					{ name: 'A Template', value: 'template', description: 'Timestamp, ID and body joined, e.g. {timestamp}.{body}' },
				],
			},
			{
				displayName: 'Template',
				name: 'payloadTemplate',
				type: 'string',
				default: '{timestamp}.{body}',
				description: 'The signed text, with placeholders for the raw body, the timestamp and the ID',
				hint: '{body}: the raw body; {timestamp} and {id}: the values of the Timestamp Header and the ID Header below',
				displayOptions: { show: { ...customHmac, signedPayload: ['template'] } },
			},
			{
				displayName: 'Timestamp Header',
				name: 'timestampHeader',
				type: 'string',
				default: '',
				placeholder: 'X-Timestamp',
				description: 'The header with the Unix time of signing, if the sender sends one: it fills {timestamp} and is checked against the tolerance',
				displayOptions: { show: customHmac },
			},
			{
				displayName: 'Tolerance (Seconds)',
				name: 'toleranceSeconds',
				type: 'number',
				default: 300,
				description: 'Refuse a signature whose timestamp is further from now than this (replay guard); 0 checks nothing',
				displayOptions: { show: customHmac },
			},
			{
				displayName: 'The Timestamp Header is not signed (What Is Signed is the raw body): a tolerance on it guards nothing, so every request is refused. Sign a template with {timestamp}, or set the tolerance to 0.',
				name: 'unsignedTimestampNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { ...customHmac, signedPayload: ['rawBody'], timestampHeader: [{ _cnd: { exists: true } }], toleranceSeconds: [{ _cnd: { gt: 0 } }] } },
			},
			{
				displayName: 'The template has no {timestamp}: a tolerance on the Timestamp Header guards nothing, so every request is refused. Add {timestamp} to the template, or set the tolerance to 0.',
				name: 'unsignedTimestampTemplateNotice',
				type: 'notice',
				default: '',
				displayOptions: {
					show: { ...customHmac, signedPayload: ['template'], timestampHeader: [{ _cnd: { exists: true } }], toleranceSeconds: [{ _cnd: { gt: 0 } }] },
					hide: { payloadTemplate: [{ _cnd: { includes: '{timestamp}' } }] },
				},
			},
			{
				displayName: 'ID Header',
				name: 'idHeader',
				type: 'string',
				default: '',
				placeholder: 'X-Message-ID',
				description: 'The header whose value fills the ID placeholder of the template',
				displayOptions: { show: { ...customHmac, signedPayload: ['template'] } },
			},
			{
				displayName: 'Event ID From',
				name: 'eventIdSource',
				type: 'options',
				default: 'none',
				description: 'Where the event\'s unique ID is, used to ignore retries; none: a hash of the body',
				displayOptions: { show: custom },
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
				displayOptions: { show: { preset: ['custom'], eventIdSource: ['header', 'body'] } },
			},
			{
				displayName: 'A header is signed only when the template signs it (the ID Header, as the ID placeholder): for any other header, retries are recognised by the hash of the body, so that a replay with a new ID is still a duplicate. The header still fills the item\'s eventId.',
				name: 'unsignedEventIdNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { ...customHmac, eventIdSource: ['header'] } },
			},
			{
				displayName: 'Event Name From',
				name: 'eventNameSource',
				type: 'options',
				default: 'none',
				description: 'Where the event\'s name is, for the item\'s event field and the Events filter; none: "webhook"',
				displayOptions: { show: custom },
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
				displayOptions: { show: { preset: ['custom'], eventNameSource: ['header', 'body'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'string',
				default: '',
				placeholder: 'push, pull_request',
				description: 'Comma-separated event names that start the workflow; empty: every event. Others are answered 200 and start nothing.',
			},
			optionsCollection('the sender'),
		],
	};

	methods = {
		credentialTest: {
			async verifiedWebhookApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return testCredential({ displayName: 'the sender', credential: CREDENTIAL }, credential.data);
			},
		},
	};

	// The sender's portal holds the URL: nothing to register or remove through an API.
	webhookMethods = manualWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const parameters = {} as Record<string, unknown>;
		for (const name of SCHEME_PARAMETERS) {
			// parameters hidden by the chosen sender are absent: they stay undefined here
			const value = this.getNodeParameter(name, null);
			if (value !== null && value !== '') parameters[name] = value;
		}
		const built = definitionFromParameters(parameters as unknown as SchemeParameters);
		if (!built.ok) {
			// a node that is not set up fails closed, like an empty secret
			this.getResponseObject().status(401).json({ error: 'unauthorized', reason: built.reason } as IDataObject);
			return { noWebhookResponse: true };
		}
		return await handleWebhook.call(this, built.definition);
	}
}
