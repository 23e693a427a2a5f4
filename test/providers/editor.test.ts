/**
 * What a person meets in n8n's editor (issue 16), through n8n-core's own WebhookContext and
 * WorkflowExecute: the sample event on the Test URL, a refused test request shown as the node's
 * error, Unrecognized executions marked, and the Verified Webhook Trigger's version 3.
 */
import { createHmac } from 'crypto';

import { NodeHelpers, NodeOperationError, type IDataObject, type INodeType } from 'n8n-workflow';

import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { PRESET_SAMPLES } from '../../nodes/VerifiedWebhookTrigger/samples';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { signWith } from '../../nodes/shared/core/sign';
import { UNRECOGNIZED_OUTPUT_LABEL } from '../../nodes/shared/createTrigger';
import type { RegisteredProvider } from '../../nodes/shared/definition';
import { SAMPLE_WEBHOOK } from '../../nodes/shared/pipeline';
import { PROVIDERS } from '../../nodes/shared/providers';
import { providerSamples } from '../../nodes/shared/sample';
import { SECRET, credentialsFor, deliver } from '../helpers/contract';
import { NODES } from '../helpers/registry';
import { runTriggerExecution } from '../helpers/runTrigger';
import { callWebhook, type FakeNodeInit } from '../helpers/webhookContext';

beforeEach(() => resetDedupeStores());

const providers = Object.values(PROVIDERS) as RegisteredProvider[];
const vwt = new VerifiedWebhookTrigger();

/** A browser opening the trigger's URL (GET): the sample webhook. */
function openUrl(node: INodeType, init: FakeNodeInit, query: Record<string, string> = {}) {
	return callWebhook(node, { body: '', headers: { accept: 'text/html' }, query }, { webhook: SAMPLE_WEBHOOK, ...init });
}

describe('every trigger declares the sample webhook beside its default one', () => {
	it.each([...providers.map((d) => [d.displayName, NODES[d.provider]] as const), ['Verified Webhook', vwt] as const])('%s', (_, node) => {
		const webhooks = node.description.webhooks!;
		expect(webhooks[0]).toMatchObject({ name: 'default', httpMethod: 'POST', path: 'webhook', responseMode: 'onReceived' });
		expect(webhooks[1]).toEqual({ name: 'sample', httpMethod: 'GET', path: 'webhook', responseMode: 'onReceived', ndvHideUrl: true, ndvHideMethod: true });
		expect(node.description.outputNames).toEqual(['Event', UNRECOGNIZED_OUTPUT_LABEL]);
		expect(node.description.triggerPanel).toMatchObject({ executionsHelp: { inactive: expect.stringContaining('Test URL') } });
	});
});

describe.each(providers.map((d) => [d.displayName, d] as const))('%s Trigger: the sample event on the Test URL', (_, definition) => {
	const node = NODES[definition.provider];
	const credentials = credentialsFor(definition);

	it.each(definition.events.map((e) => [e.value] as const))('%s: while listening, the item a real delivery of it gives, with sample: true, and a page naming it', async (event) => {
		const call = await openUrl(node, { mode: 'manual', credentials }, { event });
		expect(call.error).toBeUndefined();
		expect(call.status).toBe(200);
		expect(call.responseHeaders['content-type']).toBe('text/html; charset=utf-8');
		expect(call.text).toContain(`<code>${event}</code>`);
		expect(call.text).toContain('sample: true');
		expect(call.result.noWebhookResponse).toBe(true);
		expect(call.events).toHaveLength(1);
		expect(call.unrecognized).toHaveLength(0);
		const { sample, ...item } = call.events[0];
		expect(sample).toBe(true);
		expect(item.event).toBe(event);
		// the same body, signed and sent as the provider sends it, gives the same item
		const body = providerSamples(definition).build(event, new Date(Date.parse(String(item.receivedAt))));
		const real = await deliver(node, definition, body.body);
		expect(real.events).toHaveLength(1);
		expect({ ...real.events[0], receivedAt: item.receivedAt }).toEqual(item);
		// one link per event on the page
		for (const other of definition.events) expect(call.text).toContain(`href="?event=${encodeURIComponent(other.value)}"`);
	});
});

describe('the sample event: which one, and never on the Production URL', () => {
	const definition = PROVIDERS.buzzbip;
	const node = NODES.buzzbip;
	const credentials = credentialsFor(definition);

	it('without ?event=: the first event the Events parameter selects, else the first event', async () => {
		expect((await openUrl(node, { mode: 'manual', credentials })).events[0].event).toBe(definition.events[0].value);
		const selected = await openUrl(node, { mode: 'manual', credentials, parameters: { events: ['contact.created', 'message.sent'] } });
		expect(selected.events[0].event).toBe('contact.created');
		// another event asked for: sent, and the page says a real one would be ignored
		const other = await openUrl(node, { mode: 'manual', credentials, parameters: { events: ['contact.created'] } }, { event: 'message.received' });
		expect(other.events[0]).toMatchObject({ event: 'message.received', sample: true });
		expect(other.text).toContain('does not select this event');
	});

	it('an unknown ?event=: 404, a page with the events there are, nothing started (n8n keeps listening)', async () => {
		const call = await openUrl(node, { mode: 'manual', credentials }, { event: '<script>' });
		expect(call.status).toBe(404);
		expect(call.result.workflowData).toBeUndefined();
		expect(call.text).toContain('&lt;script&gt; is not an event of BuzzBip');
		expect(call.text).not.toContain('<script>');
		expect(call.text).toContain('href="?event=message.received"');
	});

	it('the Production URL: 404, nothing started', async () => {
		const call = await openUrl(node, { mode: 'webhook', credentials });
		expect(call.status).toBe(404);
		expect(call.body).toEqual({ error: 'not found', reason: 'samples are sent only on the Test URL, while the editor listens for a test event' });
		expect(call.result.workflowData).toBeUndefined();
		expect(call.text).toBeUndefined();
	});

	it('is never counted by the deduplication: the same event sent for real afterwards starts the workflow, and a sample after it is still a sample', async () => {
		const staticData: IDataObject = {};
		const first = await openUrl(node, { mode: 'manual', credentials, staticData }, { event: 'message.received' });
		const { body } = providerSamples(definition).build('message.received', new Date());
		const real = await deliver(node, definition, body, { staticData });
		expect(real.events).toHaveLength(1);
		expect(real.events[0].deliveryKey).toBe(first.events[0].deliveryKey);
		expect(real.events[0].sample).toBeUndefined();
		const again = await openUrl(node, { mode: 'manual', credentials, staticData }, { event: 'message.received' });
		expect(again.events).toHaveLength(1);
		expect((await deliver(node, definition, body, { staticData })).body).toEqual({ status: 'duplicate' });
	});

	it('needs no signature and no credential secret (a browser sends neither), and honours Include Raw Body', async () => {
		const call = await openUrl(node, { mode: 'manual', credentials: { signingSecret: '' }, parameters: { options: { includeRawBody: true } } });
		expect(call.events).toHaveLength(1);
		expect(JSON.parse(String(call.events[0].raw))).toEqual(definition.examples[0].body);
	});
});

describe('the Verified Webhook Trigger: a sample per sender', () => {
	it.each(Object.entries(PRESET_SAMPLES).flatMap(([preset, catalogue]) => catalogue.events.map((e) => [preset, e.value] as const)))('%s %s: the item a signed delivery of it gives, with sample: true', async (preset, event) => {
		const call = await openUrl(vwt, { mode: 'manual', credentials: { secret: SECRET }, parameters: { preset } }, { event });
		expect(call.status).toBe(200);
		const { sample, ...item } = call.events[0];
		expect(sample).toBe(true);
		expect(item).toMatchObject({ provider: preset, event });
		const built = PRESET_SAMPLES[preset].build(event, new Date(Date.parse(String(item.receivedAt))));
		const text = JSON.stringify(built.body);
		const { PRESETS } = await import('../../nodes/VerifiedWebhookTrigger/presets');
		const verification = PRESETS.find((p) => p.value === preset)!.verification;
		const timestamp = Math.floor(Date.now() / 1000);
		const headers = { ...built.headers, ...signWith(verification, text, { secret: preset === 'standardWebhooks' ? `whsec_${Buffer.from(SECRET).toString('base64')}` : SECRET }, { timestamp, id: built.headers['webhook-id'], withPrefix: true }) };
		if (built.headers['webhook-timestamp']) headers['webhook-timestamp'] = String(timestamp);
		const real = await callWebhook(vwt, { body: text, headers }, { credentials: { secret: preset === 'standardWebhooks' ? `whsec_${Buffer.from(SECRET).toString('base64')}` : SECRET }, parameters: { preset } });
		expect(real.status).toBe(200);
		const { receivedAt: _r, occurredAt: _o, ...realItem } = real.events[0];
		const { receivedAt: _r2, occurredAt: _o2, ...sampleItem } = item;
		expect(realItem).toEqual(sampleItem);
	});

	it('the default sender (GitHub, version 3): the push sample', async () => {
		const call = await openUrl(vwt, { mode: 'manual', credentials: { secret: SECRET } });
		expect(call.events[0]).toMatchObject({ provider: 'github', event: 'push', eventId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', sample: true });
		expect(call.text).toContain('href="?event=pull_request"');
	});

	it('one of the package\'s providers as the sender: its own samples', async () => {
		const call = await openUrl(vwt, { mode: 'manual', credentials: { secret: SECRET }, parameters: { preset: 'buzzbip' } }, { event: 'contact.created' });
		expect(call.events[0]).toMatchObject({ provider: 'buzzbip', event: 'contact.created', sample: true });
	});

	it('Custom: a generic event, its name and id where the scheme reads them', async () => {
		const parameters = { preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig', eventFields: { eventNameHeader: 'X-Event', eventIdPath: 'meta.id' } };
		const call = await openUrl(vwt, { mode: 'manual', credentials: { secret: SECRET }, parameters });
		expect(call.events[0]).toMatchObject({ provider: 'custom', event: 'sample.event', eventId: 'sample-0001', sample: true });
		const plain = await openUrl(vwt, { mode: 'manual', credentials: { secret: SECRET }, parameters: { preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig' } });
		expect(plain.events[0]).toMatchObject({ provider: 'custom', event: 'webhook', eventId: null, sample: true });
		expect(plain.events[0].deliveryKey).toBe(bodyKey(JSON.stringify(plain.events[0].data)));
	});
});

describe('a refused test request is shown in the editor; in production nothing changes', () => {
	const definition = PROVIDERS.buzzbip;
	const node = NODES.buzzbip;
	const body = JSON.stringify(definition.examples[0].body);
	const forged = { 'X-BuzzBip-Signature': `sha256=${createHmac('sha256', 'not the secret').update(body).digest('hex')}`, 'content-type': 'application/json' };

	it('manual mode: the 401 with its reason, then the reason thrown as a NodeOperationError (n8n: an error execution), no secret in it', async () => {
		const call = await callWebhook(node, { body, headers: forged }, { mode: 'manual', credentials: credentialsFor(definition) });
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason: 'signature mismatch' });
		expect(call.error).toBeInstanceOf(NodeOperationError);
		expect(call.error!.message).toBe('signature mismatch');
		expect((call.error as NodeOperationError).description).toContain('401 {"error":"unauthorized","reason":"signature mismatch"}');
		expect(JSON.stringify({ message: call.error!.message, description: (call.error as NodeOperationError).description })).not.toContain(SECRET);
		expect(call.events).toHaveLength(0);
	});

	it('production: 401 and nothing thrown (the rate-limited warn log as before)', async () => {
		const call = await callWebhook(node, { body, headers: forged }, { mode: 'webhook', credentials: credentialsFor(definition), workflowId: 'wf-prod-refusal' });
		expect(call.status).toBe(401);
		expect(call.error).toBeUndefined();
		expect(call.result).toEqual({ noWebhookResponse: true });
		expect(call.logs.some((line) => line.includes('signature mismatch'))).toBe(true);
	});

	it('manual mode: a refusal by the Allowed IP Addresses option and a Verified Webhook Trigger that is not set up say why too', async () => {
		const ip = await callWebhook(node, { body, headers: forged, ip: '10.0.0.1' }, { mode: 'manual', credentials: credentialsFor(definition), parameters: { options: { allowedIps: '192.0.2.0/24' } } });
		expect(ip.status).toBe(403);
		expect(ip.error?.message).toBe('source address not allowed');
		const unset = await callWebhook(vwt, { body, headers: {} }, { mode: 'manual', credentials: { secret: SECRET }, parameters: { preset: 'custom', scheme: 'header' } });
		expect(unset.status).toBe(401);
		expect(unset.body).toEqual({ error: 'unauthorized', reason: 'the trigger has no header name set' });
		expect(unset.error?.message).toBe('the trigger has no header name set');
	});

	it('manual mode: a genuine test request still starts its execution', async () => {
		const call = await deliver(node, definition, definition.examples[0].body, { mode: 'manual' });
		expect(call.error).toBeUndefined();
		expect(call.events).toHaveLength(1);
	});
});

describe('an Unrecognized delivery marks its execution (n8n-core runs the trigger\'s execute())', () => {
	const definition = PROVIDERS.buzzbip;
	const node = NODES.buzzbip;

	it('custom data `unrecognized` with the reason, a warning above the output, the items unchanged on their outputs', async () => {
		const call = await deliver(node, definition, { hello: 'world' });
		expect(call.unrecognized).toHaveLength(1);
		const run = await runTriggerExecution(node, call.result.workflowData as never);
		expect(run.status).toBe('success');
		expect(run.data.resultData.metadata).toEqual({ unrecognized: 'body is not a known event' });
		const [task] = run.data.resultData.runData.Trigger;
		expect(task.data!.main[0]).toEqual([]);
		expect(task.data!.main[1]!.map((item) => item.json)).toEqual(call.unrecognized);
		expect(task.hints).toEqual([expect.objectContaining({ type: 'warning', location: 'outputPane', message: expect.stringContaining('body is not a known event') })]);
	});

	it('an event: no custom data, no hint, the item unchanged', async () => {
		const call = await deliver(node, definition, definition.examples[0].body);
		const run = await runTriggerExecution(node, call.result.workflowData as never);
		expect(run.data.resultData.metadata).toBeUndefined();
		const [task] = run.data.resultData.runData.Trigger;
		expect(task.data!.main[0]!.map((item) => item.json)).toEqual(call.events);
		expect(task.hints ?? []).toEqual([]);
	});

	it('the Verified Webhook Trigger alike (a body that is not JSON is still a delivery there, not unrecognized)', async () => {
		const run = await runTriggerExecution(vwt, [[], [{ json: { provider: 'custom', reason: 'processing failed', issues: [] } }]]);
		expect(run.data.resultData.metadata).toEqual({ unrecognized: 'processing failed' });
	});
});

describe('the Verified Webhook Trigger\'s version 3 keeps saved workflows working', () => {
	const defaults = (typeVersion: number) =>
		NodeHelpers.getNodeParameters(vwt.description.properties, {}, true, false, { typeVersion, parameters: {} } as never, vwt.description) as IDataObject;

	it('a new node is version 3, whose Sender defaults to GitHub; versions 1 and 2 keep Custom', () => {
		expect(vwt.description.defaultVersion).toBe(3);
		expect(vwt.description.version).toEqual([1, 2, 3]);
		expect(defaults(3).preset).toBe('github');
		expect(defaults(2).preset).toBe('custom');
		expect(defaults(1).preset).toBe('custom');
		// version 3's first screen for Custom: the scheme, its header and two collections
		const custom3 = NodeHelpers.getNodeParameters(vwt.description.properties, { preset: 'custom' }, true, false, { typeVersion: 3, parameters: {} } as never, vwt.description) as IDataObject;
		expect(Object.keys(custom3)).toEqual(['setupNotice', 'preset', 'scheme', 'signatureHeader', 'signature', 'eventFields', 'events', 'options']);
		const custom2 = NodeHelpers.getNodeParameters(vwt.description.properties, { preset: 'custom' }, true, false, { typeVersion: 2, parameters: {} } as never, vwt.description) as IDataObject;
		expect(Object.keys(custom2).length).toBeGreaterThanOrEqual(Object.keys(custom3).length + 6);
	});

	const body = '{"id":"evt_1","type":"thing.happened"}';
	const sig = createHmac('sha256', SECRET).update(body).digest('hex');

	it.each([1, 2])('a version %i workflow saved with Sender = Custom (stored without `preset`, n8n keeps only non-defaults) still runs its custom scheme', async (typeVersion) => {
		const parameters = { signatureHeader: 'X-Sig', eventIdSource: 'body', eventIdField: 'id', eventNameSource: 'body', eventNameField: 'type' };
		const call = await callWebhook(vwt, { body, headers: { 'x-sig': sig, 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters, typeVersion });
		expect(call.status).toBe(200);
		expect(call.events[0]).toMatchObject({ provider: 'custom', event: 'thing.happened', eventId: 'evt_1' });
		// the same stored parameters read by version 3 are GitHub's scheme: refused
		const asV3 = await callWebhook(vwt, { body, headers: { 'x-sig': sig, 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters, typeVersion: 3 });
		expect(asV3.status).toBe(401);
		expect(asV3.body).toEqual({ error: 'unauthorized', reason: 'missing signature header' });
	});

	it('version 3: a custom scheme from its collections (SHA-1 base64 with a prefix, name from a header, id from the body)', async () => {
		const parameters = { preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig', signature: { algorithm: 'sha1', encoding: 'base64', signaturePrefix: 'sig=' }, eventFields: { eventNameHeader: 'X-Event', eventIdPath: 'id' } };
		const good = `sig=${createHmac('sha1', SECRET).update(body).digest('base64')}`;
		const call = await callWebhook(vwt, { body, headers: { 'x-sig': good, 'x-event': 'ping', 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters });
		expect(call.status).toBe(200);
		expect(call.events[0]).toMatchObject({ provider: 'custom', event: 'ping', eventId: 'evt_1' });
		const sha256 = await callWebhook(vwt, { body, headers: { 'x-sig': sig, 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters });
		expect(sha256.status).toBe(401);
	});

	it('version 3: a template with a timestamp, the tolerance defaulting to 300 s', async () => {
		const now = Math.floor(Date.now() / 1000);
		const parameters = { preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig', signature: { signedPayload: 'template', timestampHeader: 'X-Ts' } };
		const signed = (ts: number) => createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
		const fresh = await callWebhook(vwt, { body, headers: { 'x-sig': signed(now), 'x-ts': String(now), 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters });
		expect(fresh.status).toBe(200);
		const stale = await callWebhook(vwt, { body, headers: { 'x-sig': signed(now - 301), 'x-ts': String(now - 301), 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters });
		expect(stale.status).toBe(401);
		// a timestamp header on a raw-body signature protects nothing: refused, with the reason
		const unsigned = await callWebhook(vwt, { body, headers: { 'x-sig': sig, 'x-ts': String(now), 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters: { ...parameters, signature: { timestampHeader: 'X-Ts' } } });
		expect(unsigned.body).toEqual({ error: 'unauthorized', reason: 'the timestamp header is not signed: put {timestamp} in the signed payload template, or set the tolerance to 0' });
	});

	it('every sender has its own setup notice, ending with a full stop and the editor\'s words', () => {
		const notices = vwt.description.properties.filter((p) => p.name === 'setupNotice');
		const senders = (vwt.description.properties.find((p) => p.name === 'preset')!.options as Array<{ value: string }>).map((o) => o.value);
		expect(notices.map((n) => n.displayOptions?.show?.preset)).toEqual(senders.map((s) => [s]));
		for (const notice of notices) expect(notice.displayName).toMatch(/\.$/);
		const github = notices.find((n) => n.displayOptions?.show?.preset?.[0] === 'github')!.displayName;
		expect(github).toContain('Payload URL');
		expect(github).toContain('application/json');
		expect(github).toContain('Listen for test event');
	});
});

describe('the Events hint says that other events are ignored', () => {
	it.each(providers.map((d) => [d.displayName, d] as const))('%s', (_, definition) => {
		const events = NODES[definition.provider].description.properties.find((p) => p.name === 'events')!;
		expect(events.hint).toBe(`Only the events selected here start the workflow: any other ${definition.displayName} event is answered 200 and ignored. None selected: every event starts it.`);
	});
});
