import {
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { manualWebhookMethods, passDelivery, redisCredentialTest, testCredential, triggerDescription } from '../shared/createTrigger';
import { handleWebhook, refuse, surfaceRefusal } from '../shared/pipeline';
import { PROVIDERS } from '../shared/providers';
import { DEFAULT_TOLERANCE_SECONDS, PRESETS, type Source } from './presets';
import { CURRENT_VERSION, verifiedWebhookProperties } from './properties';
import { CREDENTIAL, definitionFromParameters, SCHEME_PARAMETERS, type SchemeParameters } from './verifiedWebhook.definition';

/** Version 3 keeps these at the top; the rest of a custom scheme is in the Signature and Event Fields collections. */
const TOP_PARAMETERS: Array<keyof SchemeParameters> = ['preset', 'headerName', 'scheme', 'signatureHeader'];
const SIGNATURE_PARAMETERS: Array<keyof SchemeParameters> = ['algorithm', 'encoding', 'signaturePrefix', 'signedPayload', 'payloadTemplate', 'timestampHeader', 'idHeader', 'toleranceSeconds'];

/** The sender's name on the canvas, under the node. */
const SENDER_NAMES = Object.fromEntries([
	...PRESETS.map((preset) => [preset.value, preset.name]),
	...Object.values(PROVIDERS).map((provider) => [provider.provider, provider.displayName]),
	['custom', 'Custom'],
]);
const SUBTITLE = `={{ (${JSON.stringify(SENDER_NAMES)})[$parameter["preset"]] || $parameter["preset"] }}`;

/** A parameter's value, or undefined when it is hidden (n8n drops it) or empty. */
function valueOf(context: IWebhookFunctions, name: string): unknown {
	const value = context.getNodeParameter(name, null);
	return value === null || value === '' ? undefined : value;
}

/** The header first, then the body field: where a version 3 custom scheme finds the event's name or id. */
function sources(header: unknown, path: unknown): Source[] | undefined {
	const found: Source[] = [];
	if (typeof header === 'string' && header.trim() !== '') found.push({ header: header.trim() });
	if (typeof path === 'string' && path.trim() !== '') found.push({ body: path.trim() });
	return found.length ? found : undefined;
}

/** The scheme's parameters as the node's version stores them. */
export function schemeParameters(context: IWebhookFunctions): SchemeParameters {
	const parameters = {} as Record<string, unknown>;
	if (context.getNode().typeVersion < CURRENT_VERSION) {
		// parameters hidden by the chosen sender are absent: they stay undefined here
		for (const name of SCHEME_PARAMETERS) parameters[name] = valueOf(context, name);
		return parameters as unknown as SchemeParameters;
	}
	for (const name of TOP_PARAMETERS) parameters[name] = valueOf(context, name);
	const signature = (valueOf(context, 'signature') ?? {}) as IDataObject;
	for (const name of SIGNATURE_PARAMETERS) if (signature[name] !== '' && signature[name] !== undefined) parameters[name] = signature[name];
	// a collection stores only the settings added: the others are their defaults
	if (parameters.signedPayload === 'template' && parameters.payloadTemplate === undefined) parameters.payloadTemplate = '{timestamp}.{body}';
	if (parameters.timestampHeader !== undefined && parameters.toleranceSeconds === undefined) parameters.toleranceSeconds = DEFAULT_TOLERANCE_SECONDS;
	const fields = (valueOf(context, 'eventFields') ?? {}) as IDataObject;
	parameters.eventIdSources = sources(fields.eventIdHeader, fields.eventIdPath);
	parameters.eventNameSources = sources(fields.eventNameHeader, fields.eventNamePath);
	return parameters as unknown as SchemeParameters;
}

export class VerifiedWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		...triggerDescription({
			displayName: 'Verified Webhook Trigger',
			name: 'verifiedWebhookTrigger',
			description: 'Starts the workflow on a webhook whose HMAC signature or secret header checks out: GitHub, Stripe, Slack, Shopify, Standard Webhooks or your own scheme',
			icon: 'file:verifiedwebhook.svg',
			subtitle: SUBTITLE,
			credential: CREDENTIAL.name,
			properties: [],
			sender: 'the sender',
		}),
		// 3: GitHub is the default sender and a custom scheme's settings are grouped (properties.ts);
		// 1 and 2 keep Custom as the default, so that their saved workflows keep their scheme
		version: [1, 2, 3],
		defaultVersion: CURRENT_VERSION,
		// n8n's lint reads these three in the node file itself
		icon: { light: 'file:verifiedwebhook.svg', dark: 'file:verifiedwebhook.dark.svg' },
		subtitle: SUBTITLE,
		credentials: [{ name: 'verifiedWebhookApi', required: true, testedBy: 'verifiedWebhookApiTest' }, { name: 'verifiedWebhooksRedisApi', required: false, testedBy: 'verifiedWebhooksRedisApiTest', displayOptions: { show: { 'options.dedupeStore': ['redis'] } } }],
		properties: verifiedWebhookProperties(),
	};

	methods = {
		credentialTest: {
			async verifiedWebhookApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return testCredential({ displayName: 'the sender', credential: CREDENTIAL }, credential.data);
			},
			verifiedWebhooksRedisApiTest: redisCredentialTest,
		},
	};

	// The sender's portal holds the URL: nothing to register or remove through an API.
	webhookMethods = manualWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const built = definitionFromParameters(schemeParameters(this));
		// a node that is not set up fails closed, like an empty secret (and says why while the editor listens)
		if (!built.ok) return refuse.call(this, 401, { error: 'unauthorized', reason: built.reason });
		return surfaceRefusal.call(this, await handleWebhook.call(this, built.definition));
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return passDelivery.call(this);
	}
}
