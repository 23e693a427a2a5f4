import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type INodeCredentialTestResult,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import type { ProviderDefinition } from './definition';
import { optionsCollection } from './options';
import { handleWebhook } from './pipeline';

export function credentialTestName(definition: ProviderDefinition): string {
	return `${definition.credential.name}Test`;
}

/**
 * The end of every trigger's setup notice, in the words of n8n 2.x's editor (Publish, Listen for test
 * event / Execute step, Production URL, Test URL).
 */
export const URL_HINT =
	'The Production URL answers once the workflow is published (Publish, top right). To try the node first, click Listen for test event (Execute step): the Test URL then takes one request.';

/** The parameters every provider trigger shows: setup notice, events, the provider's filters, options. */
export function triggerProperties(definition: ProviderDefinition): INodeProperties[] {
	const name = definition.displayName;
	return [
		{
			displayName: `${definition.setupHint} ${URL_HINT}`,
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Events',
			name: 'events',
			type: 'multiOptions',
			options: definition.events,
			default: [],
			description: `Which ${name} events start the workflow. None selected: every event. Others are answered 200 and start nothing.`,
		},
		...(definition.filters ?? []).map((filter) => filter.parameter),
		optionsCollection(name),
	];
}

/**
 * The node description the factory derives from a definition. Each node file spells its own
 * description out as a literal (n8n's lint and scanner read node files statically); the provider
 * tests check that literal equals this.
 */
export function buildDescription(definition: ProviderDefinition): INodeTypeDescription {
	const name = definition.displayName;
	return {
		displayName: `${name} Trigger`,
		name: definition.nodeName,
		icon: { light: `file:${definition.icon}`, dark: `file:${definition.icon.slice(0, -'.svg'.length)}.dark.svg` },
		group: ['trigger'],
		// 2: n8n evaluates an expression in its sandbox for every request to a version 1 webhook node
		// (the Webhook node v1's binaryData option); the behaviour is the same in both versions
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		description: definition.description,
		// the node panel's search reads displayName and codex.alias: "Verified Webhooks" finds the six
		// nodes of this package and none of n8n's own
		codex: { alias: ['Verified Webhooks'] },
		defaults: { name: `${name} Trigger` },
		inputs: [],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Event', 'Unrecognized'],
		credentials: [{ name: definition.credential.name, required: true, testedBy: credentialTestName(definition) }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// n8n sends the webhookResponse the trigger returns, after it has stored the execution
				responseData: '',
				path: 'webhook',
			},
		],
		properties: triggerProperties(definition),
	};
}

/**
 * An inbound-webhook credential has no API to call: the test checks what can be checked here,
 * that the secret is set (an empty one rejects every request) and, for custom headers, the name.
 */
export function testCredential(
	definition: Pick<ProviderDefinition, 'displayName' | 'credential'>,
	data: ICredentialDataDecryptedObject | undefined,
): INodeCredentialTestResult {
	const secret = data?.[definition.credential.secret];
	if (typeof secret !== 'string' || secret.trim() === '') {
		return { status: 'Error', message: `The secret is empty: every ${definition.displayName} request would be rejected` };
	}
	const headerField = definition.credential.headerName;
	if (headerField) {
		const header = data?.[headerField];
		if (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header.trim())) {
			return { status: 'Error', message: 'The header name is empty or not a valid HTTP header name' };
		}
	}
	return { status: 'OK', message: `Ready: paste the trigger's Production URL into ${definition.displayName} with this secret, and publish the workflow` };
}

/**
 * The provider's portal holds the URL: a trigger has nothing to register or remove through an API,
 * so n8n's webhook lifecycle always succeeds.
 */
export const manualWebhookMethods = {
	default: {
		async checkExists(): Promise<boolean> {
			return true;
		},
		async create(): Promise<boolean> {
			return true;
		},
		async delete(): Promise<boolean> {
			return true;
		},
	},
};

/** What a provider trigger does: its credential test and its webhook, driven by the definition. */
export function providerTrigger(definition: ProviderDefinition): new () => Required<Pick<INodeType, 'methods' | 'webhook'>> {
	return class {
		methods = {
			credentialTest: {
				async [credentialTestName(definition)](
					this: ICredentialTestFunctions,
					credential: ICredentialsDecrypted,
				): Promise<INodeCredentialTestResult> {
					return testCredential(definition, credential.data);
				},
			},
		};

		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return await handleWebhook.call(this, definition as ProviderDefinition<IDataObject>);
		}
	};
}

/** A whole trigger node class from a definition alone, its description built by buildDescription. */
export function createTriggerNode(definition: ProviderDefinition): new () => INodeType {
	const description = buildDescription(definition);
	return class extends providerTrigger(definition) implements INodeType {
		description = description;

		webhookMethods = manualWebhookMethods;
	};
}
