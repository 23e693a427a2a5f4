import { ApiRtcTrigger } from '../../nodes/ApiRtcTrigger/ApiRtcTrigger.node';
import { apiRtc } from '../../nodes/ApiRtcTrigger/apirtc.definition';
import { nestDottedKeys } from '../../nodes/shared/core/json';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { conversationUpdate, ticketUpdate } from '../fixtures/apirtc';
import { deliver, signedHeaders } from '../helpers/contract';

const node = new ApiRtcTrigger();
const [ticketExample, conversationExample] = [ticketUpdate.body, conversationUpdate.body];


describe('ApiRTC Trigger', () => {
	beforeEach(() => resetDedupeStores());

	it('sends User-Agent: Cloud Apizee when signing as ApiRTC', () => {
		expect(signedHeaders(apiRtc, '{}')['User-Agent']).toBe('Cloud Apizee');
	});

	it('turns the ticket example into a ticket.update item', async () => {
		const body = JSON.stringify(ticketExample);
		const call = await deliver(node, apiRtc, body);
		const { receivedAt, ...item } = call.events[0];
		expect(Date.parse(receivedAt as string)).not.toBeNaN();
		expect(item).toEqual({
			provider: 'apirtc',
			event: 'ticket.update',
			eventId: null,
			occurredAt: '2019-12-10T11:13:33.000Z',
			deliveryKey: bodyKey(body),
			data: ticketExample,
		});
	});

	it('turns the conversation example into a conversation.update item', async () => {
		const call = await deliver(node, apiRtc, conversationExample);
		expect(call.events[0]).toMatchObject({
			provider: 'apirtc',
			event: 'conversation.update',
			eventId: null,
			occurredAt: '2021-09-20T13:25:06.000Z',
			data: conversationExample,
		});
	});

	it('nests dotted props (geoloc.lat, _parent.id) and reads their numbers', async () => {
		const body = { event: 'update', time: 1575976500, object: 'ticket', objectId: 100, props: { state: 'inprogress', 'geoloc.lat': '47.866675', 'geoloc.lng': -3.865805 } };
		const call = await deliver(node, apiRtc, body);
		expect(call.events[0].data).toEqual({ ...body, props: { state: 'inprogress', geoloc: { lat: 47.866675, lng: -3.865805 } } });
		const media = { event: 'create', time: 1575977000, object: 'media', objectId: 2001, props: { state: 'completed', '_parent.name': 'ticket', '_parent.id': 100 } };
		const mediaCall = await deliver(node, apiRtc, media);
		expect(mediaCall.events[0].event).toBe('media.create');
		expect((mediaCall.events[0].data as { props: unknown }).props).toEqual({ state: 'completed', _parent: { name: 'ticket', id: 100 } });
	});

	it('never lets a dotted __proto__ path reach a prototype', () => {
		const nested = nestDottedKeys({ '__proto__.polluted': 'yes', 'a.constructor.prototype': 1, 'b.c': 2 });
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(nested).toEqual({ '__proto__.polluted': 'yes', 'a.constructor.prototype': 1, b: { c: 2 } });
	});

	it('F9: a dotted prop beside a value of its first part keeps both, in either order and at any depth', async () => {
		const body = (props: Record<string, unknown>) => ({ event: 'update', time: 1575976500, object: 'ticket', objectId: 100, props });
		const first = await deliver(node, apiRtc, body({ 'geoloc.lat': 1, geoloc: 5 }));
		expect((first.events[0].data as { props: unknown }).props).toEqual({ 'geoloc.lat': 1, geoloc: 5 });
		const second = await deliver(node, apiRtc, body({ geoloc: 5, 'geoloc.lat': 1, 'geoloc.lng': 2 }));
		expect((second.events[0].data as { props: unknown }).props).toEqual({ geoloc: 5, 'geoloc.lat': 1, 'geoloc.lng': 2 });
		const deeper = await deliver(node, apiRtc, body({ 'a.b.c': 1, 'a.b': { c: 2 }, 'a.d': 3, state: 'open' }));
		expect((deeper.events[0].data as { props: unknown }).props).toEqual({ 'a.b.c': 1, 'a.b': { c: 2 }, a: { d: 3 }, state: 'open' });
	});

	it('sends a body nested deeper than 1000 levels to Unrecognized with the reason and the raw body, or refuses it (400)', async () => {
		const text = JSON.stringify({ ...ticketExample, time: 1575976999 }).replace('"props":{', `"props":{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},`);
		const routed = await deliver(node, apiRtc, text);
		expect(routed.status).toBe(200);
		expect(routed.events).toHaveLength(0);
		expect(routed.unrecognized).toHaveLength(1);
		expect(routed.unrecognized[0]).toMatchObject({ provider: 'apirtc', reason: 'body is nested deeper than 1000 levels', issues: [{ path: '', message: 'body is nested deeper than 1000 levels' }], body: null, raw: text });
		const refused = await deliver(node, apiRtc, text, { parameters: { options: { onUnrecognized: 'reject' } } });
		expect(refused.status).toBe(400);
		expect(refused.body).toEqual({ error: 'unrecognized payload', issues: [{ path: '', message: 'body is nested deeper than 1000 levels' }] });
		// 1000 levels in all (the body, props, 998 arrays): an event
		const deepest = JSON.stringify({ ...ticketExample, time: 1575976998 }).replace('"props":{', `"props":{"deep":${'['.repeat(998)}${']'.repeat(998)},`);
		expect((await deliver(node, apiRtc, deepest)).events).toHaveLength(1);
	});

	it('names every object and action as <object>.<event>', async () => {
		const seen: string[] = [];
		for (const object of ['ticket', 'media', 'conversation']) {
			for (const action of ['create', 'update', 'delete']) {
				const call = await deliver(node, apiRtc, { ...ticketExample, object, event: action, time: 1575976413 + seen.length });
				seen.push(call.events[0].event as string);
			}
		}
		expect(seen).toEqual(apiRtc.events.map((e) => e.value));
	});

	it('filters by object and by state', async () => {
		const byObject = await deliver(node, apiRtc, ticketExample, { parameters: { objects: ['conversation'] } });
		expect(byObject.result.workflowData).toBeUndefined();
		expect((await deliver(node, apiRtc, conversationExample, { parameters: { objects: ['conversation'] } })).events).toHaveLength(1);
		resetDedupeStores();
		expect((await deliver(node, apiRtc, ticketExample, { parameters: { states: ['done', 'closed'] } })).result.workflowData).toBeUndefined();
		expect((await deliver(node, apiRtc, ticketExample, { parameters: { states: ['invited'] } })).events).toHaveLength(1);
	});
});
