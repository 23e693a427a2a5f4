import { TracebuzzTrigger } from '../../nodes/TracebuzzTrigger/TracebuzzTrigger.node';
import { tracebuzz } from '../../nodes/TracebuzzTrigger/tracebuzz.definition';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import * as tracebuzzDocument from '../fixtures/tracebuzz';
import { credentialsFor, deliver, HEADER_NAME, SECRET } from '../helpers/contract';
import { callWebhook } from '../helpers/webhookContext';

const node = new TracebuzzTrigger();
const [customerMessage, agentMessage, caseClosed, profileMerged] = [
	tracebuzzDocument.newIncomingMessage,
	tracebuzzDocument.includeOwnMessage,
	tracebuzzDocument.caseClosed,
	tracebuzzDocument.changesInPersonId,
].map((example) => example.body);


describe('Tracebuzz Trigger', () => {
	beforeEach(() => resetDedupeStores());

	const strip = (item: Record<string, unknown>) => {
		const { receivedAt, ...rest } = item;
		expect(Date.parse(receivedAt as string)).not.toBeNaN();
		return rest;
	};

	it('turns a new customer message into an item with readable codes', async () => {
		const call = await deliver(node, tracebuzz, customerMessage);
		expect(call.status).toBe(200);
		expect(strip(call.events[0])).toEqual({
			provider: 'tracebuzz',
			event: 'newResult',
			eventId: null,
			occurredAt: '2022-09-22T07:30:26.000Z',
			deliveryKey: bodyKey(JSON.stringify(customerMessage)),
			data: { ...customerMessage, type: 'privateMessage', author: 'customer' },
		});
	});

	it('drops own (agent) messages unless they are included', async () => {
		const dropped = await deliver(node, tracebuzz, agentMessage);
		expect(dropped.status).toBe(200);
		expect(dropped.result.workflowData).toBeUndefined();
		expect(dropped.body).toEqual({ status: 'ignored', reason: 'include own (agent) messages not selected' });

		const included = await deliver(node, tracebuzz, agentMessage, { parameters: { includeOwnMessages: true } });
		expect(included.events).toHaveLength(1);
		expect(included.events[0].data).toEqual({ ...agentMessage, type: 'privateMessage', author: 'agent' });
	});

	it('turns a closed case into an item, externalPersonId false as null', async () => {
		const call = await deliver(node, tracebuzz, caseClosed);
		expect(strip(call.events[0])).toEqual({
			provider: 'tracebuzz',
			event: 'caseClosed',
			eventId: null,
			occurredAt: '2022-09-22T11:16:56.000Z',
			deliveryKey: bodyKey(JSON.stringify(caseClosed)),
			data: { ...caseClosed, externalPersonId: null },
		});
	});

	it('turns a profile merge into an item', async () => {
		const call = await deliver(node, tracebuzz, profileMerged);
		expect(strip(call.events[0])).toEqual({
			provider: 'tracebuzz',
			event: 'profileMerged',
			eventId: null,
			occurredAt: '2022-09-22T11:16:56.000Z',
			deliveryKey: bodyKey(JSON.stringify(profileMerged)),
			data: profileMerged,
		});
	});

	it('reads integers sent as strings as numbers', async () => {
		const call = await deliver(node, tracebuzz, { ...profileMerged, oldPersonId: '12', newPersonId: '34' });
		expect(call.events[0].data).toEqual({ ...profileMerged, oldPersonId: 12, newPersonId: 34 });
	});

	it.each([
		['an empty body', ''],
		['an empty object', '{}'],
		['an object that names no event', '{"test":true}'],
	])('answers the test call on save (%s) with 200 and starts nothing', async (_, body) => {
		const call = await callWebhook(node, { body, headers: { [HEADER_NAME.toLowerCase()]: SECRET } }, { credentials: credentialsFor(tracebuzz), parameters: { options: { onUnrecognized: 'reject' } } });
		expect(call.status).toBe(200);
		expect(call.result.workflowData).toBeUndefined();
	});

	it('still requires the header on the test call', async () => {
		const call = await callWebhook(node, { body: '' }, { credentials: credentialsFor(tracebuzz) });
		expect(call.status).toBe(401);
		expect(call.body).toEqual({ error: 'unauthorized', reason: 'authentication header missing or does not match' });
	});

	it('keeps an authenticated body that does not parse, on the Unrecognized output', async () => {
		const call = await callWebhook(node, { body: '{"event":', headers: { [HEADER_NAME]: SECRET } }, { credentials: credentialsFor(tracebuzz) });
		expect(call.status).toBe(200);
		expect(call.unrecognized[0]).toMatchObject({ reason: 'body is not valid JSON', raw: '{"event":', body: null });
	});
});
