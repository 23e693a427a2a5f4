/** claimInRedis against a real redis-server (Debian's, installed by apt), on a port in 17000-17499. */
import { spawn, type ChildProcess } from 'child_process';
import { existsSync } from 'fs';

import { claimInRedis, redisConnections, redisTiming } from '../../nodes/shared/redisStore';

const PORT = 17000 + Math.floor(Math.random() * 400);
const BIN = '/usr/bin/redis-server';
let server: ChildProcess | undefined;
const now = () => Date.now();
const opts = { windowMs: 60_000, waitMs: 300, now };

beforeAll(async () => {
	if (!existsSync(BIN)) throw new Error('redis-server missing: apt-get install -y redis-server');
	server = spawn(BIN, ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
	for (let i = 0; i < 50; i++) {
		try {
			const c = await redisConnections.link({ host: '127.0.0.1', port: PORT });
			if ((await c.client.call('PING')) === 'PONG') return;
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('redis-server did not start');
});

afterAll(async () => {
	await redisConnections.closeAll();
	server?.kill('SIGTERM');
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
	const dead = (await redisConnections.link({ host: '127.0.0.1', port: PORT + 1 })).client;
	const claim = await claimInRedis(dead, 'k4', opts);
	expect(claim.status).toBe('unreachable');
});
