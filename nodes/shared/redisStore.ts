import { randomBytes } from 'crypto';

import { sleep, type ICredentialDataDecryptedObject, type INodeCredentialTestResult } from 'n8n-workflow';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';

import { storageKey } from './core/dedupe';
import { RejectionLog } from './core/rejectionLog';

/**
 * The "Redis" dedupe store: one atomic claim per delivery key in a Redis that every n8n process
 * of a queue-mode set-up reaches, so that two copies of one event received by two processes
 * cannot both start it.
 *
 * Per key, one Redis string:
 * - `SET <key> "pending <token>" NX PX <pending ms>` claims it (the copy that gets OK runs);
 * - `SET <key> "done <token>" PX <window ms>` promotes it once n8n has stored the execution;
 * - a compare-and-delete (EVAL) removes it when n8n could not store it, so that the retry runs;
 * - a copy that finds "pending" asks again every `redisTiming.pollMs` for at most the in-flight
 *   wait, then is answered 503 (providers retry that); a claim a crash left behind expires after
 *   `redisTiming.pendingMs`, so a later retry runs.
 *
 * The client is n8n's own `ioredis` (n8n ships it for its queue, and puts its node_modules on
 * NODE_PATH for community packages, as it does for n8n-workflow): a community node may not open a
 * socket itself (n8n's lint allows `crypto` alone among Node's modules), and it has no run-time
 * dependency of its own. Loaded on first use, so a trigger on the default store never loads it.
 */

/** The credential type of the Redis store (this package's own: n8n's lint forbids using another package's `redis`). */
export const REDIS_CREDENTIAL = 'verifiedWebhooksRedisApi';

/** Timings, an object so that tests can shorten them. */
export const redisTiming = {
	/** How long a claim stays "pending" without being promoted (a crash before n8n stored the execution). */
	pendingMs: 60_000,
	/** How often a copy that met "pending" asks again. */
	pollMs: 100,
	connectTimeoutMs: 2_000,
	/** A command not answered within this fails (the delivery is answered 503). */
	commandTimeoutMs: 2_000,
};

/** The namespace of every key: `<prefix><workflow id>:<node id>:<live|test>:<delivery key>`. */
export const REDIS_KEY_PREFIX = 'verified-webhooks:dedupe:';

export function redisKey(scope: string, deliveryKey: string): string {
	return `${REDIS_KEY_PREFIX}${scope}:${storageKey(deliveryKey)}`;
}

/** The credential's fields (the same names as n8n's own Redis credential). */
export interface RedisCredential {
	host?: string;
	port?: number;
	user?: string;
	password?: string;
	database?: number;
	ssl?: boolean;
	disableTlsVerification?: boolean;
}

/** The few commands the store sends; ioredis's `call`. */
export interface RedisLink {
	call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

type IoRedisModule = { default: new (options: RedisOptions) => RedisClient };

let ioredis: Promise<IoRedisModule> | undefined;

function loadIoredis(): Promise<IoRedisModule> {
	if (!ioredis) {
		ioredis = import('ioredis') as unknown as Promise<IoRedisModule>;
		// not found (an n8n without it): asked again next time
		ioredis.catch(() => (ioredis = undefined));
	}
	return ioredis;
}

function optionsOf(credential: RedisCredential): RedisOptions {
	const port = Number(credential.port);
	const db = Number(credential.database);
	return {
		host: typeof credential.host === 'string' && credential.host.trim() !== '' ? credential.host.trim() : 'localhost',
		port: Number.isInteger(port) && port > 0 ? port : 6379,
		username: credential.user ? String(credential.user) : undefined,
		password: credential.password ? String(credential.password) : undefined,
		db: Number.isInteger(db) && db >= 0 ? db : 0,
		tls: credential.ssl === true ? { rejectUnauthorized: credential.disableTlsVerification !== true } : undefined,
		connectTimeout: redisTiming.connectTimeoutMs,
		commandTimeout: redisTiming.commandTimeoutMs,
		// a command is never retried on another connection: it fails, and the delivery is answered 503
		maxRetriesPerRequest: 0,
		// reconnect after a failure, at most every 2 s
		retryStrategy: (times: number) => Math.min(times * 100, 2_000),
		enableReadyCheck: false,
		lazyConnect: false,
		// the node's name in CLIENT LIST
		connectionName: 'n8n-verified-webhooks',
	};
}

interface Connection {
	client: RedisClient;
	/** The last connection error, for the log line. */
	lastError?: string;
}

/**
 * One connection per credential (its fields), for the life of the process, reused by every
 * request: ioredis pipelines concurrent commands on it and reconnects after a failure.
 */
export class RedisConnections {
	private readonly connections = new Map<string, Promise<Connection>>();

	/** The connection for these credential fields (made on first use). */
	link(credential: RedisCredential): Promise<Connection> {
		const options = optionsOf(credential);
		const id = JSON.stringify([options.host, options.port, options.username, options.password, options.db, options.tls]);
		let connection = this.connections.get(id);
		if (!connection) {
			connection = loadIoredis().then((module) => {
				const client = new module.default(options);
				const made: Connection = { client };
				// without a listener ioredis prints every failed reconnect to the console
				client.on('error', (error: Error) => (made.lastError = error.message));
				client.on('ready', () => (made.lastError = undefined));
				return made;
			});
			connection.catch(() => this.connections.delete(id));
			// a credential edited in place leaves its old connection: keep a few at most
			if (this.connections.size >= 8) {
				const [oldest, old] = this.connections.entries().next().value as [string, Promise<Connection>];
				this.connections.delete(oldest);
				old.then((c) => c.client.disconnect(), () => undefined);
			}
			this.connections.set(id, connection);
		}
		return connection;
	}

	/** Closes every connection (tests; a process that ends closes them anyway). */
	async closeAll(): Promise<void> {
		const all = [...this.connections.values()];
		this.connections.clear();
		await Promise.allSettled(all.map(async (c) => (await c).client.disconnect()));
	}
}

/** The process's connections. */
export const redisConnections = new RedisConnections();

/** What a claim found. */
export type RedisClaim =
	| { status: 'new'; claim: RedisDelivery }
	| { status: 'duplicate' }
	/** Still "pending" (claimed by a delivery not yet stored) at the end of the wait. */
	| { status: 'busy' }
	/** Redis could not be asked: nothing was claimed, nothing may start. */
	| { status: 'unreachable'; reason: string };

const DUPLICATE: RedisClaim = { status: 'duplicate' };
const BUSY: RedisClaim = { status: 'busy' };

/** Deletes the key only while it holds one of this claim's values. */
const RELEASE_SCRIPT = "local v = redis.call('GET', KEYS[1]) if v == ARGV[1] or v == ARGV[2] then return redis.call('DEL', KEYS[1]) end return 0";

function reasonOf(error: unknown, connection?: Connection): string {
	const message = error instanceof Error ? error.message : String(error);
	return connection?.lastError && connection.lastError !== message ? `${message} (${connection.lastError})` : message;
}

export interface RedisClaimOptions {
	windowMs: number;
	/** How long a copy that meets "pending" waits for it to become "done" or go. */
	waitMs: number;
	now(): number;
}

/**
 * Claims the key in Redis: new (this delivery runs), duplicate ("done": stored), busy ("pending"
 * all through the wait) or unreachable. Never throws.
 */
export async function claimInRedis(link: RedisLink, key: string, options: RedisClaimOptions, connection?: Connection): Promise<RedisClaim> {
	const token = randomBytes(9).toString('base64url');
	const pending = `pending ${token}`;
	const deadline = options.now() + options.waitMs;
	try {
		for (;;) {
			const set = await link.call('SET', key, pending, 'PX', Math.max(1, Math.round(redisTiming.pendingMs)), 'NX');
			if (set === 'OK') return { status: 'new', claim: new RedisDelivery(link, key, token, options.windowMs, connection) };
			const value = await link.call('GET', key);
			// gone between the two (cancelled, or expired): claim again
			if (value === null || value === undefined) continue;
			if (String(value).startsWith('done')) return DUPLICATE;
			const remaining = deadline - options.now();
			if (remaining <= 0) return BUSY;
			await sleep(Math.min(redisTiming.pollMs, remaining));
		}
	} catch (error) {
		return { status: 'unreachable', reason: reasonOf(error, connection) };
	}
}

/** A claim held by this process: promoted when n8n has stored the execution, released when it could not. */
export class RedisDelivery {
	private state: 'pending' | 'done' | 'released' = 'pending';

	/** The last promote or release, for tests and for ordering (one connection runs them in order). */
	last: Promise<unknown> = Promise.resolve();

	/** Set when a promote or release failed (the log line says why). */
	failure?: string;

	constructor(
		private readonly link: RedisLink,
		readonly key: string,
		private readonly token: string,
		private readonly windowMs: number,
		private readonly connection?: Connection,
	) {}

	get settled(): 'pending' | 'done' | 'released' {
		return this.state;
	}

	/** n8n has stored the execution: the key is "done" for the window. */
	commit(): Promise<unknown> {
		if (this.state !== 'pending') return this.last;
		this.state = 'done';
		return this.track(this.link.call('SET', this.key, `done ${this.token}`, 'PX', Math.max(1, Math.round(this.windowMs))));
	}

	/** n8n could not store it (or answered an error): the key goes, if it is still this claim's. */
	cancel(): Promise<unknown> {
		if (this.state === 'released') return this.last;
		this.state = 'released';
		return this.track(this.link.call('EVAL', RELEASE_SCRIPT, 1, this.key, `pending ${this.token}`, `done ${this.token}`));
	}

	private track(command: Promise<unknown>): Promise<unknown> {
		this.last = command.then(
			() => undefined,
			(error: unknown) => {
				this.failure = reasonOf(error, this.connection);
			},
		);
		return this.last;
	}
}

/** Redis trouble logged at warn level: per node the first, then one line a minute with a count. */
export const redisLog = new RejectionLog();

/** The credential test: connects with these fields and sends PING. */
export async function testRedisCredential(data: ICredentialDataDecryptedObject | undefined): Promise<INodeCredentialTestResult> {
	const connections = new RedisConnections();
	try {
		const connection = await connections.link((data ?? {}) as RedisCredential);
		const pong = await connection.client.call('PING');
		return pong === 'PONG' ? { status: 'OK', message: 'Connected: Redis answered PING' } : { status: 'Error', message: `Redis answered PING with ${String(pong)}` };
	} catch (error) {
		return { status: 'Error', message: `Redis could not be reached: ${reasonOf(error)}` };
	} finally {
		await connections.closeAll();
	}
}
