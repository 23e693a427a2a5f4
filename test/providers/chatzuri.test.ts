import { createHmac } from 'crypto';

import { ChatzuriTrigger } from '../../nodes/ChatzuriTrigger/ChatzuriTrigger.node';
import { CHANNELS, chatzuri } from '../../nodes/ChatzuriTrigger/chatzuri.definition';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { ALL_EXAMPLES } from '../fixtures/chatzuri';
import { credentialsFor, deliver, SECRET } from '../helpers/contract';
import { callWebhook } from '../helpers/webhookContext';

const node = new ChatzuriTrigger();
const blocks = ALL_EXAMPLES.map((example) => example.body);
const channelExamples = blocks.filter((b) => b.eventType === 'message.received');
const leadFields = blocks.find((b) => 'customerEmail' in b)!;
const acknowledgement = blocks.find((b) => b.status === 'accepted');
/** The document gives lead.submit's payload as field types: fill them in. */
const leadExample = {
	eventType: 'lead.submit',
	agentId: 'agent_abc123',
	payload: Object.fromEntries(Object.keys(leadFields).map((key) => [key, key === 'customerEmail' ? 'jane@example.com' : `${key}-value`])),
};


describe('Chatzuri Trigger', () => {
	beforeEach(() => resetDedupeStores());

	it('covers every channel the document names', () => {
		expect(channelExamples.map((b) => b.channel).sort()).toEqual([...CHANNELS].sort());
		expect(acknowledgement).toEqual({ status: 'accepted' });
	});

	it.each(channelExamples.map((b) => [b.channel as string, b]))('turns the %s example into an item and answers {"status":"accepted"}', async (_, example) => {
		const body = JSON.stringify(example);
		const call = await deliver(node, chatzuri, body);
		expect(call.status).toBe(200);
		expect(call.body).toEqual({ status: 'accepted' });
		const { receivedAt, ...item } = call.events[0];
		expect(Date.parse(receivedAt as string)).not.toBeNaN();
		expect(item).toEqual({
			provider: 'chatzuri',
			event: 'message.received',
			eventId: null,
			occurredAt: null,
			deliveryKey: bodyKey(body),
			data: example,
		});
	});

	it('turns a lead into an item', async () => {
		const call = await deliver(node, chatzuri, leadExample);
		expect(call.events[0]).toMatchObject({ provider: 'chatzuri', event: 'lead.submit', data: leadExample });
	});

	it('answers {"status":"accepted"} to duplicates and filtered events too', async () => {
		await deliver(node, chatzuri, channelExamples[0]);
		const duplicate = await deliver(node, chatzuri, channelExamples[0]);
		expect(duplicate.body).toEqual({ status: 'accepted' });
		expect(duplicate.result.workflowData).toBeUndefined();
		const filtered = await deliver(node, chatzuri, channelExamples[1], { parameters: { channels: ['web'] } });
		expect(filtered.body).toEqual({ status: 'accepted' });
		expect(filtered.result.workflowData).toBeUndefined();
	});

	it('lets only the selected channels through, and leads without a channel', async () => {
		const parameters = { channels: ['telegram', 'email'] };
		const passed: string[] = [];
		for (const example of channelExamples) {
			const call = await deliver(node, chatzuri, example, { parameters });
			if (call.events.length) passed.push(example.channel as string);
		}
		expect(passed.sort()).toEqual(['email', 'telegram']);
		expect((await deliver(node, chatzuri, leadExample, { parameters })).events).toHaveLength(1);
	});

	it('accepts the signature the provider\'s own sample computes, over JSON.stringify(parsed body)', async () => {
		// the body as a sender pretty-prints it; the sample signs the compact re-serialization
		const raw = JSON.stringify(channelExamples[2], null, 2);
		const sampleSignature = createHmac('sha1', SECRET).update(Buffer.from(JSON.stringify(JSON.parse(raw)))).digest('hex');
		const call = await callWebhook(node, { body: raw, headers: { 'x-chatzuri-signature': sampleSignature } }, { credentials: credentialsFor(chatzuri) });
		expect(call.status).toBe(200);
		expect(call.events).toHaveLength(1);
		expect(call.events[0].data).toEqual(channelExamples[2]);
	});

	it('accepts a signature over the raw bytes', async () => {
		const raw = JSON.stringify(channelExamples[3], null, 2);
		const signature = createHmac('sha1', SECRET).update(raw).digest('hex');
		const call = await callWebhook(node, { body: raw, headers: { 'X-Chatzuri-Signature': signature } }, { credentials: credentialsFor(chatzuri) });
		expect(call.status).toBe(200);
	});

	it('rejects a message whose text is missing, keeping it on the Unrecognized output', async () => {
		const example = channelExamples[0] as { payload: Record<string, unknown> };
		const { message, ...payload } = example.payload;
		expect(message).toBeDefined();
		const call = await deliver(node, chatzuri, { ...example, payload });
		expect(call.events).toHaveLength(0);
		expect(call.unrecognized[0].issues).toEqual([expect.objectContaining({ path: 'payload.message' })]);
		expect(call.body).toEqual({ status: 'accepted' });
	});
});
