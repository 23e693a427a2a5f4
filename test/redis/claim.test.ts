/**
 * claimInRedis against a real redis-server (Debian's, installed by the redis stage's prepare), on a
 * free loopback port in 17900-17999 (the queue suite takes 17500-17899).
 */
import * as os from 'os';
import * as path from 'path';

import { claimInRedis, redisConnections, redisTiming } from '../../nodes/shared/redisStore';
import { freeLoopbackPort, startRedis, type Service } from '../queue/services';

let redis: Service | undefined;
let PORT = 0;
const now = () => Date.now();
const opts = { windowMs: 60_000, waitMs: 300, now };

beforeAll(async () => {
	redis = await startRedis(path.join(os.tmpdir(), `vw-redis-claim-${process.pid}`), { from: 17900, to: 17999 });
	PORT = redis.port;
}, 60_000);

afterAll(async () => {
	await redisConnections.closeAll();
	await redis?.stop();
});

test('claim, promote, duplicate, cancel, concurrent claims, pending expiry', async () => {
	const link = (await redisConnections.link({ host: '127.0.0.1', port: PORT })).client;
	const first = await claimInRedis(link, 'k1', opts);
	expect(first.status).toBe('new');
	if (first.status !== 'new') return;
	expect((await claimInRedis(link, 'k1', opts)).status).toBe('busy');
	await first.claim.commit();
	expect((await claimInRedis(link, 'k1', opts)).status).toBe('duplicate');
	await first.claim.cancel();
	expect((await claimInRedis(link, 'k1', opts)).status).toBe('new');

	const both = await Promise.all([claimInRedis(link, 'k2', opts), claimInRedis(link, 'k2', opts)]);
	expect(both.filter((c) => c.status === 'new')).toHaveLength(1);

	const saved = redisTiming.pendingMs;
	redisTiming.pendingMs = 200;
	try {
		expect((await claimInRedis(link, 'k3', opts)).status).toBe('new');
		await new Promise((r) => setTimeout(r, 400));
		expect((await claimInRedis(link, 'k3', opts)).status).toBe('new');
	} finally {
		redisTiming.pendingMs = saved;
	}
});

test('Redis unreachable: unreachable, nothing claimed', async () => {
	// a port nothing listens on (checked free by the same helper)
	const deadPort = await freeLoopbackPort(17900, 17999, [PORT]);
	const dead = (await redisConnections.link({ host: '127.0.0.1', port: deadPort })).client;
	const claim = await claimInRedis(dead, 'k4', opts);
	expect(claim.status).toBe('unreachable');
});
