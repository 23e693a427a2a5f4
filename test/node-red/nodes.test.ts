/**
 * The Node-RED nodes (packages/node-red/src/runtime.ts) in the real Node-RED runtime, through
 * node-red-node-test-helper: each provider's documented examples (test/fixtures) become one
 * message each with exactly the item the n8n trigger emits for the same request (receivedAt
 * aside); a wrong secret is answered 401 and sends nothing; a duplicate sends one message; the
 * node answers the provider itself (Chatzuri's {"status":"accepted"}). Requests go over HTTP to
 * Node-RED's httpNode app, on a port of 18100-18199.
 */
import { createServer, type Server } from 'http';

import type { IDataObject } from 'n8n-workflow';

import { signRequest } from '../../nodes/shared/core/sign';
import { PROVIDERS } from '../../nodes/shared/providers';
import { nodeHtml } from '../../packages/node-red/src/editor';
import { nodeSet, nodeSets } from '../../packages/node-red/src/nodeSets';
import { register, type NodeRedApi } from '../../packages/node-red/src/runtime';
import { fixturesOf } from '../fixtures';
import { deliver } from '../helpers/contract';
import { NODES } from '../helpers/registry';
import { post } from './http';
import { freePort } from './ports';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const helper = require('node-red-node-test-helper') as {
	init(path: string, settings?: Record<string, unknown>): void;
	load(nodes: unknown, flow: unknown[], credentials: Record<string, unknown>): Promise<void>;
	unload(): Promise<void>;
	getNode(id: string): { on(event: 'input', listener: (msg: Record<string, unknown>) => void): void } | null;
	startServer(): Promise<void>;
	stopServer(): Promise<void>;
	log(): { args: unknown[][] };
};
helper.init(require.resolve('node-red'));

const SECRET = 'current-secret-0123456789';
const PREVIOUS = 'previous-secret-9876543210';

interface Loaded {
	url: string;
	events: Array<Record<string, unknown>>;
	unrecognized: Array<Record<string, unknown>>;
	server: Server;
}

let loaded: Loaded | undefined;
/** A new trigger node id for every load: a node's dedupe store lasts as long as the process (a redeploy keeps it). */
let loads = 0;

/** Loads one trigger node wired to two helper nodes, and serves Node-RED's httpNode app. */
async function loadTrigger(id: string, settings: Record<string, unknown> = {}, headerName?: string): Promise<Loaded> {
	const set = nodeSet(id);
	let red: NodeRedApi | undefined;
	const module = (RED: NodeRedApi) => {
		red = RED;
		register(RED, id);
	};
	const credential: Record<string, string> = { [set.credential.secret]: SECRET, [set.credential.previousSecret]: PREVIOUS };
	if (set.credential.headerName) credential[set.credential.headerName] = headerName ?? 'X-Hook-Token';
	const flow = [
		{ id: 'flow', type: 'tab', label: 'test' },
		{ id: 'secrets', type: set.secretsType, name: 'test secrets' },
		{ id: `trigger-${++loads}`, type: set.type, z: 'flow', x: 100, y: 100, name: 'the trigger', url: '/hook', secrets: 'secrets', events: [], ...settings, wires: [['events'], ['unrecognized']] },
		{ id: 'events', type: 'helper', z: 'flow', x: 300, y: 80, wires: [] },
		{ id: 'unrecognized', type: 'helper', z: 'flow', x: 300, y: 120, wires: [] },
	];
	await helper.load(module, flow, { secrets: credential });
	const events: Array<Record<string, unknown>> = [];
	const unrecognized: Array<Record<string, unknown>> = [];
	helper.getNode('events')!.on('input', (msg) => events.push(msg));
	helper.getNode('unrecognized')!.on('input', (msg) => unrecognized.push(msg));
	const server = createServer(red!.httpNode as never);
	const port = await freePort(18100, 18199);
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	loaded = { url: `http://127.0.0.1:${port}/hook`, events, unrecognized, server };
	return loaded;
}

afterEach(async () => {
	if (loaded) await new Promise((resolve) => loaded!.server.close(resolve));
	loaded = undefined;
	await helper.unload();
});

/** Node-RED hands messages on asynchronously: waits until the counts stop changing. */
async function settle(): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, 50));
}

function signed(provider: string, body: string, secret = SECRET, headerName = 'X-Hook-Token'): Record<string, string> {
	return signRequest(provider, body, { secret, headerName });
}

describe.each(Object.keys(PROVIDERS))('the %s node in Node-RED', (provider) => {
	const set = nodeSet(`${provider}-webhook`);
	const suites = fixturesOf(provider).suites;

	it.each(suites.examples.map((e) => [e.title, e] as const))('turns the documented example "%s" into one message with the n8n item', async (_title, example) => {
		const hook = await loadTrigger(set.id, suites.parameters);
		const text = JSON.stringify(example.body);
		const res = await post(hook.url, text, signed(provider, text));
		expect(res.status).toBe(200);
		const definition = PROVIDERS[provider];
		expect(res.json()).toEqual(definition.acknowledgement ?? { status: 'received' });
		if (provider === 'chatzuri') expect(res.body).toBe('{"status":"accepted"}');
		await settle();
		expect(hook.unrecognized).toHaveLength(0);
		expect(hook.events).toHaveLength(1);
		const msg = hook.events[0];
		const item = msg.payload as Record<string, unknown>;
		// the same request through the n8n trigger
		const n8n = await deliver(NODES[provider], definition, example.body, { parameters: suites.parameters as IDataObject });
		expect(n8n.events).toHaveLength(1);
		expect(item).toEqual({ ...n8n.events[0], receivedAt: item.receivedAt });
		expect(item.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(item.event).toBe(example.expect.event);
		if (example.expect.eventId !== undefined) expect(item.eventId).toBe(example.expect.eventId);
		if (example.expect.occurredAt !== undefined) expect(item.occurredAt).toBe(example.expect.occurredAt);
		expect(item.data).toEqual(expect.objectContaining(example.expect.data ?? {}));
		expect(msg.topic).toBe(example.expect.event);
		expect(typeof msg._msgid).toBe('string');
	});

	it('answers 401 to a wrong secret, sends nothing, and never names a secret', async () => {
		const hook = await loadTrigger(set.id, suites.parameters);
		const text = JSON.stringify(suites.sample);
		const res = await post(hook.url, text, signed(provider, text, 'wrong-secret-000000000'));
		expect(res.status).toBe(401);
		expect(res.json()).toEqual({ error: 'unauthorized', reason: expect.any(String) });
		expect(res.body).not.toContain(SECRET);
		expect(res.body).not.toContain(PREVIOUS);
		await settle();
		expect(hook.events).toHaveLength(0);
		expect(hook.unrecognized).toHaveLength(0);
	});

	it('accepts the previous secret', async () => {
		const hook = await loadTrigger(set.id, suites.parameters);
		const text = JSON.stringify(suites.sample);
		const res = await post(hook.url, text, signed(provider, text, PREVIOUS));
		expect(res.status).toBe(200);
		await settle();
		expect(hook.events).toHaveLength(1);
	});

	it('sends a duplicate delivery once, also when the copies arrive together', async () => {
		const hook = await loadTrigger(set.id, suites.parameters);
		const text = JSON.stringify(suites.sample);
		const headers = signed(provider, text);
		const first = await post(hook.url, text, headers);
		const again = await post(hook.url, text, headers);
		expect(first.status).toBe(200);
		expect(again.status).toBe(200);
		expect(again.json()).toEqual(PROVIDERS[provider].acknowledgement ?? { status: 'duplicate' });
		const other = JSON.stringify(fixturesOf(provider).suites.examples.at(-1)!.body);
		const together = await Promise.all([1, 2, 3].map(() => post(hook.url, other, signed(provider, other))));
		expect(together.map((r) => r.status)).toEqual([200, 200, 200]);
		await settle();
		expect(hook.events).toHaveLength(other === text ? 1 : 2);
	});

	it('routes an authenticated unknown body to the second output, or answers 400 when told to reject', async () => {
		const hook = await loadTrigger(set.id, suites.parameters);
		const text = JSON.stringify(suites.unrecognized);
		const res = await post(hook.url, text, signed(provider, text));
		expect(res.status).toBe(200);
		await settle();
		expect(hook.events).toHaveLength(0);
		expect(hook.unrecognized).toHaveLength(1);
		expect(hook.unrecognized[0].topic).toBe('unrecognized');
		expect(hook.unrecognized[0].payload).toEqual(expect.objectContaining({ provider, reason: expect.any(String), raw: text }));
		await new Promise((resolve) => loaded!.server.close(resolve));
		loaded = undefined;
		await helper.unload();
		const rejecting = await loadTrigger(set.id, { ...suites.parameters, onUnrecognized: 'reject' });
		const rejected = await post(rejecting.url, text, signed(provider, text));
		expect(rejected.status).toBe(400);
		await settle();
		expect(rejecting.unrecognized).toHaveLength(0);
	});
});

describe('the Verified Webhook node in Node-RED', () => {
	it('checks a GitHub signature with the GitHub preset and keys the event by its delivery id', async () => {
		const hook = await loadTrigger('verified-webhook', { preset: 'github', events: '' });
		const text = JSON.stringify({ action: 'opened', number: 7 });
		const { createHmac } = await import('crypto');
		const signature = `sha256=${createHmac('sha256', SECRET).update(text).digest('hex')}`;
		const headers = { 'X-Hub-Signature-256': signature, 'X-GitHub-Event': 'pull_request', 'X-GitHub-Delivery': 'd-1' };
		expect((await post(hook.url, text, headers)).status).toBe(200);
		expect((await post(hook.url, text, { ...headers, 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` })).status).toBe(401);
		await settle();
		expect(hook.events).toHaveLength(1);
		expect(hook.events[0].payload).toEqual(expect.objectContaining({ provider: 'github', event: 'pull_request', eventId: 'd-1', data: { action: 'opened', number: 7 } }));
	});

	it('answers 401 to every request while a custom scheme is not set up', async () => {
		const hook = await loadTrigger('verified-webhook', { preset: 'custom', scheme: 'header', headerName: '' });
		const res = await post(hook.url, '{}', { 'X-Api-Key': SECRET });
		expect(res.status).toBe(401);
		expect(res.json()).toEqual({ error: 'unauthorized', reason: 'the trigger has no header name set' });
	});
});

describe('the editor files', () => {
	it.each(nodeSets().map((set) => [set.id, set] as const))('%s: a form for both node types, and help with every event and data field, in Node-RED\'s words', (_id, set) => {
		const html = nodeHtml(set);
		expect(html).toContain(`RED.nodes.registerType(${JSON.stringify(set.type)}`);
		expect(html).toContain(`RED.nodes.registerType(${JSON.stringify(set.secretsType)}`);
		expect(html).toContain(`data-template-name="${set.type}"`);
		expect(html).toContain(`data-help-name="${set.type}"`);
		expect(html).toContain('"password"');
		for (const event of set.definition?.events ?? []) expect(html).toContain(`| \`${event.value}\` |`);
		for (const filter of set.definition?.filters ?? []) expect(html).toContain(`id="node-input-${filter.parameter.name}"`);
		for (const option of ['deduplicate', 'dedupeWindowHours', 'dedupeMaxEntries', 'maxEventAgeMinutes', 'onUnrecognized', 'includeRawBody', 'includeHeaders', 'allowedIps', 'contextStore']) expect(html).toContain(`id="node-input-${option}"`);
		const help = html.slice(html.indexOf(`data-help-name="${set.type}"`));
		expect(help).toContain('localfilesystem');
		// (BuzzBip's own workflow.triggered event aside)
		expect(help).not.toMatch(/\bn8n\b|(?<!BuzzBip )\bworkflow\b(?!\.triggered| triggered)|Production URL|\$json/i);
	});
});
