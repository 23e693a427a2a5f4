import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeCredentialTestResult,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type WebhookType,
} from 'n8n-workflow';

import { providerFiles, type ProviderDefinition } from './definition';
import { optionsCollection } from './options';
import { handleWebhook, SAMPLE_WEBHOOK, surfaceRefusal } from './pipeline';
import { REDIS_CREDENTIAL, testRedisCredential } from './redisStore';

export function credentialTestName(definition: ProviderDefinition): string {
	return `${definition.credential.name}Test`;
}

/** The credential test of the Redis credential (every trigger has it). */
export const REDIS_CREDENTIAL_TEST = `${REDIS_CREDENTIAL}Test`;

/** The Redis credential's test, a method of every trigger. */
export async function redisCredentialTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return await testRedisCredential(credential.data);
}

/**
 * The end of every trigger's setup notice, in the words of n8n 2.x's editor (Publish, Listen for test
 * event / Execute step, Production URL, Test URL).
 */
export const URL_HINT =
	'The Production URL answers once the workflow is published (Publish, top right). To try the node first, click Listen for test event (Execute step): the Test URL then takes one request. No event yet? While the node listens, open the Test URL in your browser: it sends a sample event, marked sample: true, and the next node can map its fields.';

/**
 * The label of the second output (canvas, output panel): SPEC.md's name for it, a public name
 * that the README, the item's docs and people's workflows use. n8n's canvas cuts it
 * ("Unrecogniz…"); the output panel, the execution's custom data and the output hint name it in full.
 */
export const UNRECOGNIZED_OUTPUT_LABEL = 'Unrecognized';

/**
 * What the trigger panel says before it listens (n8n's own text while it listens is fixed: "Listening
 * for test event", "Go to <node name without Trigger> and create an event").
 */
export function triggerPanel(sender: string): NonNullable<INodeTypeDescription['triggerPanel']> {
	const whileBuilding = `<b>While building your workflow</b>, click Listen for test event, then make an event happen in ${sender}, or open this node's Test URL (Webhook URLs, above the parameters) in your browser for a sample event, marked <code>sample: true</code>. Either shows up in this editor, and the next node can map its fields.`;
	const executions = `These executions will show up in the <a data-key="executions">executions list</a>, but not in the editor. A delivery that is not a known event goes to the second output (${UNRECOGNIZED_OUTPUT_LABEL}), and its execution carries the custom data <code>unrecognized</code> with the reason.`;
	return {
		activationHint: {
			inactive: `Click Listen for test event, then send an event from ${sender}, or open the Test URL in your browser for a sample. Once you've finished building your workflow, publish it to have it also listen continuously (you just won't see those executions here).`,
			active: `Click Listen for test event, then send an event from ${sender}, or open the Test URL in your browser for a sample. This node will also trigger automatically on new ${sender} events (but those executions won't show up here).`,
		},
		executionsHelp: {
			inactive: `${whileBuilding}<br /><br /><b>Once you're happy with your workflow</b>, publish it. Then every ${sender} event sent to the Production URL starts the workflow. ${executions}`,
			active: `${whileBuilding}<br /><br /><b>Your workflow will also execute automatically</b>, since it's published. Every ${sender} event sent to the Production URL starts it. ${executions}`,
		},
	};
}

/**
 * The Events parameter's hint: every other event is answered and ignored (the node creator
 * preselects the one it was added with). `sender` names the sender's events, if it has a name.
 */
export function eventsHint(sender?: string, verb = 'selected'): string {
	return `Only the events ${verb} here start the workflow: any other ${sender ? `${sender} ` : ''}event is answered 200 and ignored. None ${verb}: every event starts it.`;
}

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
			hint: eventsHint(name),
		},
		...(definition.filters ?? []).map((filter) => filter.parameter),
		optionsCollection(name),
	];
}

/** What every trigger of the package declares alike, the Verified Webhook Trigger included. */
export function triggerDescription(node: {
	displayName: string;
	name: string;
	description: string;
	icon: INodeTypeDescription['icon'];
	subtitle: string;
	credential: string;
	properties: INodeProperties[];
	/** Who sends the events, in the trigger panel's texts. */
	sender: string;
}): INodeTypeDescription {
	return {
		displayName: node.displayName,
		name: node.name,
		icon: node.icon,
		group: ['trigger'],
		// 2: n8n evaluates an expression in its sandbox for every request to a version 1 webhook node
		// (the Webhook node v1's binaryData option); the behaviour is the same in both versions
		version: [1, 2],
		defaultVersion: 2,
		subtitle: node.subtitle,
		description: node.description,
		// the node panel's search reads displayName and codex.alias: "Verified Webhooks" finds the
		// nodes of this package and none of n8n's own
		codex: { alias: ['Verified Webhooks'] },
		defaults: { name: node.displayName },
		inputs: [],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Event', UNRECOGNIZED_OUTPUT_LABEL],
		// the Redis credential of the "Dedupe Store: Redis" option (redisStore.ts): optional, and shown
		// (and given to the node by n8n) only while that option is Redis. n8n resolves a credential's
		// displayOptions against the node's parameters with a dotted path (n8n-workflow's
		// displayParameter, lodash get), in the editor and when the node asks for it (n8n-core's
		// getCredentials), so `options.dedupeStore` reads inside the Options collection.
		credentials: [{ name: node.credential, required: true, testedBy: `${node.credential}Test` }, { name: REDIS_CREDENTIAL, required: false, testedBy: REDIS_CREDENTIAL_TEST, displayOptions: { show: { 'options.dedupeStore': ['redis'] } } }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// n8n sends the webhookResponse the trigger returns, after it has stored the execution
				responseData: '',
				path: 'webhook',
			},
			{
				// the same URL opened in a browser (GET) while the editor listens: a sample event
				// (pipeline.ts handleSample); 404 on the Production URL. Hidden from the URL list
				name: SAMPLE_WEBHOOK as WebhookType,
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: 'webhook',
				ndvHideUrl: true,
				ndvHideMethod: true,
			},
		],
		triggerPanel: triggerPanel(node.sender),
		properties: node.properties,
	};
}

/**
 * The node description of a provider trigger, from its definition alone. A node file spreads it and
 * repeats the few literals n8n's lint reads in the file itself (icon, subtitle, the credential's
 * testedBy); test/providers/registry.test.ts checks that the result equals this.
 */
export function buildDescription(definition: ProviderDefinition): INodeTypeDescription {
	const { icons } = providerFiles(definition);
	return triggerDescription({
		displayName: `${definition.displayName} Trigger`,
		name: definition.nodeName,
		description: definition.description,
		icon: { light: `file:${icons.light}`, dark: `file:${icons.dark}` as `file:${string}.svg` },
		subtitle: '={{$parameter["events"].length ? $parameter["events"].join(", ") : "All events"}}',
		credential: definition.credential.name,
		properties: triggerProperties(definition),
		sender: definition.displayName,
	});
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

/** What a provider trigger does: its credential test, its webhook and its (manual) webhook lifecycle, driven by the definition. */
export function providerTrigger(definition: ProviderDefinition): new () => Required<Pick<INodeType, 'methods' | 'webhook' | 'webhookMethods'>> {
	return class {
		// the provider's portal holds the URL: nothing to register or remove through an API
		webhookMethods = manualWebhookMethods;

		methods = {
			credentialTest: {
				async [credentialTestName(definition)](
					this: ICredentialTestFunctions,
					credential: ICredentialsDecrypted,
				): Promise<INodeCredentialTestResult> {
					return testCredential(definition, credential.data);
				},
				[REDIS_CREDENTIAL_TEST]: redisCredentialTest,
			},
		};

		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return surfaceRefusal.call(this, await handleWebhook.call(this, definition as ProviderDefinition<IDataObject>));
		}

		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return passDelivery.call(this);
		}
	};
}

/**
 * A trigger's run inside its execution (n8n runs a trigger's execute() with what webhook() handed
 * over): the items pass on unchanged to their outputs. An Unrecognized delivery marks its execution:
 * the custom execution data `unrecognized` (the reason; n8n's executions list shows custom data
 * with the advanced execution filters) and a warning above the node's output. Webhook context has
 * neither (n8n throws on customData there), hence this step.
 */
export function passDelivery(this: IExecuteFunctions): INodeExecutionData[][] {
	const events = this.getInputData(0);
	const unrecognized = this.getInputData(1);
	if (unrecognized.length > 0) {
		const reason = String(unrecognized[0].json.reason ?? 'body is not a known event');
		try {
			// n8n 2.x: this.customData; 1.x: $execution.customData
			const own = (this as Partial<Pick<IExecuteFunctions, 'customData'>>).customData;
			const customData = own ?? (this.getWorkflowDataProxy(0).$execution as { customData: IExecuteFunctions['customData'] }).customData;
			customData.set('unrecognized', reason.slice(0, 255));
		} catch {
			// a mark only: the delivery goes on whatever happens
		}
		if (typeof this.addExecutionHints === 'function') {
			this.addExecutionHints({
				type: 'warning',
				location: 'outputPane',
				message: `Not a known event (${reason}): the delivery went to the second output (${UNRECOGNIZED_OUTPUT_LABEL}), with the raw body and the validation issues.`,
			});
		}
	}
	return [events, unrecognized];
}

/** A whole trigger node class from a definition alone, its description built by buildDescription. */
export function createTriggerNode(definition: ProviderDefinition): new () => INodeType {
	const description = buildDescription(definition);
	return class extends providerTrigger(definition) implements INodeType {
		description = description;
	};
}
