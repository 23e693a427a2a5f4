/**
 * Two receiving processes with the Redis store, through n8n-core's real WebhookContext and a real
 * redis-server: each process is the trigger in a module state of its own (its own Redis
 * connection), both share the workflow's static data and the Redis. Concurrent copies of one event
 * to the two processes give one run; a copy n8n could not store is forgotten, so its retry runs;
 * Redis unreachable: 503, logged, nothing started. The default store, for the contrast: its
 * concurrent copies in two processes both run (what issue 17 measured; counted, not promised).
 */
import * as os from 'os';
import * as path from 'path';

import { deliver, startReceiver, StaticDataRow, workItem, type Receiver } from '../helpers/twoProcesses';
import { freeLoopbackPort, startRedis, type Service } from '../queue/services';

jest.setTimeout(120_000);

let redis: Service | undefined;
const receivers: Receiver[] = [];
const receiver = () => {
	const made = startReceiver();
	receivers.push(made);
	return made;
};

beforeAll(async () => {
	redis = await startRedis(path.join(os.tmpdir(), `vw-redis-two-${process.pid}`), { from: 17900, to: 17999 });
}, 60_000);

afterAll(async () => {
	await Promise.allSettled(receivers.map((r) => r.closeRedis()));
	await redis?.stop();
});

const redisOptions = () => ({
	parameters: { options: { dedupeStore: 'redis' } },
	credentialsByType: { verifiedWebhooksRedisApi: { host: '127.0.0.1', port: redis!.port } },
});

describe('two receiving processes, Redis store', () => {
	it('100 events, both copies at once, one to each process: 100 runs, the other copies duplicates', async () => {
		const db = new StaticDataRow();
		const [a, b] = [receiver(), receiver()];
		const calls = await Promise.all(
			Array.from({ length: 100 }, (_, i) => [deliver(a, db, workItem(`c-${i}`), redisOptions()), deliver(b, db, workItem(`c-${i}`), redisOptions())]).flat(),
		);
		expect(calls.map((c) => c.status).filter((s) => s !== 200)).toEqual([]);
		expect(calls.reduce((n, c) => n + c.events.length, 0)).toBe(100);
		for (let i = 0; i < 100; i++) expect(calls[2 * i].events.length + calls[2 * i + 1].events.length).toBe(1);
		// the Redis store never touches static data
		expect(db.text).toBe('{}');
	});

	it('a retry to the other process is a duplicate; one n8n could not store runs again there', async () => {
		const db = new StaticDataRow();
		const [a, b] = [receiver(), receiver()];
		expect((await deliver(a, db, workItem('s-1'), redisOptions())).events).toHaveLength(1);
		expect((await deliver(b, db, workItem('s-1'), redisOptions())).body).toMatchObject({ status: 'duplicate' });
		// n8n could not store the execution: 500, the claim is deleted
		const { callWebhook } = await import('../helpers/webhookContext');
		const { SECRET } = await import('../helpers/twoProcesses');
		const failed = await callWebhook(a.node, { body: workItem('s-2'), headers: { 'x-api-key': SECRET } }, { credentials: { apiKey: SECRET }, storeLater: true, ...redisOptions() });
		expect(failed.events).toHaveLength(1);
		failed.failExecution(500);
		// the delete is sent on the same connection before the next claim; wait until it has landed
		let retry = await deliver(b, db, workItem('s-2'), redisOptions());
		for (let i = 0; i < 20 && retry.events.length === 0; i++) retry = await deliver(b, db, workItem('s-2'), redisOptions());
		expect(retry.events).toHaveLength(1);
		// a process started afresh finds both done
		const restarted = receiver();
		for (const id of ['s-1', 's-2']) expect((await deliver(restarted, db, workItem(id), redisOptions())).events).toHaveLength(0);
	});

	it('Redis unreachable: 503 with Retry-After, a warning, nothing started', async () => {
		const db = new StaticDataRow();
		const port = await freeLoopbackPort(17900, 17999, [redis!.port]);
		const call = await deliver(receiver(), db, workItem('u-1'), { parameters: { options: { dedupeStore: 'redis' } }, credentialsByType: { verifiedWebhooksRedisApi: { host: '127.0.0.1', port } } });
		expect(call.status).toBe(503);
		expect(call.events).toHaveLength(0);
		expect(call.responseHeaders['retry-after']).toBe('5');
		expect(call.body).toEqual({ error: 'busy', reason: 'the dedupe store (Redis) cannot be reached: retry later' });
		expect(call.logs.join('\n')).toMatch(/could not reach its Redis dedupe store, answered 503 and started nothing/);
	});
});

describe('two receiving processes, default store (the contrast)', () => {
	it('both copies at once, one to each process: counted (both may run: each process decides on the static data it loaded)', async () => {
		const db = new StaticDataRow();
		const [a, b] = [receiver(), receiver()];
		const calls = await Promise.all(Array.from({ length: 50 }, (_, i) => [deliver(a, db, workItem(`d-${i}`)), deliver(b, db, workItem(`d-${i}`))]).flat());
		const runs = calls.reduce((n, c) => n + c.events.length, 0);
		process.stdout.write(`default store, 50 events, both copies at once to two processes: ${runs} runs (${runs - 50} twice)\n`);
		expect(runs).toBeGreaterThanOrEqual(50);
		expect(runs).toBeLessThanOrEqual(100);
	});
});
