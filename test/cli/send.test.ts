import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import type { IDataObject } from 'n8n-workflow';

import { main } from '../../packages/cli/src/index';
import { buildPresetSample, findPreset, PRESET_EVENTS } from '../../packages/cli/src/presets';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { buildSample, catalogue, sampleSpecs } from '../../packages/cli/src/samples';
import { prepareRequest, sendMany } from '../../packages/cli/src/send';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { PROVIDERS } from '../../nodes/shared/providers';
import { credentialsFor, HEADER_NAME, SECRET } from '../helpers/contract';
import { NODES } from '../helpers/registry';
import { callWebhook } from '../helpers/webhookContext';

/** Every provider × event (× Chatzuri channel) the sender knows. */
type Case = [provider: string, event: string, channel: string | undefined];
const cases: Case[] = catalogue().flatMap((provider) =>
	provider.events.flatMap((event): Case[] =>
		provider.channels.length && event.value === 'message.received'
			? provider.channels.map((channel): Case => [provider.provider, event.value, channel])
			: [[provider.provider, event.value, undefined]],
	),
);

async function deliverPrepared(provider: string, request: { headers: Record<string, string>; body: string }, parameters: IDataObject = {}) {
	return callWebhook(NODES[provider], { body: request.body, headers: request.headers }, { credentials: credentialsFor(PROVIDERS[provider]), parameters });
}

describe('send: what the sender signs, the triggers accept', () => {
	beforeEach(() => resetDedupeStores());

	it('covers every provider, event and channel (the five of the contract: 23 events, 6 channels)', () => {
		const of = (provider: string) => cases.filter((c) => c[0] === provider).length;
		expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(Object.keys(PROVIDERS)));
		expect([of('buzzeasy'), of('tracebuzz'), of('chatzuri'), of('buzzbip'), of('apirtc')]).toEqual([1, 3, 1 + 6, 8, 9]);
		expect(cases).toHaveLength(Object.values(PROVIDERS).reduce((sum, definition) => sum + sampleSpecs(definition).length, 0));
	});

	it.each(cases)('%s %s %s: accepted, one item of that event', async (provider, event, channel) => {
		const body = JSON.stringify(buildSample(provider, event, { channel }));
		const request = prepareRequest(provider, body, { url: 'http://x', secret: SECRET, headerName: HEADER_NAME });
		// Tracebuzz agent messages need the option; the sample is a customer message
		const call = await deliverPrepared(provider, request);
		expect(call.status).toBe(200);
		expect(call.unrecognized).toEqual([]);
		expect(call.events).toHaveLength(1);
		expect(call.events[0].event).toBe(event);
		if (channel) expect((call.events[0].data as IDataObject).channel).toBe(channel);
	});

	it.each(cases)('%s %s %s: a tampered signature is rejected', async (provider, event, channel) => {
		const body = JSON.stringify(buildSample(provider, event, { channel }));
		const call = await deliverPrepared(provider, prepareRequest(provider, body, { url: 'http://x', secret: SECRET, headerName: HEADER_NAME, tamper: 'signature' }));
		expect(call.status).toBe(401);
		expect(call.result.workflowData).toBeUndefined();
	});

	it.each(['chatzuri', 'buzzbip'])('%s: a body changed after signing is rejected', async (provider) => {
		const event = PROVIDERS[provider].events[0].value;
		const body = JSON.stringify(buildSample(provider, event));
		const call = await deliverPrepared(provider, prepareRequest(provider, body, { url: 'http://x', secret: SECRET, tamper: 'body' }));
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason: 'signature mismatch' });
	});

	it('signs BuzzBip in base64 and with the sha256= prefix too', async () => {
		const body = JSON.stringify(buildSample('buzzbip', 'message.sent'));
		const request = prepareRequest('buzzbip', body, { url: 'http://x', secret: SECRET, encoding: 'base64', withPrefix: true });
		expect(request.headers['X-BuzzBip-Signature']).toMatch(/^sha256=[A-Za-z0-9+/]+=*$/);
		expect((await deliverPrepared('buzzbip', request)).events).toHaveLength(1);
	});

	it('makes fresh ids: two samples of one event are two events', () => {
		const a = buildSample('buzzbip', 'message.received');
		const b = buildSample('buzzbip', 'message.received');
		expect(a.id).not.toBe(b.id);
		expect(buildSample('tracebuzz', 'newResult', { overrides: { own: 1, 'extra.note': 'x' } })).toMatchObject({ own: 1, extra: { note: 'x' } });
	});
});

describe('send: every Verified Webhook Trigger preset', () => {
	const verified = new VerifiedWebhookTrigger();
	const presetCases = Object.entries(PRESET_EVENTS).flatMap(([preset, events]) => events.map((event) => [preset, event] as const));
	const secretFor = (preset: string) => (preset === 'standardWebhooks' ? `whsec_${Buffer.from('a-32-byte-key-for-standard-hooks').toString('base64')}` : 'preset-secret');

	beforeEach(() => resetDedupeStores());

	it.each(presetCases)('%s %s: accepted as that event; tampered, refused', async (preset, event) => {
		const body = JSON.stringify(buildPresetSample(findPreset(preset)!, event));
		const request = prepareRequest(preset, body, { url: 'http://x', secret: secretFor(preset), event });
		const call = await callWebhook(verified, { body: request.body, headers: request.headers }, { credentials: { secret: secretFor(preset) }, parameters: { preset } });
		expect(call.status).toBe(200);
		expect(call.events).toHaveLength(1);
		expect(call.events[0]).toMatchObject({ provider: preset, event });
		const tampered = prepareRequest(preset, body, { url: 'http://x', secret: secretFor(preset), event, tamper: 'signature' });
		const refused = await callWebhook(verified, { body: tampered.body, headers: tampered.headers }, { credentials: { secret: secretFor(preset) }, parameters: { preset } });
		expect(refused.status).toBe(401);
	});
});

describe('send over HTTP', () => {
	let server: Server;
	let url: string;
	const emitted: IDataObject[] = [];

	beforeAll(async () => {
		// a stand-in for n8n's webhook route: each request runs the trigger's real webhook()
		server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', async () => {
				const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
				const call = await callWebhook(NODES.buzzbip, { body: Buffer.concat(chunks), headers }, { credentials: credentialsFor(PROVIDERS.buzzbip), staticData: {} });
				emitted.push(...call.events);
				res.writeHead(call.status ?? 500, { 'content-type': 'application/json' });
				res.end(JSON.stringify(call.body));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/x/webhook`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
	beforeEach(() => {
		resetDedupeStores();
		emitted.length = 0;
	});

	it('--repeat 5 --concurrency 5 of one event starts one execution', async () => {
		const out: string[] = [];
		const status = await main(['send', 'buzzbip', 'message.received', '--url', url, '--repeat', '5', '--concurrency', '5', '--json'], { VERIFIED_WEBHOOKS_SECRET: SECRET }, { log: (l) => out.push(l), error: (l) => out.push(l) });
		expect(status).toBe(0);
		const report = JSON.parse(out[0]);
		expect(report.summary.byStatus).toEqual({ 200: 5 });
		expect(emitted).toHaveLength(1);
	});

	it('--count 3 sends three distinct events', async () => {
		const results = await sendMany((i) => prepareRequest('buzzbip', JSON.stringify(buildSample('buzzbip', 'message.sent', { overrides: { id: `evt_${i}` } })), { url, secret: SECRET }), 3, 2);
		expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
		expect(emitted.map((e) => e.eventId).sort()).toEqual(['evt_0', 'evt_1', 'evt_2']);
	});

	it('--tamper signature expects and gets 401 (exit 0)', async () => {
		const status = await main(['send', 'buzzbip', 'message.failed', '--url', url, '--secret', SECRET, '--tamper', 'signature'], {}, { log: () => undefined, error: () => undefined });
		expect(status).toBe(0);
		expect(emitted).toHaveLength(0);
	});

	it('a wrong secret exits 1 and says how many answers were not 2xx', async () => {
		const errors: string[] = [];
		const status = await main(['send', 'buzzbip', 'message.failed', '--url', url, '--secret', 'wrong'], {}, { log: () => undefined, error: (l) => errors.push(l) });
		expect(status).toBe(1);
		expect(errors.join('\n')).toContain('1 of 1 answers were not 2xx');
	});
});

describe('send: errors that say what to do', () => {
	const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
		const out: string[] = [];
		const errors: string[] = [];
		const status = await main(argv, env, { log: (l) => out.push(l), error: (l) => errors.push(l) });
		return { status, out: out.join('\n'), errors: errors.join('\n') };
	};

	it('unknown provider', async () => {
		const r = await run(['send', 'zendesk', 'ticket', '--secret', 'x', '--url', 'http://127.0.0.1:1']);
		expect(r.status).toBe(2);
		expect(r.errors).toContain(`unknown provider "zendesk". Known providers: ${Object.keys(PROVIDERS).join(', ')}; Verified Webhook Trigger presets: github, stripe, slack, shopify, standardWebhooks`);
		expect(r.errors).toMatch(/Known providers: buzzeasy, tracebuzz, chatzuri, buzzbip, apirtc[,;]/);
	});

	it('unknown event', async () => {
		const r = await run(['send', 'buzzbip', 'message.read', '--secret', 'x', '--url', 'http://127.0.0.1:1']);
		expect(r.status).toBe(2);
		expect(r.errors).toContain('unknown BuzzBip event "message.read". Known events: message.received,');
	});

	it('missing secret names the flag and the environment variable', async () => {
		const r = await run(['send', 'buzzbip', 'message.sent', '--url', 'http://127.0.0.1:1']);
		expect(r.status).toBe(2);
		expect(r.errors).toContain('pass --secret <secret> or set VERIFIED_WEBHOOKS_SECRET');
	});

	it.each(['tracebuzz', 'apirtc'])('%s: without --header-name, the credential\'s default header name (X-Webhook-Secret)', async (provider) => {
		const event = PROVIDERS[provider].events[0].value;
		const r = await run(['send', provider, event, '--dry-run', '--json'], { VERIFIED_WEBHOOKS_SECRET: 'a-default-header-secret' });
		expect(r.status).toBe(0);
		const [request] = JSON.parse(r.out);
		expect(request.headers['X-Webhook-Secret']).toBe('[secret]');
		// a trigger whose credential kept its default Header Name accepts it as it is
		const sent = prepareRequest(provider, request.body, { url: 'http://x', secret: 'a-default-header-secret', headerName: 'X-Webhook-Secret' });
		const c = PROVIDERS[provider].credential;
		const call = await callWebhook(NODES[provider], { body: sent.body, headers: sent.headers }, { credentials: { [c.secret]: 'a-default-header-secret', [c.headerName!]: 'X-Webhook-Secret' } });
		expect(call.status).toBe(200);
		expect(call.events).toHaveLength(1);
	});

	it('unreachable URL exits 1 and suggests npm start', async () => {
		const r = await run(['send', 'buzzeasy', 'workItem', '--secret', 'x', '--url', 'http://127.0.0.1:1/webhook/x/webhook']);
		expect(r.status).toBe(1);
		expect(r.errors).toContain('Could not reach http://127.0.0.1:1/webhook/x/webhook');
		expect(r.errors).toContain('npm start');
	});

	it('--dry-run prints the request without the secret and sends nothing', async () => {
		const r = await run(['send', 'buzzeasy', 'workItem', '--dry-run', '--json'], { VERIFIED_WEBHOOKS_SECRET: 'top-secret-key' });
		expect(r.status).toBe(0);
		const [request] = JSON.parse(r.out);
		expect(request.headers['x-api-key']).toBe('[secret]');
		expect(r.out).not.toContain('top-secret-key');
		expect(JSON.parse(request.body)).toMatchObject({ mediaType: 'Webchat', result: 'Handled' });
	});

	it('help and list', async () => {
		expect((await run(['--help'])).out).toContain('Options of send:');
		const list = await run(['list', '--json']);
		const listed = JSON.parse(list.out).map((p: { provider: string }) => p.provider);
		expect(listed).toEqual([...Object.keys(PROVIDERS), 'github', 'stripe', 'slack', 'shopify', 'standardWebhooks']);
		expect(listed.slice(0, 5)).toEqual(['buzzeasy', 'tracebuzz', 'chatzuri', 'buzzbip', 'apirtc']);
	});
});
