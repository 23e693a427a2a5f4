/**
 * The queue-mode suite's Postgres and Redis: Debian's own binaries (installed by
 * scripts/stages/queue.mjs when missing), each in a fresh folder under the suite's work folder, on
 * free loopback ports of the given range, in a process group of its own that `stop()` always ends
 * (and that is killed if the test process exits without calling it). Postgres refuses to run as
 * root: as root, initdb and postgres run as the `postgres` user (runuser), which owns its folder.
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export interface Service {
	host: string;
	port: number;
	logFile: string;
	stop(): Promise<void>;
}

export interface PostgresService extends Service {
	database: string;
	user: string;
	password: string;
}

const HOST = '127.0.0.1';

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, HOST, () => server.close(() => resolve(true)));
	});
}

/** The first free loopback port in [from, to], skipping `taken`. */
export async function freeLoopbackPort(from: number, to: number, taken: Iterable<number> = []): Promise<number> {
	const skip = new Set(taken);
	for (let port = from; port <= to; port++) if (!skip.has(port) && (await portIsFree(port))) return port;
	throw new Error(`no free loopback port in ${from}..${to}`);
}

/** The newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((d) => fs.existsSync(path.join(root, d, 'bin', 'postgres')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (!majors.length) throw new Error(`no PostgreSQL server under ${root}: run the queue stage's prepare (node scripts/test.mjs --stage queue), which installs Debian's postgresql`);
	return path.join(root, majors[0], 'bin');
}

const asRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** A command run as the postgres user when we are root (postgres refuses root), else as we are. */
function asPostgres(command: string, args: string[]): [string, string[]] {
	return asRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function runQuiet(command: string, args: string[], what: string): void {
	const result = childProcess.spawnSync(command, args, { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}):\n${(result.stdout ?? '') + (result.stderr ?? '')}`.slice(0, 4000));
}

interface Spawned {
	child: childProcess.ChildProcess;
	exited: Promise<void>;
	stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

let exitOnSignal = false;

/**
 * A signal (a cancelled CI job, Ctrl-C) ends this process without its `exit` handlers, which kill
 * what it started (here and in scripts/n8n/process.ts): exit on it instead, so that they run.
 */
function exitOnSignals(): void {
	if (exitOnSignal) return;
	exitOnSignal = true;
	process.once('SIGTERM', () => process.exit(143));
	process.once('SIGINT', () => process.exit(130));
}

/** Spawns in a process group of its own, output appended to `logFile`; killed whole on exit. */
function spawnGroup(command: string, args: string[], logFile: string, cwd: string): Spawned {
	exitOnSignals();
	const out = fs.openSync(logFile, 'a');
	const child = childProcess.spawn(command, args, { cwd, detached: true, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`could not start ${command}`);
	let done = false;
	const exited = new Promise<void>((resolve) => child.on('exit', () => ((done = true), resolve())));
	const kill = (signal: NodeJS.Signals) => {
		try {
			process.kill(-pid, signal);
		} catch {
			/* gone */
		}
	};
	const onExit = () => kill('SIGKILL');
	process.on('exit', onExit);
	let stopping: Promise<void> | undefined;
	return {
		child,
		exited,
		stop(signal, graceMs) {
			stopping ??= (async () => {
				if (!done) {
					kill(signal);
					let timer: NodeJS.Timeout | undefined;
					await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
					clearTimeout(timer);
				}
				kill('SIGKILL');
				let timer: NodeJS.Timeout | undefined;
				await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
				clearTimeout(timer);
				process.removeListener('exit', onExit);
			})();
			return stopping;
		},
	};
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, logFile: string, exited: () => boolean): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exited()) throw new Error(`${what} exited early:\n${tail(logFile)}`);
		if (await check()) return;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${tail(logFile)}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

function tail(file: string, chars = 3000): string {
	try {
		return fs.readFileSync(file, 'utf8').slice(-chars);
	} catch {
		return '';
	}
}

/**
 * A fresh PostgreSQL cluster in `<dir>` (emptied first), listening on 127.0.0.1:<port> only (its
 * socket in the same folder), with durability off (a test database), a database `n8n` owned by the
 * superuser `n8n` (password auth is `trust` on loopback: nothing but this machine reaches it).
 */
export async function startPostgres(dir: string, ports: { from: number; to: number; taken?: number[] }): Promise<PostgresService> {
	const bin = postgresBinDir();
	fs.rmSync(dir, { recursive: true, force: true });
	const dataDir = path.join(dir, 'data');
	fs.mkdirSync(dataDir, { recursive: true });
	if (asRoot()) runQuiet('chown', ['-R', 'postgres:postgres', dir], 'chown of the Postgres folder');
	fs.chmodSync(dataDir, 0o700);
	const user = 'n8n';
	runQuiet(...asPostgres(path.join(bin, 'initdb'), ['-D', dataDir, '-U', user, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions']), 'initdb');
	const port = await freeLoopbackPort(ports.from, ports.to, ports.taken);
	const logFile = path.join(dir, 'postgres.log');
	fs.writeFileSync(logFile, '');
	if (asRoot()) runQuiet('chown', ['postgres:postgres', logFile], 'chown of the Postgres log');
	const settings = ['listen_addresses=127.0.0.1', `port=${port}`, `unix_socket_directories=${dir}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'];
	const [command, args] = asPostgres(path.join(bin, 'postgres'), ['-D', dataDir, ...settings.flatMap((s) => ['-c', s])]);
	const spawned = spawnGroup(command, args, logFile, dir);
	let gone = false;
	void spawned.exited.then(() => (gone = true));
	const service: PostgresService = {
		host: HOST,
		port,
		logFile,
		database: 'n8n',
		user,
		password: 'n8n',
		// SIGINT: Postgres's fast shutdown (SIGTERM would wait for every client to leave)
		stop: () => spawned.stop('SIGINT', 15000),
	};
	try {
		const isReady = () => childProcess.spawnSync(path.join(bin, 'pg_isready'), ['-h', HOST, '-p', String(port), '-U', user, '-q']).status === 0;
		await waitUntil(isReady, 60000, `postgres on ${HOST}:${port}`, logFile, () => gone);
		runQuiet(path.join(bin, 'createdb'), ['-h', HOST, '-p', String(port), '-U', user, 'n8n'], 'createdb n8n');
	} catch (err) {
		await service.stop();
		throw err;
	}
	return service;
}

/** Sends one inline command and resolves with the first line of the answer (or rejects). */
export function redisCommand(port: number, command: string, timeoutMs = 2000): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, HOST);
		let data = '';
		const timer = setTimeout(() => socket.destroy(new Error(`redis ${command}: no answer in ${timeoutMs} ms`)), timeoutMs);
		socket.on('connect', () => socket.write(`${command}\r\n`));
		socket.on('data', (chunk) => {
			data += chunk.toString('utf8');
			if (data.includes('\r\n')) {
				clearTimeout(timer);
				socket.end();
				resolve(data.slice(0, data.indexOf('\r\n')));
			}
		});
		socket.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
	});
}

/** A redis-server on 127.0.0.1:<port> with no persistence, its folder `<dir>` (emptied first). */
export async function startRedis(dir: string, ports: { from: number; to: number; taken?: number[] }): Promise<Service> {
	const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((f) => fs.existsSync(f));
	if (!binary) throw new Error('no redis-server: run the queue stage\'s prepare (node scripts/test.mjs --stage queue), which installs Debian\'s redis-server');
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const port = await freeLoopbackPort(ports.from, ports.to, ports.taken);
	const logFile = path.join(dir, 'redis.log');
	const spawned = spawnGroup(binary, ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'], logFile, dir);
	let gone = false;
	void spawned.exited.then(() => (gone = true));
	const service: Service = { host: HOST, port, logFile, stop: () => spawned.stop('SIGTERM', 10000) };
	try {
		await waitUntil(async () => (await redisCommand(port, 'PING').catch(() => '')) === '+PONG', 30000, `redis-server on ${HOST}:${port}`, logFile, () => gone);
	} catch (err) {
		await service.stop();
		throw err;
	}
	return service;
}
