/**
 * The request pipeline's per-node state (nodes/shared/pipeline.ts): the Allowed IP Addresses
 * option parsed once per text, the "events carry ids" hint kept per node, and the item built by
 * one builder for both outputs.
 */
import * as crypto from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import { BuzzeasyTrigger } from '../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { OFF_THREAD_HASH_BYTES } from '../../nodes/shared/core/hash';
import * as ipAllowList from '../../nodes/shared/core/ipAllowList';
import { callWebhook } from '../helpers/webhookContext';

beforeEach(() => resetDedupeStores());
afterEach(() => jest.restoreAllMocks());

const SECRET = 'pipeline-secret-0123';
const buzzeasy = new BuzzeasyTrigger();
const workItem = (id: string) =>
	JSON.stringify({ id, mediaType: 'Webchat', isOutbound: true, createdAt: '2022-03-08T07:39:47.6052457Z', closedAt: '2022-03-08T07:41:47.6052457Z', agent: { id: 'a1', name: 'Agent', email: 'a@b.c', phone: '+1' }, result: 'Handled' });
const sendBuzzeasy = (body: string, options: IDataObject, ip = '127.0.0.1') => callWebhook(buzzeasy, { body, headers: { 'x-api-key': SECRET }, ip }, { credentials: { apiKey: SECRET }, parameters: { options } });

describe('Allowed IP Addresses', () => {
	it('is parsed once per text, and a changed text is parsed anew', async () => {
		const parse = jest.spyOn(ipAllowList, 'parseAllowList');
		const text = '198.51.100.0/24, 127.0.0.1 ';
		for (let i = 0; i < 5; i++) expect((await sendBuzzeasy(workItem(`w${i}`), { allowedIps: text })).status).toBe(200);
		expect(parse.mock.calls.filter(([arg]) => arg === text)).toHaveLength(1);
		expect((await sendBuzzeasy(workItem('w9'), { allowedIps: text }, '10.0.0.1')).body).toEqual({ error: 'forbidden', reason: 'source address not allowed' });
		// another text: its own answer, not the cached one
		const other = '10.0.0.0/8';
		expect((await sendBuzzeasy(workItem('w10'), { allowedIps: other }, '10.0.0.1')).status).toBe(200);
		expect((await sendBuzzeasy(workItem('w11'), { allowedIps: other })).body).toEqual({ error: 'forbidden', reason: 'source address not allowed' });
		expect((await sendBuzzeasy(workItem('w12'), { allowedIps: 'not-an-address' })).body).toEqual({ error: 'forbidden', reason: 'allowed addresses option is invalid' });
		expect((await sendBuzzeasy(workItem('w13'), { allowedIps: 'not-an-address' })).body).toEqual({ error: 'forbidden', reason: 'allowed addresses option is invalid' });
		expect(parse.mock.calls.filter(([arg]) => arg === 'not-an-address')).toHaveLength(1);
	});
});

describe('the "events carry ids" hint', () => {
	const verified = new VerifiedWebhookTrigger();
	const custom = (eventId: boolean): IDataObject => ({
		preset: 'custom',
		scheme: 'hmac',
		algorithm: 'sha256',
		encoding: 'hex',
		signatureHeader: 'X-Sig',
		...(eventId ? { eventIdSource: 'body', eventIdField: 'id' } : {}),
	});
	const large = (id: string) => JSON.stringify({ id, pad: 'x'.repeat(OFF_THREAD_HASH_BYTES) });
	const send = (parameters: IDataObject, body: string, nodeId: string) =>
		callWebhook(
			verified,
			{ body, headers: { 'x-sig': crypto.createHmac('sha256', SECRET).update(body).digest('hex'), 'content-type': 'application/json' } },
			{ credentials: { secret: SECRET, previousSecret: '' }, parameters, nodeId, workflowId: `wf-${nodeId}`, typeVersion: 2 },
		);

	it('is kept per node: a custom trigger whose events carry ids does not stop another custom trigger from hashing early', async () => {
		const subtle = (crypto as unknown as { webcrypto: { subtle: { digest: (...args: unknown[]) => Promise<ArrayBuffer> } } }).webcrypto.subtle;
		const digest = jest.spyOn(subtle, 'digest');
		// node A: ids in the body; after its first event it no longer starts a body hash
		for (const id of ['a1', 'a2', 'a3']) {
			const call = await send(custom(true), large(id), 'node-a');
			expect(call.events[0]).toMatchObject({ eventId: id, deliveryKey: id });
		}
		expect(digest).toHaveBeenCalledTimes(1);
		// node B, also custom, no ids: its body hash still starts off the main thread
		const body = large('b1');
		const call = await send(custom(false), body, 'node-b');
		expect(call.events[0].deliveryKey).toBe(bodyKey(body));
		expect(digest).toHaveBeenCalledTimes(2);
	});
});

describe('the item', () => {
	it('has the same fields in the same order on both outputs, with headers redacted on each when asked', async () => {
		const options = { includeHeaders: true, includeRawBody: true };
		const event = await sendBuzzeasy(workItem('w-item'), options);
		expect(Object.keys(event.events[0])).toEqual(['provider', 'event', 'eventId', 'occurredAt', 'receivedAt', 'deliveryKey', 'data', 'raw', 'headers']);
		expect((event.events[0].headers as IDataObject)['x-api-key']).not.toBe(SECRET);
		const odd = await sendBuzzeasy('{"not":"a work item"}', options);
		expect(Object.keys(odd.unrecognized[0])).toEqual(['provider', 'reason', 'issues', 'receivedAt', 'deliveryKey', 'body', 'raw', 'headers']);
		expect((odd.unrecognized[0].headers as IDataObject)['x-api-key']).not.toBe(SECRET);
		const plain = await sendBuzzeasy(workItem('w-plain'), {});
		expect(Object.keys(plain.events[0])).toEqual(['provider', 'event', 'eventId', 'occurredAt', 'receivedAt', 'deliveryKey', 'data']);
		expect(Object.keys((await sendBuzzeasy('{"not":"one either"}', {})).unrecognized[0])).toEqual(['provider', 'reason', 'issues', 'receivedAt', 'deliveryKey', 'body', 'raw']);
	});
});
