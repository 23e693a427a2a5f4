import { BuzzeasyTrigger } from '../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node';
import { buzzeasy } from '../../nodes/BuzzeasyTrigger/buzzeasy.definition';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { workItemSchema } from '../fixtures/buzzeasy';
import { credentialsFor, deliver, PREVIOUS, SECRET } from '../helpers/contract';
import { callWebhook } from '../helpers/webhookContext';

const node = new BuzzeasyTrigger();
const schemaDocument = workItemSchema.body as { examples: Array<Record<string, unknown>>; required: string[] };
const [seedExample] = schemaDocument.examples;


describe('Buzzeasy Trigger', () => {
	beforeEach(() => resetDedupeStores());

	it('turns the work item of the schema into the documented item', async () => {
		const body = JSON.stringify(seedExample);
		const call = await deliver(node, buzzeasy, body);
		expect(call.status).toBe(200);
		expect(call.body).toEqual({ status: 'received' });
		const { receivedAt, ...item } = call.events[0];
		expect(Date.parse(receivedAt as string)).not.toBeNaN();
		expect(item).toEqual({
			provider: 'buzzeasy',
			event: 'workItem',
			eventId: null,
			occurredAt: '2022-03-08T07:41:47.605Z',
			deliveryKey: bodyKey(body),
			data: seedExample,
		});
	});

	it('checks x-api-key against the key and the previous key', async () => {
		const body = JSON.stringify(seedExample);
		for (const [key, status] of [[SECRET, 200], [PREVIOUS, 200], ['guess', 401], [`${SECRET} `, 401]] as const) {
			resetDedupeStores();
			const call = await callWebhook(node, { body, headers: { 'X-API-KEY': key } }, { credentials: credentialsFor(buzzeasy) });
			expect(call.status).toBe(status);
		}
	});

	it('treats every field the schema requires as required', async () => {
		for (const field of schemaDocument.required) {
			const body = { ...seedExample };
			delete body[field];
			const call = await deliver(node, buzzeasy, body);
			expect(call.events).toHaveLength(0);
			expect(call.unrecognized).toHaveLength(1);
			expect(call.unrecognized[0].issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
		}
	});

	it('keeps fields Buzzeasy adds later instead of refusing the work item', async () => {
		const call = await deliver(node, buzzeasy, { ...seedExample, queue: 'Sales' });
		expect(call.events[0].data).toEqual({ ...seedExample, queue: 'Sales' });
	});

	it('falls back to createdAt when the work item is not closed', async () => {
		const call = await deliver(node, buzzeasy, { ...seedExample, closedAt: null });
		expect(call.events[0].occurredAt).toBe('2022-03-08T07:39:47.605Z');
	});
});
