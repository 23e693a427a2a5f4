/**
 * Bodies from OFF_THREAD_HASH_BYTES up have their body key hashed off the main thread while they
 * are parsed: the same delivery keys, items, answers and dedupe as below the threshold.
 */
import { createHash } from 'crypto';
import * as crypto from 'crypto';

import { buildSample } from '../../packages/cli/src/samples';
import { BuzzBipTrigger } from '../../nodes/BuzzBipTrigger/BuzzBipTrigger.node';
import { buzzBip } from '../../nodes/BuzzBipTrigger/buzzbip.definition';
import { BuzzeasyTrigger } from '../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node';
import { buzzeasy } from '../../nodes/BuzzeasyTrigger/buzzeasy.definition';
import { ChatzuriTrigger } from '../../nodes/ChatzuriTrigger/ChatzuriTrigger.node';
import { chatzuri } from '../../nodes/ChatzuriTrigger/chatzuri.definition';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { bodyKeyOfDigest } from '../../nodes/shared/core/deliveryKey';
import { OFF_THREAD_HASH_BYTES, sha256HexOffMainThread } from '../../nodes/shared/core/hash';
import type { ProviderDefinition } from '../../nodes/shared/definition';
import { deliver } from '../helpers/contract';

const sha256 = (text: string) => bodyKeyOfDigest(createHash('sha256').update(text, 'utf8').digest('hex'));

/** The provider's sample with one text field padded so that the body is exactly `size` bytes. */
function bodyOfSize(provider: string, event: string, path: string, size: number, serial = 0): string {
	const sample = buildSample(provider, event);
	const set = (value: string) => {
		const parts = path.split('.');
		let node = sample as Record<string, unknown>;
		for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
		node[parts[parts.length - 1]] = value;
	};
	set(`${serial}:`);
	const base = Buffer.byteLength(JSON.stringify(sample));
	set(`${serial}:${'x'.repeat(Math.max(0, size - base))}`);
	const text = JSON.stringify(sample);
	expect(Buffer.byteLength(text)).toBe(size);
	return text;
}

describe('large bodies: the body key hashed off the main thread', () => {
	beforeEach(() => resetDedupeStores());

	it('the threshold is what the benchmark placed (512 KiB)', () => {
		expect(OFF_THREAD_HASH_BYTES).toBe(512 * 1024);
	});

	it('sha256HexOffMainThread gives the same hex as createHash', async () => {
		for (const bytes of [Buffer.alloc(0), Buffer.from('abc'), Buffer.alloc(OFF_THREAD_HASH_BYTES + 3, 0xa5)]) {
			await expect(sha256HexOffMainThread(bytes)).resolves.toBe(createHash('sha256').update(bytes).digest('hex'));
		}
	});

	it.each<[string, ProviderDefinition, () => InstanceType<typeof BuzzeasyTrigger>, string, string]>([
		['buzzeasy', buzzeasy as ProviderDefinition, () => new BuzzeasyTrigger(), 'workItem', 'notes'],
		['chatzuri', chatzuri as ProviderDefinition, () => new ChatzuriTrigger(), 'message.received', 'payload.message'],
	])('%s: just below, at and above the threshold, the key is sha256 of the raw body, and a repeat is a duplicate', async (provider, definition, make, event, field) => {
		const node = make();
		const subtle = (crypto as unknown as { webcrypto: { subtle: { digest: (...args: unknown[]) => Promise<ArrayBuffer> } } }).webcrypto.subtle;
		const digest = jest.spyOn(subtle, 'digest');
		for (const [i, size] of [OFF_THREAD_HASH_BYTES - 1, OFF_THREAD_HASH_BYTES, OFF_THREAD_HASH_BYTES + 1, 2 * OFF_THREAD_HASH_BYTES].entries()) {
			const body = bodyOfSize(provider, event, field, size, i);
			digest.mockClear();
			const first = await deliver(node, definition, body, { workflowId: `wf-${provider}` });
			// off the main thread from the threshold up (each delivery, the duplicate too, once authenticated)
			expect(digest).toHaveBeenCalledTimes(size >= OFF_THREAD_HASH_BYTES ? 1 : 0);
			expect(first.status ?? 200).toBe(200);
			expect(first.events).toHaveLength(1);
			expect(first.events[0].deliveryKey).toBe(sha256(body));
			expect(first.events[0].eventId).toBeNull();
			void first.result.webhookResponse;
			first.finish();
			const again = await deliver(node, definition, body, { workflowId: `wf-${provider}` });
			expect(again.events).toHaveLength(0);
			expect(again.result.workflowData).toBeUndefined();
		}
		digest.mockRestore();
	});

	it('a large body that is not a known event goes to Unrecognized with the same key', async () => {
		const node = new BuzzeasyTrigger();
		const body = JSON.stringify({ unknown: 'x'.repeat(OFF_THREAD_HASH_BYTES) });
		const call = await deliver(node, buzzeasy as ProviderDefinition, body);
		expect(call.unrecognized).toHaveLength(1);
		expect(call.unrecognized[0].deliveryKey).toBe(sha256(body));
		const rejected = await deliver(node, buzzeasy as ProviderDefinition, body, { parameters: { options: { onUnrecognized: 'reject' } } });
		expect(rejected.status).toBe(400);
	});

	it('a provider whose events carry ids keeps its event id as the key', async () => {
		const node = new BuzzBipTrigger();
		const subtle = (crypto as unknown as { webcrypto: { subtle: { digest: (...args: unknown[]) => Promise<ArrayBuffer> } } }).webcrypto.subtle;
		const digest = jest.spyOn(subtle, 'digest');
		for (let i = 0; i < 3; i++) {
			const sample = buildSample('buzzbip', 'message.received') as Record<string, unknown>;
			(sample.data as Record<string, unknown>).body = 'y'.repeat(OFF_THREAD_HASH_BYTES);
			const call = await deliver(node, buzzBip as ProviderDefinition, sample);
			expect(call.events).toHaveLength(1);
			expect(call.events[0].deliveryKey).toBe(sample.id);
		}
		// started for the first (nothing known of the provider yet), not once its events showed ids
		expect(digest).toHaveBeenCalledTimes(1);
		digest.mockRestore();
	});

	it('falls back to the main thread when WebCrypto cannot digest', async () => {
		const subtle = (crypto as unknown as { webcrypto: { subtle: { digest: (...args: unknown[]) => Promise<ArrayBuffer> } } }).webcrypto.subtle;
		const spy = jest.spyOn(subtle, 'digest').mockImplementation(() => Promise.reject(new Error('no digest here')));
		try {
			const node = new BuzzeasyTrigger();
			const body = bodyOfSize('buzzeasy', 'workItem', 'notes', OFF_THREAD_HASH_BYTES + 10, 99);
			const call = await deliver(node, buzzeasy as ProviderDefinition, body);
			expect(spy).toHaveBeenCalled();
			expect(call.events[0].deliveryKey).toBe(sha256(body));
			await expect(sha256HexOffMainThread(Buffer.from('abc'))).resolves.toBeUndefined();
		} finally {
			spy.mockRestore();
		}
	});
});
