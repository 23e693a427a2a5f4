/**
 * The unit tests' callWebhook runs a trigger inside n8n-core's own WebhookContext. These tests hold
 * it to that: what a trigger sees is what n8n 2.41.1 computes (parameter defaults and expressions,
 * credential defaults, static data, the request body as n8n's webhook server reads it), not what a
 * hand-written fake would answer.
 */
import { WebhookContext } from 'n8n-core';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { BuzzeasyTrigger } from '../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { callWebhook } from './webhookContext';

interface Seen {
	context: unknown;
	options: IDataObject;
	events: unknown;
	credentials: IDataObject;
	node: { type: string; typeVersion: number; name: string; parameters: IDataObject };
	mode: string;
	workflow: { id?: string; active: boolean };
	rawBodyBeforeReading: unknown;
	rawBody?: string;
	readError?: string;
	body: unknown;
}

/** A Buzzeasy Trigger whose webhook() records what n8n hands it, then answers like the real one. */
class Probe extends BuzzeasyTrigger {
	seen: Seen[] = [];

	constructor() {
		super();
		const seen = this.seen;
		const real = BuzzeasyTrigger.prototype.webhook;
		this.webhook = async function (this: IWebhookFunctions): Promise<IWebhookResponseData> {
			const req = this.getRequestObject();
			const record: Seen = {
				context: this,
				options: this.getNodeParameter('options', {}) as IDataObject,
				events: this.getNodeParameter('events'),
				credentials: (await this.getCredentials('buzzeasyApi')) as IDataObject,
				node: this.getNode() as unknown as Seen['node'],
				mode: this.getMode(),
				workflow: this.getWorkflow(),
				rawBodyBeforeReading: req.rawBody,
				body: this.getBodyData(),
			};
			try {
				await req.readRawBody();
				record.rawBody = req.rawBody.toString('utf8');
			} catch (error) {
				record.readError = (error as Error).message;
			}
			seen.push(record);
			return await real.call(this);
		};
	}
}

const SECRET = 'probe-secret-0123456789';

describe('callWebhook runs the trigger in n8n-core 2.41.1', () => {
	beforeEach(() => resetDedupeStores());

	it("hands webhook() n8n-core's WebhookContext, with the node under its community-package name", async () => {
		const probe = new Probe();
		await callWebhook(probe, { body: '{}', headers: { 'x-api-key': SECRET } }, { credentials: { apiKey: SECRET } });
		const [seen] = probe.seen;
		expect(seen.context).toBeInstanceOf(WebhookContext);
		expect(seen.node).toMatchObject({ type: 'n8n-nodes-verified-webhooks.buzzeasyTrigger', typeVersion: 2, name: 'Trigger' });
		expect(seen.mode).toBe('webhook');
		expect(seen.workflow).toEqual({ id: 'wf-1', name: 'Test', active: true });
	});

	it("resolves parameters n8n's way: defaults filled in, unknown ones dropped, expressions evaluated", async () => {
		const probe = new Probe();
		await callWebhook(
			probe,
			{ body: '{}', headers: { 'x-api-key': SECRET } },
			{ credentials: { apiKey: SECRET }, parameters: { notAParameter: 'x', options: { includeRawBody: '={{ 1 === 1 }}', dedupeWindowHours: '={{ 2 * 3 }}' } } },
		);
		const [seen] = probe.seen;
		// `events` was not given: n8n fills in the description's default (a fake returned the fallback)
		expect(seen.events).toEqual([]);
		expect(seen.options).toEqual({ includeRawBody: true, dedupeWindowHours: 6 });
		expect(seen.node.parameters).not.toHaveProperty('notAParameter');
	});

	it('gives the credential as n8n decrypts it: JSON, the type’s defaults, only its fields, expressions resolved', async () => {
		const probe = new Probe();
		await callWebhook(probe, { body: '{}', headers: { 'x-api-key': SECRET } }, { credentials: { apiKey: `={{ "${SECRET}" }}`, extra: 'dropped', previousApiKey: undefined } });
		expect(probe.seen[0].credentials).toEqual({ apiKey: SECRET, previousApiKey: '' });
	});

	it('answers as n8n does when the node has no credential set', async () => {
		const call = await callWebhook(new BuzzeasyTrigger(), { body: '{}', headers: { 'x-api-key': SECRET } }, { credentials: null });
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason: 'no credential is set on the trigger' });
	});

	it("keeps the trigger's static data where n8n's Workflow.getStaticData puts it, change-tracked", async () => {
		const staticData: IDataObject = {};
		await callWebhook(new BuzzeasyTrigger(), { body: '{"id":"w1","mediaType":"Webchat"}', headers: { 'x-api-key': SECRET } }, { credentials: { apiKey: SECRET }, staticData });
		expect(Object.keys(staticData)).toEqual(['node:Trigger']);
		// n8n saves a workflow's static data after the request when this flag is set
		expect((staticData as { __dataChanged?: boolean }).__dataChanged).toBe(true);
	});

	it('reads the body as n8n 2.41.1 does: version 2 reads only parsable types before the node, version 1 every type', async () => {
		const body = '{"id":"w1"}';
		const headers = { 'x-api-key': SECRET, 'content-type': 'application/octet-stream' };
		const v2 = new Probe();
		await callWebhook(v2, { body, headers }, { credentials: { apiKey: SECRET } });
		expect(v2.seen[0]).toMatchObject({ rawBodyBeforeReading: undefined, rawBody: body, body: undefined });
		const v1 = new Probe();
		await callWebhook(v1, { body, headers }, { credentials: { apiKey: SECRET }, typeVersion: 1 });
		expect(Buffer.isBuffer(v1.seen[0].rawBodyBeforeReading)).toBe(true);
		const json = new Probe();
		await callWebhook(json, { body, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } }, { credentials: { apiKey: SECRET } });
		expect(json.seen[0]).toMatchObject({ rawBody: body, body: { id: 'w1' } });
		expect(Buffer.isBuffer(json.seen[0].rawBodyBeforeReading)).toBe(true);
	});

	it('lets n8n answer 422 itself to a body that is not the JSON its Content-Type says; the trigger never runs', async () => {
		const probe = new Probe();
		const call = await callWebhook(probe, { body: '{"id":', headers: { 'x-api-key': SECRET, 'content-type': 'application/json' } }, { credentials: { apiKey: SECRET } });
		expect(probe.seen).toHaveLength(0);
		expect(call.refusedByN8n).toBe(true);
		expect(call.status).toBe(422);
		expect(call.body).toMatchObject({ code: 422, message: 'Failed to parse request body' });
	});

	it('consumes a multipart body as n8n\'s form parser does: no raw body, and reading it fails', async () => {
		const probe = new Probe();
		await callWebhook(probe, { body: '{}', headers: { 'x-api-key': SECRET, 'content-type': 'multipart/form-data; boundary=b' } }, { credentials: { apiKey: SECRET } });
		expect(probe.seen[0]).toMatchObject({ rawBodyBeforeReading: undefined, readError: 'Request body stream was aborted or is not readable', body: { data: {}, files: {} } });
	});

	it('decodes a gzip body when the trigger reads it, as n8n does', async () => {
		const { gzipSync } = await import('node:zlib');
		const probe = new Probe();
		await callWebhook(probe, { body: gzipSync('{"id":"w1"}'), headers: { 'x-api-key': SECRET, 'content-encoding': 'gzip' } }, { credentials: { apiKey: SECRET } });
		expect(probe.seen[0].rawBody).toBe('{"id":"w1"}');
	});
});
