/**
 * The editor file (<node set>.html) of each node set, at build time: the trigger node's and the
 * config node's registration, their forms, and the help text. The form is made from the same
 * parameters as the n8n node's (nodes/shared/createTrigger.ts `triggerProperties`, the Verified
 * Webhook Trigger's description), the help's events and fields from the zod schemas through the
 * README's renderer (scripts/docs/render.cjs), so that Node-RED, n8n and the README say the same.
 */
import type { INodeProperties } from 'n8n-workflow';

import { outputJsonSchema } from '../../../nodes/shared/outputSchema';
import { bodyKey } from '../../../nodes/shared/core/deliveryKey';
import { triggerProperties } from '../../../nodes/shared/createTrigger';
import { optionsCollection } from '../../../nodes/shared/options';
import { VerifiedWebhookTrigger } from '../../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { PRESETS } from '../../../nodes/VerifiedWebhookTrigger/presets';
import type { NodeSet } from './nodeSets';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const render = require('../../../scripts/docs/render.cjs') as {
	renderProvider(definition: unknown, schema: unknown, key: unknown): string;
	renderItem(definition: unknown, schema: unknown): string;
};

const PALETTE_COLOR = '#C0DEED';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** n8n's words in shared texts, in Node-RED's. */
function inNodeRedWords(text: string): string {
	return text
		.replace(/this node's Production URL/g, "this node's URL")
		.replace(/the node's Production URL/g, "the node's URL")
		.replace(/Production URL/g, 'URL')
		.replace(/into this credential/g, 'into this node\'s secrets')
		.replace(/of this credential/g, 'of this node\'s secrets')
		.replace(/in the credential/g, 'in the secrets node')
		.replace(/publish the workflow first/g, 'deploy the flow first')
		.replace(/Starts the workflow/g, 'Sends a message')
		.replace(/start the workflow/g, 'send a message')
		.replace(/starts the workflow/g, 'sends a message')
		.replace(/start nothing/g, 'send nothing')
		.replace(/starts nothing/g, 'sends nothing')
		.replace(/N8N_PROXY_HOPS/g, 'httpNodeTrustProxy (settings.js)')
		.replace(/n8n's /g, "Node-RED's ")
		.replace(/When n8n received/g, 'When Node-RED received')
		.replace(/time n8n received/g, 'time Node-RED received')
		.replace(/In an expression: `\{\{ \$json\.data\.<field> \}\}`\./g, 'In a flow: `msg.payload.data.<field>`.');
}

/**
 * The Verified Webhook Trigger's parameters in their flat layout (its n8n versions 1 and 2, one
 * parameter per scheme setting, which the runtime reads): version 3's grouped variants left out,
 * the `@version` conditions dropped.
 */
function flatVersion(properties: INodeProperties[]): INodeProperties[] {
	const out: INodeProperties[] = [];
	for (const property of properties) {
		const show = property.displayOptions?.show;
		const versions = show?.['@version'];
		if (versions !== undefined && !(versions as unknown[]).some((v) => v === 2)) continue;
		if (versions === undefined) {
			out.push(property);
			continue;
		}
		const { ['@version']: _version, ...rest } = show!;
		out.push({ ...property, displayOptions: { ...property.displayOptions, show: Object.keys(rest).length > 0 ? rest : undefined } });
	}
	return out;
}

/** The parameters of the form: the n8n node's, the options collection's flattened in, notices left out. */
export function formProperties(set: NodeSet): INodeProperties[] {
	const source = set.definition ? triggerProperties(set.definition) : flatVersion(new VerifiedWebhookTrigger().description.properties);
	const out: INodeProperties[] = [];
	for (const property of source) {
		if (property.type === 'notice') continue;
		if (property.type === 'collection' && property.name === 'options') {
			// n8n's Dedupe Store (Redis, for n8n's queue mode) left out: a Node-RED process keeps its own store
			out.push(...((property.options ?? []) as INodeProperties[]).filter((option) => option.name !== 'dedupeStore'));
			continue;
		}
		const same = out.find((p) => p.name === property.name);
		if (same) {
			// one field for both (the Verified Webhook Trigger's two Header Name parameters): shown when either is
			merged.set(same, [...(showRule(same) ?? [{}]), ...(showRule(property) ?? [{}])]);
			continue;
		}
		out.push({ ...property });
	}
	return out;
}

/** When a field is shown: any of these alternatives holds, each a map of parameter → accepted values. */
type Show = Record<string, unknown[]>;

/** The rules of fields made of two parameters of one name (shown when either is). */
const merged = new WeakMap<INodeProperties, Show[]>();

/** The show conditions of a property for the editor's script: undefined when always shown. */
function showRule(property: INodeProperties): Show[] | undefined {
	const rule = merged.get(property);
	if (rule) return rule.some((alternative) => Object.keys(alternative).length === 0) ? undefined : rule;
	const show = property.displayOptions?.show as Show | undefined;
	return show ? [show] : undefined;
}

function defaultOf(property: INodeProperties): unknown {
	return property.default;
}

function inputHtml(property: INodeProperties, prefix: string): string {
	const id = `${prefix}${property.name}`;
	const placeholder = property.placeholder ? ` placeholder="${escapeHtml(String(property.placeholder))}"` : '';
	switch (property.type) {
		case 'boolean':
			return `<input type="checkbox" id="${id}" style="display:inline-block; width:auto; vertical-align:top;">`;
		case 'number':
			return `<input type="text" id="${id}"${placeholder} style="width:100px">`;
		case 'options':
		case 'multiOptions': {
			const multiple = property.type === 'multiOptions' ? ' multiple size="6"' : '';
			const options = (property.options ?? []) as Array<{ name: string; value: string | number | boolean }>;
			return `<select id="${id}"${multiple} style="width:70%">${options.map((o) => `<option value="${escapeHtml(String(o.value))}">${escapeHtml(o.name)}</option>`).join('')}</select>`;
		}
		default:
			return `<input type="text" id="${id}"${placeholder} style="width:70%">`;
	}
}

function rowHtml(property: INodeProperties, prefix: string): string {
	const title = property.description ? ` title="${escapeHtml(inNodeRedWords(property.description))}"` : '';
	return `<div class="form-row vw-row" data-vw-name="${property.name}"${title}>\n\t<label for="${prefix}${property.name}">${escapeHtml(property.displayName)}</label>\n\t${inputHtml(property, prefix)}\n</div>`;
}

/** The help text (markdown, which Node-RED's editor renders). */
export function helpMarkdown(set: NodeSet, properties: INodeProperties[]): string {
	const lines: string[] = [];
	const name = set.displayName;
	if (set.definition) {
		lines.push(`${inNodeRedWords(set.definition.description)}. Listens on its own path of Node-RED's HTTP server, checks every request against the secret in its secrets node (the current and the previous one), validates and normalizes the body, and answers ${name} itself: no *http response* node is needed.`);
	} else {
		lines.push(`Sends a message for a webhook whose HMAC signature or secret header checks out: ${PRESETS.map((p) => p.name).join(', ')}, the providers of this package, or a scheme of your own. Listens on its own path of Node-RED's HTTP server and answers the sender itself: no *http response* node is needed.`);
	}
	lines.push('', '### Setup', '');
	if (set.definition?.setupHint) lines.push(inNodeRedWords(set.definition.setupHint), '');
	lines.push(
		`The node's URL is Node-RED's address, then \`httpNodeRoot\` (settings.js, \`/\` by default), then the node's **Path** (\`${set.defaultPath}\` by default): e.g. \`https://nodered.example.com${set.defaultPath}\`. Deploy the flow before saving the URL at the sender. Each node needs a path of its own.`,
		'',
		'### Outputs',
		'',
		'1. **Event**: `msg.payload` is the item (below), `msg.topic` its `event`.',
		'2. **Unrecognized**: an authenticated body that is not a known event: `msg.payload` has `provider`, `reason`, `issues`, `receivedAt`, `deliveryKey`, `body` (parsed, or null) and `raw` (the body as received); `msg.topic` is `unrecognized`. With *On Unrecognized Payload* set to Reject it is answered 400 instead.',
		'',
		'The node answers the request itself (401 for a failed check, 400 when rejected, 200 otherwise, with a small JSON body' + (set.definition?.acknowledgement ? `: \`${JSON.stringify(set.definition.acknowledgement)}\`` : '') + '), so the message has no `msg.req`/`msg.res`.',
		'',
		'### Properties',
		'',
		'- **Path**: where the node listens for POST requests.',
		`- **Secrets**: a *${name} secrets* config node: ${describeCredential(set)}. Kept in Node-RED's credentials file, never exported with the flow.`,
	);
	for (const property of properties) lines.push(`- **${property.displayName}**: ${inNodeRedWords(property.description ?? '')}`);
	lines.push(
		'- **Context Store**: the context store the dedupe record is kept in; empty: Node-RED\'s default store.',
		'',
		'### Duplicates and restarts',
		'',
		'A delivery is keyed by the event ID where the sender sends one, else by the SHA-256 of its body, and starts one message per Node-RED process inside the dedupe window: a retry, or a copy arriving at the same time, is answered 200 and sends nothing. The record lives in the node\'s context (key `' + 'verifiedWebhooksDedupe' + '`). With Node-RED\'s default `memory` context store it lasts as long as the process: **after a restart a retry is sent again**. With a persistent store it survives restarts: in settings.js, `contextStorage: { default: { module: "localfilesystem" } }` (or a named store given in **Context Store**). That store writes to disk every 30 s by default and on a clean stop; set its `flushInterval` lower, or `cache: false`, to lose nothing on a crash.',
	);
	if (set.definition) {
		lines.push(
			'',
			'### The item (`msg.payload`)',
			'',
			inNodeRedWords(render.renderItem(set.definition, outputJsonSchema)),
			'',
			inNodeRedWords(render.renderProvider(set.definition, outputJsonSchema, bodyKey)).replace(/^#### /gm, '### '),
		);
	} else {
		lines.push(
			'',
			'### The item (`msg.payload`)',
			'',
			'`provider` (the preset, or `custom`), `event` (from the scheme\'s event name, else `webhook`), `eventId` (or null), `occurredAt` (ISO 8601 UTC, or null), `receivedAt`, `deliveryKey`, and `data`: the body as received, parsed (JSON, form fields or text). With the providers of this package as the sender, the item is that provider\'s.',
		);
	}
	return lines.join('\n');
}

function describeCredential(set: NodeSet): string {
	const fields = set.credential.fields;
	const names = [fields.headerName?.displayName, fields.secret.displayName, fields.previousSecret.displayName].filter(Boolean);
	return names.map((n) => `*${n}*`).join(', ');
}

/** The whole .html file of a node set. */
export function nodeHtml(set: NodeSet): string {
	const properties = formProperties(set);
	const credential = set.credential;
	const fields = credential.fields;
	const defaults: Record<string, { value: unknown; type?: string; required?: boolean }> = {
		name: { value: '' },
		url: { value: set.defaultPath, required: true },
		secrets: { value: '', type: set.secretsType, required: true },
		contextStore: { value: '' },
	};
	for (const property of properties) defaults[property.name] = { value: defaultOf(property) };
	const rules: Record<string, Show[]> = {};
	for (const property of properties) {
		const rule = showRule(property);
		if (rule) rules[property.name] = rule;
	}
	const mainRows = properties.filter((p) => !isOption(p.name)).map((p) => rowHtml(p, 'node-input-')).join('\n');
	const optionRows = properties.filter((p) => isOption(p.name)).map((p) => rowHtml(p, 'node-input-')).join('\n');

	const credentials: Record<string, { type: string }> = { [credential.secret]: { type: 'password' }, [credential.previousSecret]: { type: 'password' } };
	if (credential.headerName) credentials[credential.headerName] = { type: 'text' };
	const credentialRows = [
		...(credential.headerName ? [[credential.headerName, fields.headerName?.displayName ?? 'Header Name', 'text', fields.headerName?.description ?? '']] : []),
		[credential.secret, fields.secret.displayName, 'password', fields.secret.description],
		[credential.previousSecret, fields.previousSecret.displayName, 'password', fields.previousSecret.description],
	]
		.map(([field, label, type, description]) => `<div class="form-row" title="${escapeHtml(inNodeRedWords(description))}">\n\t<label for="node-config-input-${field}"><i class="fa fa-key"></i> ${escapeHtml(label)}</label>\n\t<input type="${type}" id="node-config-input-${field}" style="width:70%">\n</div>`)
		.join('\n');
	const headerDefault = credential.headerName ? fields.headerName?.default ?? '' : '';

	const paletteLabel = `${set.displayName} Trigger`;
	return `<!-- Generated by packages/node-red/build.mjs from the provider registry: do not edit. -->
<script type="text/javascript">
(function () {
	var RULES = ${JSON.stringify(rules)};
	function currentValue(name) {
		var input = $('#node-input-' + name);
		if (!input.length) return undefined;
		if (input.attr('type') === 'checkbox') return input.prop('checked');
		return input.val();
	}
	function shown(rule) {
		return rule.some(function (alternative) {
			return Object.keys(alternative).every(function (name) {
				var value = currentValue(name);
				return alternative[name].some(function (accepted) { return String(accepted) === String(value); });
			});
		});
	}
	function refresh() {
		Object.keys(RULES).forEach(function (name) {
			$('.vw-row[data-vw-name="' + name + '"]').toggle(shown(RULES[name]));
		});
	}
	RED.nodes.registerType(${JSON.stringify(set.secretsType)}, {
		category: 'config',
		defaults: { name: { value: '' } },
		credentials: ${JSON.stringify(credentials)},
		label: function () { return this.name || ${JSON.stringify(`${set.displayName} secrets`)}; },
		oneditprepare: function () {
			${credential.headerName ? `var header = $('#node-config-input-${credential.headerName}'); if (!header.val()) header.val(${JSON.stringify(headerDefault)});` : ''}
		}
	});
	RED.nodes.registerType(${JSON.stringify(set.type)}, {
		category: 'network',
		color: ${JSON.stringify(PALETTE_COLOR)},
		defaults: ${JSON.stringify(defaults)},
		inputs: 0,
		outputs: 2,
		outputLabels: ['event', 'unrecognized'],
		icon: ${JSON.stringify(set.icon)},
		paletteLabel: ${JSON.stringify(paletteLabel)},
		label: function () { return this.name || ${JSON.stringify(`${set.displayName} `)} + (this.url || ${JSON.stringify(set.defaultPath)}); },
		labelStyle: function () { return this.name ? 'node_label_italic' : ''; },
		oneditprepare: function () {
			var node = this;
			Object.keys(node._def.defaults).forEach(function (name) {
				var input = $('#node-input-' + name);
				if (input.is('select[multiple]')) input.val(Array.isArray(node[name]) ? node[name] : []);
			});
			$('.vw-row input, .vw-row select').on('change', refresh);
			refresh();
		}
	});
})();
</script>

<script type="text/html" data-template-name=${JSON.stringify(set.secretsType)}>
<div class="form-row">
	<label for="node-config-input-name"><i class="fa fa-tag"></i> Name</label>
	<input type="text" id="node-config-input-name" placeholder="Name" style="width:70%">
</div>
${credentialRows}
</script>

<script type="text/html" data-template-name=${JSON.stringify(set.type)}>
<div class="form-row">
	<label for="node-input-name"><i class="fa fa-tag"></i> Name</label>
	<input type="text" id="node-input-name" placeholder="Name" style="width:70%">
</div>
<div class="form-row">
	<label for="node-input-url"><i class="fa fa-globe"></i> Path</label>
	<input type="text" id="node-input-url" placeholder="${escapeHtml(set.defaultPath)}" style="width:70%">
</div>
<div class="form-row">
	<label for="node-input-secrets"><i class="fa fa-key"></i> Secrets</label>
	<input type="text" id="node-input-secrets" style="width:70%">
</div>
${mainRows}
<div class="form-row"><b>Options</b></div>
${optionRows}
<div class="form-row" title="The context store the dedupe record is kept in; empty: Node-RED's default store. A persistent one (localfilesystem) keeps it across restarts.">
	<label for="node-input-contextStore">Context Store</label>
	<input type="text" id="node-input-contextStore" placeholder="default" style="width:70%">
</div>
</script>

<script type="text/markdown" data-help-name=${JSON.stringify(set.type)}>
${helpMarkdown(set, properties)}
</script>

<script type="text/markdown" data-help-name=${JSON.stringify(set.secretsType)}>
The secrets of ${set.displayName} Trigger nodes: ${describeCredential(set)}. During a rotation both the current and the previous secret are accepted; empty the previous one once the rotation is done. Stored in Node-RED's encrypted credentials file, never in the flow.
</script>
`;
}


/** The parameters of the options collection (shown under Options). */
const OPTION_NAMES = new Set(((optionsCollection('').options ?? []) as INodeProperties[]).map((option) => option.name));
function isOption(name: string): boolean {
	return OPTION_NAMES.has(name);
}
