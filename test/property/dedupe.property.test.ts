/**
 * Deduplication under concurrency, floods and restarts, for every trigger:
 *   - many distinct events, each delivered several times at once (shuffled, interleaved): each
 *     event starts exactly one execution, every other delivery is answered 200 and starts nothing;
 *   - after a simulated n8n restart (static data reloaded from a JSON copy, in-process stores
 *     gone), every one of those deliveries is still a duplicate, and new events still pass;
 *   - a flood of unique events keeps the store (memory and static data) inside its bound, evicting
 *     the oldest first: the newest `bound` are still caught, the oldest is not remembered.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { dedupeStoreFor, resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import {
	announce,
	authHeaders,
	callWebhook,
	credentialsFor,
	expectSafeCall,
	fcParams,
	freshScope,
	PREVIOUS,
	runs,
	SECRET,
	TRIGGERS,
	uniqueSample,
	type Trigger,
} from './support';
import type { WebhookCall } from '../helpers/webhookContext';

const label = announce('test/property/dedupe.property.test.ts');
jest.setTimeout(300_000);
afterEach(() => resetDedupeStores());

type Scope = ReturnType<typeof freshScope>;

interface Delivery {
	event: number;
	text: string;
}

/** One delivery of `text`, signed with the current or previous secret, after `yields` turns of the event loop's microtasks. */
async function deliver(t: Trigger, text: string, scope: Scope, staticData: IDataObject, options: IDataObject = {}, yields = 0, secret = SECRET): Promise<WebhookCall> {
	for (let i = 0; i < yields; i++) await Promise.resolve();
	const headers = { 'content-type': 'application/json', ...authHeaders(t, text, secret) };
	const call = await callWebhook(t.node, { body: text, headers }, { credentials: credentialsFor(t), parameters: { options }, staticData, ...scope });
	expectSafeCall(call, { mode: 'route', secrets: [SECRET, PREVIOUS] });
	return call;
}

/** The key the trigger dedupes on: the event id where the provider has one, else the body's hash. */
function expectedKey(t: Trigger, text: string): string {
	// the provider's own event id when its definition names one (BuzzBip's id), else the body's hash
	const { eventId } = t.definition.describe(t.definition.schema.parse(JSON.parse(text)));
	return eventId ?? bodyKey(text);
}

/**
 * How many delivery keys the workflow's static data holds, whatever the persisted layout (an
 * object of key → seconds, or a journal of lines): the bound must hold there too.
 */
/**
 * The persisted journal is cut at the front in batches (an eighth of it at a time, so that a
 * request never copies the whole string): it may still hold that many lines of keys already
 * evicted, which a reload merges and evicts again.
 */
function persistedBound(bound: number): number {
	return bound + Math.ceil(bound / 8) + 1;
}

function persistedCount(staticData: IDataObject): number {
	const node = staticData['node:Trigger'] as { dedupe?: Record<string, unknown> } | undefined;
	const record = node?.dedupe;
	if (record === undefined) return 0;
	if (typeof record.journal === 'string') return record.journal.split('\n').filter((line) => line.trim() !== '').length;
	if (record.seen !== null && typeof record.seen === 'object') return Object.keys(record.seen).length;
	throw new Error(`unknown persisted dedupe layout: ${JSON.stringify(record).slice(0, 200)}`);
}

/** Distinct events (spec, unique n) and how many times each is delivered. */
function eventsArb(t: Trigger, max: number) {
	return fc.uniqueArray(fc.record({ n: fc.nat(1_000_000), spec: fc.constantFrom(...t.specs), copies: fc.integer({ min: 2, max: 5 }) }), {
		minLength: 1,
		maxLength: max,
		selector: (e) => e.n,
	});
}

describe(`property: deduplication (${label})`, () => {
	it(`BuzzBip event ids of any spelling (also __proto__, constructor, digits) are deduplicated across a restart and change no prototype [${runs()} runs]`, async () => {
		const t = TRIGGERS.find((x) => x.definition.provider === 'buzzbip')!;
		const idArb = fc.oneof(
			fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '0', '1', '4294967295', '-1', ' ', 'evt_1', 'sha256:00'),
			fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
		);
		await fc.assert(
			fc.asyncProperty(fc.uniqueArray(idArb, { minLength: 1, maxLength: 8 }), fc.constantFrom(...t.specs), async (ids, spec) => {
				resetDedupeStores();
				const scope = freshScope();
				const staticData: IDataObject = {};
				const texts = ids.map((id, i) => JSON.stringify({ ...uniqueSample('buzzbip', spec, i), id }));
				const first = await Promise.all(texts.flatMap((text) => [deliver(t, text, scope, staticData), deliver(t, text, scope, staticData, {}, 1)]));
				first.forEach((call) => call.finish());
				expect(first.flatMap((call) => call.events).map((item) => item.eventId)).toEqual(ids);
				resetDedupeStores();
				const reloaded = JSON.parse(JSON.stringify(staticData)) as IDataObject;
				const again = await Promise.all(texts.map((text) => deliver(t, text, scope, reloaded)));
				expect(again.flatMap((call) => call.events)).toHaveLength(0);
			}),
			fcParams(runs()),
		);
	});

	for (const t of TRIGGERS) {
		describe(t.definition.nodeName, () => {
			it(`many distinct events, each delivered several times at once: each starts exactly once; after a restart all are still duplicates [${runs(0.8)} runs]`, async () => {
				await fc.assert(
					fc.asyncProperty(
						eventsArb(t, 12),
						fc.infiniteStream(fc.integer({ min: 0, max: 3 })),
						fc.func(fc.integer()),
						fc.boolean(),
						async (events, yieldStream, order, previousSecret) => {
							resetDedupeStores();
							const scope = freshScope();
							const staticData: IDataObject = {};
							// BuzzBip retries keep the event id even when the JSON is laid out anew
							const texts = events.map(({ n, spec }) => JSON.stringify(uniqueSample(t.definition.provider, spec, n)));
							const layouts = (i: number, copy: number) => (t.definition.provider === 'buzzbip' && copy % 2 === 1 ? JSON.stringify(JSON.parse(texts[i]), null, copy) : texts[i]);
							const deliveries: Delivery[] = events.flatMap((e, i) => Array.from({ length: e.copies }, (_, copy) => ({ event: i, text: layouts(i, copy) })));
							const shuffled = deliveries.map((d, i) => ({ d, rank: order(i) })).sort((a, b) => a.rank - b.rank).map(({ d }) => d);
							const yields = yieldStream.take(shuffled.length);
							const waits = [...yields];

							const calls = await Promise.all(shuffled.map((d, i) => deliver(t, d.text, scope, staticData, {}, waits[i], previousSecret && i % 2 === 0 ? PREVIOUS : SECRET)));
							calls.forEach((call) => call.finish());

							expect(calls.every((call) => call.status === 200)).toBe(true);
							expect(calls.every((call) => call.unrecognized.length === 0)).toBe(true);
							const emitted = calls.flatMap((call) => call.events);
							expect(emitted).toHaveLength(events.length);
							for (let i = 0; i < events.length; i++) {
								const mine = shuffled.map((d, k) => [d, calls[k]] as const).filter(([d]) => d.event === i);
								expect(mine.filter(([, call]) => call.events.length === 1)).toHaveLength(1);
								for (const [, call] of mine) if (call.events.length === 0) expect(call.result.workflowData).toBeUndefined();
							}
							const keys = emitted.map((item) => item.deliveryKey as string);
							expect(new Set(keys).size).toBe(events.length);
							expect(new Set(keys)).toEqual(new Set(texts.map((text) => expectedKey(t, text))));
							if (!t.definition.acknowledgement) {
								expect(calls.filter((call) => (call.body as IDataObject).status === 'duplicate')).toHaveLength(deliveries.length - events.length);
							}

							// n8n restarts: the in-process stores are gone, static data comes back from the database
							resetDedupeStores();
							const reloaded = JSON.parse(JSON.stringify(staticData)) as IDataObject;
							expect(persistedCount(reloaded)).toBe(events.length);
							const again = await Promise.all(shuffled.map((d, i) => deliver(t, d.text, scope, reloaded, {}, waits[i])));
							again.forEach((call) => call.finish());
							expect(again.every((call) => call.status === 200 && call.result.workflowData === undefined)).toBe(true);

							// and a new event after the restart is still started, once
							const fresh = JSON.stringify(uniqueSample(t.definition.provider, events[0].spec, 2_000_000 + events[0].n));
							const newOnes = await Promise.all([0, 1, 2].map((i) => deliver(t, fresh, scope, reloaded, {}, i)));
							expect(newOnes.flatMap((call) => call.events)).toHaveLength(1);
						},
					),
					fcParams(runs(0.8)),
				);
			});

			it(`a flood of unique events stays inside the memory bound and evicts the oldest first, also across a restart [${runs(0.4)} runs]`, async () => {
				await fc.assert(
					fc.asyncProperty(
						fc.integer({ min: 1, max: 40 }),
						fc.integer({ min: 1, max: 40 }),
						fc.integer({ min: 0, max: 60 }),
						fc.constantFrom(...t.specs),
						fc.nat(100_000),
						async (bound, overflow, concurrentFlood, spec, base) => {
							resetDedupeStores();
							const scope = freshScope();
							const staticData: IDataObject = {};
							const options = { dedupeMaxEntries: bound };
							const storeSize = () => dedupeStoreFor(`${scope.workflowId}:${scope.nodeId}:live`, Number.MAX_SAFE_INTEGER).size;
							const texts = Array.from({ length: bound + overflow }, (_, i) => JSON.stringify(uniqueSample(t.definition.provider, spec, base * 1000 + i)));

							// one after another, so that "oldest" is well defined
							for (const text of texts) {
								const call = await deliver(t, text, scope, staticData, options);
								call.finish();
								expect(call.events).toHaveLength(1);
								expect(persistedCount(staticData)).toBeLessThanOrEqual(persistedBound(bound));
							}
							const newest = texts.slice(-bound);
							expect(persistedCount(staticData)).toBeGreaterThanOrEqual(bound);
							expect(persistedCount(staticData)).toBeLessThanOrEqual(persistedBound(bound));
							expect(storeSize()).toBeLessThanOrEqual(bound);

							// the newest `bound` are still caught, in memory and after a restart
							for (const text of newest) expect((await deliver(t, text, scope, staticData, options)).result.workflowData).toBeUndefined();
							resetDedupeStores();
							const reloaded = JSON.parse(JSON.stringify(staticData)) as IDataObject;
							for (const text of newest) expect((await deliver(t, text, scope, reloaded, options)).result.workflowData).toBeUndefined();

							// exactly the `overflow` oldest were forgotten: the youngest of them starts again
							expect((await deliver(t, texts[overflow - 1], scope, reloaded, options)).events).toHaveLength(1);

							// a concurrent flood of more unique events does not grow the store past its bound
							const flood = Array.from({ length: concurrentFlood }, (_, i) => JSON.stringify(uniqueSample(t.definition.provider, spec, base * 1000 + 500 + i)));
							const flooded = await Promise.all(flood.map((text, i) => deliver(t, text, scope, reloaded, options, i % 3)));
							flooded.forEach((call) => call.finish());
							expect(flooded.flatMap((call) => call.events)).toHaveLength(concurrentFlood);
							expect(persistedCount(reloaded)).toBeLessThanOrEqual(persistedBound(bound));
							expect(storeSize()).toBeLessThanOrEqual(bound);

							// the oldest was evicted first: it is not remembered, and starts again
							if (overflow > 1) {
								const oldest = await deliver(t, texts[0], scope, reloaded, options);
								expect(oldest.events).toHaveLength(1);
							}
						},
					),
					fcParams(runs(0.4)),
				);
			});
		});
	}
});
