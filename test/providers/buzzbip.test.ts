import { BuzzBipTrigger } from '../../nodes/BuzzBipTrigger/BuzzBipTrigger.node';
import { buzzBip } from '../../nodes/BuzzBipTrigger/buzzbip.definition';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { hmacDigest } from '../../nodes/shared/core/verify';
import { messageReceived } from '../fixtures/buzzbip';
import { credentialsFor, deliver, SECRET } from '../helpers/contract';
import { callWebhook } from '../helpers/webhookContext';

const node = new BuzzBipTrigger();
const seedExample = messageReceived.body;


describe('BuzzBip Trigger', () => {
	beforeEach(() => resetDedupeStores());

	it('turns the documented example into the documented item', async () => {
		const call = await deliver(node, buzzBip, seedExample);
		expect(call.status).toBe(200);
		expect(call.body).toEqual({ status: 'received' });
		const { receivedAt, ...item } = call.events[0];
		expect(typeof receivedAt).toBe('string');
		expect(item).toEqual({
			provider: 'buzzbip',
			event: 'message.received',
			eventId: 'evt_7f3a9b2c',
			occurredAt: '2026-06-01T14:32:00.000Z',
			deliveryKey: 'evt_7f3a9b2c',
			data: {
				messageId: 'msg_abc123',
				conversationId: 'conv_xyz789',
				contactId: 'cnt_def456',
				channel: 'whatsapp',
				body: 'Hello, I need help with my order',
				from: '+21612345678',
			},
		});
	});

	it('emits each of the eight event types', async () => {
		expect(buzzBip.events).toHaveLength(8);
		for (const [i, { value }] of buzzBip.events.entries()) {
			const call = await deliver(node, buzzBip, { ...seedExample, id: `evt_${i}`, type: value });
			expect(call.events).toHaveLength(1);
			expect(call.events[0].event).toBe(value);
			expect(call.events[0].eventId).toBe(`evt_${i}`);
		}
	});

	it('deduplicates a retry by the event id even if the body was re-serialized', async () => {
		expect((await deliver(node, buzzBip, seedExample)).events).toHaveLength(1);
		const retry = await deliver(node, buzzBip, JSON.stringify(seedExample, null, 2));
		expect(retry.status).toBe(200);
		expect(retry.body).toEqual({ status: 'duplicate' });
		expect(retry.result.workflowData).toBeUndefined();
	});

	const body = JSON.stringify(seedExample);
	const digest = hmacDigest('sha256', SECRET, body);
	it.each([
		['hex', digest.toString('hex')],
		['upper-case hex', digest.toString('hex').toUpperCase()],
		['base64', digest.toString('base64')],
		['sha256=hex', `sha256=${digest.toString('hex')}`],
		['sha256=base64', `sha256=${digest.toString('base64')}`],
	])('accepts a %s signature', async (_, signature) => {
		const call = await callWebhook(node, { body, headers: { 'X-BuzzBip-Signature': signature } }, { credentials: credentialsFor(buzzBip) });
		expect(call.status).toBe(200);
		expect(call.events).toHaveLength(1);
	});

	it('says a signature of the wrong form is malformed', async () => {
		const call = await callWebhook(node, { body, headers: { 'X-BuzzBip-Signature': 'sha256=abc' } }, { credentials: credentialsFor(buzzBip) });
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason: 'malformed signature' });
	});
});
