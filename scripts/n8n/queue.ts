/**
 * n8n in queue mode: one main (`n8n start`), one `n8n worker` and N `n8n webhook` processes over
 * one Postgres and one Redis (EXECUTIONS_MODE=queue, DB_TYPE=postgresdb, QUEUE_BULL_REDIS_*), one
 * N8N_ENCRYPTION_KEY, each process with its own user folder and this package installed in it as
 * Community Nodes installs it (community.ts). Credentials and workflows are imported and published
 * once through the main's CLI, and the package is recorded once in n8n's Postgres tables (the
 * database is shared). Composed from process.ts (n8n's environment, `startN8n` with its `command`,
 * `/healthz`) and api.ts (owner session, API key); executions are read through the main's public
 * API. `stop()` ends every process group, whatever happened.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { createApiKey, signIn } from './api';
import { installPackageTarball, packRepo, trustMachineCaInNodesFolder, type RegisteredPackage } from './community';
import { PACKAGE_NAME, REPO_ROOT, log } from './exec';
import type { CredentialSpec, Execution, WorkflowSpec } from './harness';
import { httpRequest, waitFor } from './http';
import { ensureN8n, type N8nInstall } from './install';
import { DEFAULT_OWNER, bcryptHash, n8nEnv, runN8nCli, startN8n, waitForHealthy, type N8nProcess, type StartOptions } from './process';

export interface QueueDatabase {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
}

export interface QueueRedis {
	host: string;
	port: number;
}

export type QueueRole = 'main' | 'worker' | 'webhook';

export interface QueueClusterOptions {
	/** Where the user folders go (emptied first). */
	workDir: string;
	/** The loopback ports the processes may take (each takes two: its own and its task broker's). */
	ports: { from: number; to: number; taken?: number[] };
	postgres: QueueDatabase;
	redis: QueueRedis;
	workflows: WorkflowSpec[];
	credentials: CredentialSpec[];
	/** How many `n8n webhook` processes (default 2). */
	webhookProcesses?: number;
	/** Whether a webhook process answers with the node under test (a request of yours; not 404 / starting up). */
	ready: (baseUrl: string) => Promise<boolean>;
	n8nVersion?: string;
	/** The built package to install (default: the repository packed as it is; build first). */
	tarball?: string;
	/** More variables for every process. */
	env?: Record<string, string>;
	/** More variables for the processes of one role (they win over `env`). */
	roleEnv?: Partial<Record<QueueRole, Record<string, string>>>;
}

/** One process of the cluster. */
export class QueueMember {
	handle?: N8nProcess;
	starts = 0;
	/** More variables for this process's next starts (they win over the cluster's). */
	extraEnv: Record<string, string> = {};
	constructor(
		readonly role: QueueRole,
		readonly name: string,
		readonly port: number,
		readonly brokerPort: number,
		readonly userFolder: string,
	) {}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get logFile(): string {
		return path.join(this.userFolder, `n8n-${this.starts}.log`);
	}

	logTail(chars = 6000): string {
		return this.handle?.logTail(chars) ?? '';
	}
}

/** What a graceful stop (SIGTERM) of a process did: how long it took and what n8n said while it waited. */
export interface StopReport {
	member: string;
	ms: number;
	exit: string;
	/** The largest N of n8n's "Waiting for N active executions to finish..." lines. */
	maxWaitingFor: number;
	timedOut: boolean;
}

const portIsFree = (port: number) =>
	new Promise<boolean>((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});

/**
 * What a child on n8n's Node runs to record the installed package in n8n's Postgres tables, as
 * Settings → Community nodes does after an install (community.ts does the same in SQLite): the
 * package loaded with n8n's own PackageDirectoryLoader, then one `installed_packages` row and one
 * `installed_nodes` row per node, replacing earlier rows, in one transaction (n8n's own `pg`).
 */
const REGISTER_PG_SCRIPT = `
const path = require('node:path');
const { createRequire } = require('node:module');
const [packageDir, n8nPackageDir, connection] = process.argv.slice(1);
const n8nRequire = createRequire(path.join(n8nPackageDir, 'package.json'));
const { Client } = n8nRequire('pg');
(async () => {
	const { PackageDirectoryLoader } = n8nRequire('n8n-core');
	const loader = new PackageDirectoryLoader(packageDir);
	await loader.loadAll();
	const { packageJson, nodeTypes, loadedNodes } = loader;
	const nodes = loadedNodes.map((node) => ({ name: nodeTypes[node.name].type.description.displayName, type: packageJson.name + '.' + node.name, latestVersion: node.version }));
	if (nodes.length === 0) throw new Error(packageJson.name + ': n8n loaded no node from ' + packageDir);
	const client = new Client(JSON.parse(connection));
	await client.connect();
	try {
		await client.query('BEGIN');
		await client.query('DELETE FROM installed_nodes WHERE package = $1', [packageJson.name]);
		await client.query('DELETE FROM installed_packages WHERE "packageName" = $1', [packageJson.name]);
		await client.query('INSERT INTO installed_packages ("packageName", "installedVersion", "authorName", "authorEmail", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, NOW(), NOW())', [
			packageJson.name, packageJson.version, packageJson.author?.name ?? null, packageJson.author?.email ?? null,
		]);
		for (const node of nodes) await client.query('INSERT INTO installed_nodes (name, type, "latestVersion", package) VALUES ($1, $2, $3, $4)', [node.name, node.type, node.latestVersion, packageJson.name]);
		await client.query('COMMIT');
	} catch (err) {
		await client.query('ROLLBACK').catch(() => undefined);
		throw err;
	} finally {
		await client.end();
	}
	process.stdout.write(JSON.stringify({ packageName: packageJson.name, installedVersion: packageJson.version, nodes }) + '\\n');
})().catch((err) => {
	process.stderr.write(String((err && err.stack) || err) + '\\n');
	process.exit(1);
});
`;

export class QueueCluster {
	readonly members: QueueMember[] = [];
	private apiKey?: string;
	registered?: RegisteredPackage;

	private constructor(
		readonly n8n: N8nInstall,
		readonly options: QueueClusterOptions,
		private readonly common: Omit<StartOptions, 'port' | 'userFolder'>,
	) {}

	get main(): QueueMember {
		return this.members.find((m) => m.role === 'main')!;
	}

	get worker(): QueueMember {
		return this.members.find((m) => m.role === 'worker')!;
	}

	get webhooks(): QueueMember[] {
		return this.members.filter((m) => m.role === 'webhook');
	}

	/**
	 * Installs n8n (cached), the package into every user folder, imports and publishes the
	 * workflows, records the package, and starts main, worker and webhook processes. On a failure
	 * everything started is stopped before the error is thrown; otherwise call `stop()`, always.
	 */
	static async create(options: QueueClusterOptions): Promise<QueueCluster> {
		const n8n = await ensureN8n(options.n8nVersion);
		const common = {
			encryptionKey: randomBytes(24).toString('hex'),
			owner: { ...DEFAULT_OWNER, passwordHash: bcryptHash(n8n, DEFAULT_OWNER.password) },
		};
		const cluster = new QueueCluster(n8n, options, common);
		try {
			await cluster.layOut();
			await cluster.install();
			await cluster.startAll();
		} catch (err) {
			await cluster.stop();
			throw err;
		}
		return cluster;
	}

	/** Ports and user folders: main, worker, webhook-1..N. */
	private async layOut(): Promise<void> {
		const { workDir, ports } = this.options;
		fs.rmSync(workDir, { recursive: true, force: true });
		fs.mkdirSync(workDir, { recursive: true });
		const taken = new Set(ports.taken ?? []);
		const next = async () => {
			for (let port = ports.from; port <= ports.to; port++) {
				if (taken.has(port)) continue;
				taken.add(port);
				if (await portIsFree(port)) return port;
			}
			throw new Error(`no free port left in ${ports.from}..${ports.to}`);
		};
		const roles: Array<[QueueRole, string]> = [['main', 'main'], ['worker', 'worker']];
		for (let i = 1; i <= (this.options.webhookProcesses ?? 2); i++) roles.push(['webhook', `webhook-${i}`]);
		for (const [role, name] of roles) {
			const port = await next();
			const brokerPort = await next();
			this.members.push(new QueueMember(role, name, port, brokerPort, path.join(workDir, name)));
		}
	}

	/** The variables every process of the cluster shares (queue mode, Postgres, Redis) plus its own. */
	private env(member: QueueMember): Record<string, string> {
		const { postgres, redis } = this.options;
		return {
			N8N_LOG_LEVEL: 'info',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			N8N_RUNNERS_BROKER_PORT: String(member.brokerPort),
			// the main serves the editor and the API; the webhook processes receive the production webhooks
			...(member.role === 'main' ? { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' } : {}),
			...(member.role === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(member.port) } : {}),
			...this.options.env,
			...this.options.roleEnv?.[member.role],
			...member.extraEnv,
		};
	}

	private startOptions(member: QueueMember): StartOptions {
		return { ...this.common, port: member.port, userFolder: member.userFolder, env: this.env(member) };
	}

	private async install(): Promise<void> {
		const started = Date.now();
		let tgz = this.options.tarball;
		if (!tgz) {
			if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
			tgz = await packRepo(path.join(this.options.workDir, 'pack'));
		}
		for (const member of this.members) {
			fs.mkdirSync(member.userFolder, { recursive: true });
			await installPackageTarball(member.userFolder, tgz);
			await trustMachineCaInNodesFolder(member.userFolder);
		}
		log(`queue: ${path.basename(tgz)} installed into ${this.members.length} user folders (${Date.now() - started} ms)`);
		const main = this.main;
		const credentialsFile = path.join(main.userFolder, 'credentials.json');
		fs.writeFileSync(credentialsFile, JSON.stringify(this.options.credentials, null, 2));
		const workflowsFile = path.join(main.userFolder, 'workflows.json');
		fs.writeFileSync(
			workflowsFile,
			JSON.stringify(
				this.options.workflows.map((w) => ({
					id: w.id,
					name: w.name,
					active: false,
					versionId: randomUUID(),
					nodes: w.nodes,
					connections: w.connections ?? {},
					settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all', saveManualExecutions: true, ...w.settings },
					pinData: {},
				})),
				null,
				2,
			),
		);
		// the first command runs n8n's migrations on the empty Postgres database
		await runN8nCli(this.n8n, ['import:credentials', `--input=${credentialsFile}`], this.startOptions(main));
		await runN8nCli(this.n8n, ['import:workflow', `--input=${workflowsFile}`], this.startOptions(main));
		for (const workflow of this.options.workflows) await runN8nCli(this.n8n, ['publish:workflow', `--id=${workflow.id}`], this.startOptions(main));
		this.registered = await this.registerPackage(main);
		log(`queue: ${this.options.credentials.length} credentials, ${this.options.workflows.length} workflows imported and published, package recorded (${Date.now() - started} ms)`);
	}

	/** Records the package in n8n's shared Postgres tables once (as registerCommunityPackage does in SQLite). */
	private registerPackage(member: QueueMember): Promise<RegisteredPackage> {
		const packageDir = path.join(member.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		const { host, port, database, user, password } = this.options.postgres;
		const env = { ...n8nEnv(this.n8n, this.startOptions(member)), NODE_PATH: path.join(this.n8n.dir, 'node_modules') };
		return new Promise((resolve, reject) => {
			childProcess.execFile(
				this.n8n.node.bin,
				['-e', REGISTER_PG_SCRIPT, packageDir, this.n8n.n8nPackageDir, JSON.stringify({ host, port, database, user, password })],
				{ cwd: member.userFolder, env, maxBuffer: 4 * 1024 * 1024 },
				(err, stdout, stderr) => {
					if (err) return reject(new Error(`recording ${PACKAGE_NAME} in n8n's Postgres tables failed (${err.code ?? err.signal}):\n${String(stderr).slice(-4000)}`));
					resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as RegisteredPackage);
				},
			);
		});
	}

	private async startAll(): Promise<void> {
		const started = Date.now();
		// the main first: it activates the workflows (their webhooks go into the database the
		// webhook processes read); then the worker and the webhook processes side by side
		await this.start(this.main);
		await Promise.all([this.worker, ...this.webhooks].map((m) => this.start(m)));
		log(`queue: main, worker and ${this.webhooks.length} webhook processes up (${Date.now() - started} ms)`);
	}

	/** Starts one process (again) and waits until it is ready for its role. */
	async start(member: QueueMember): Promise<void> {
		if (member.handle && !member.handle.exitInfo) return;
		const started = Date.now();
		member.starts += 1;
		const handle = startN8n(this.n8n, { ...this.startOptions(member), command: member.role === 'main' ? 'start' : member.role, logFile: member.logFile });
		member.handle = handle;
		try {
			await waitForHealthy(handle, { timeoutMs: 180000 });
			if (member.role === 'main') {
				await waitFor(() => handle.logTail(40000).includes('Editor is now accessible'), { timeoutMs: 120000, what: `the editor of ${member.name}` });
				if (!this.apiKey) this.apiKey = await createApiKey(member.url, await signIn(member.url, DEFAULT_OWNER), 'queue');
			}
			if (member.role === 'webhook') {
				await waitFor(
					async () => {
						if (handle.exitInfo) throw Object.assign(new Error(`${member.name} exited: ${JSON.stringify(handle.exitInfo)}`), { fatal: true });
						return this.options.ready(member.url);
					},
					{ timeoutMs: 120000, intervalMs: 500, what: `${member.name}'s webhooks to be answered by their node` },
				);
			}
			log(`queue: ${member.name} (${member.role}) up at ${member.url} after ${Date.now() - started} ms (log ${member.logFile})`);
		} catch (err) {
			const tail = handle.logTail(8000);
			await handle.stop({ graceMs: 5000 });
			throw new Error(`${(err as Error).message}\n--- ${member.name} log (${member.logFile}) ---\n${tail}`);
		}
	}

	/**
	 * SIGTERM to one process, as an orchestrator stops it; SIGKILL after `graceMs`. Reports how long
	 * n8n took and what it said while it waited (n8n's own limit is N8N_GRACEFUL_SHUTDOWN_TIMEOUT, 30 s).
	 */
	async stopMember(member: QueueMember, graceMs = 40000): Promise<StopReport> {
		const handle = member.handle;
		if (!handle) return { member: member.name, ms: 0, exit: 'not running', maxWaitingFor: 0, timedOut: false };
		const before = fs.existsSync(handle.logFile) ? fs.statSync(handle.logFile).size : 0;
		const started = Date.now();
		await handle.stop({ graceMs });
		const ms = Date.now() - started;
		const said = fs.readFileSync(handle.logFile, 'utf8').slice(before);
		const waits = [...said.matchAll(/Waiting for (\d+) active executions to finish/g)].map((m) => Number(m[1]));
		const info = handle.exitInfo;
		member.handle = undefined;
		return {
			member: member.name,
			ms,
			exit: info ? (info.signal ?? `exit ${info.code}`) : 'killed',
			maxWaitingFor: waits.length ? Math.max(...waits) : 0,
			timedOut: /Shutdown timed out/i.test(said) || ms >= graceMs,
		};
	}

	/** Graceful stop and start again of one process; the stop's report. */
	async restart(member: QueueMember, graceMs?: number): Promise<StopReport> {
		const report = await this.stopMember(member, graceMs);
		await this.start(member);
		return report;
	}

	/** Every process stopped (webhook processes, then the worker, then the main), whatever happens. */
	async stop(): Promise<void> {
		const order = [...this.webhooks, this.worker, this.main].filter(Boolean);
		await Promise.all(order.filter((m) => m.role === 'webhook').map((m) => m.handle?.stop({ graceMs: 15000 })));
		for (const member of order.filter((m) => m.role !== 'webhook')) await member.handle?.stop({ graceMs: 15000 });
	}

	/** GET on the main's public API (`/api/v1/...`). */
	async api<T>(pathAndQuery: string): Promise<T> {
		if (!this.apiKey) throw new Error('no API key yet');
		const res = await httpRequest(`${this.main.url}/api/v1${pathAndQuery}`, { headers: { 'X-N8N-API-KEY': this.apiKey, accept: 'application/json' }, timeoutMs: 60000 });
		if (res.status !== 200) throw new Error(`GET /api/v1${pathAndQuery}: ${res.status} ${res.body.slice(0, 500)}`);
		return JSON.parse(res.body) as T;
	}

	/** Executions of a workflow newer than `afterId` (finished and unfinished), newest first. */
	async executions(workflowId: string, { includeData = false, afterId = 0 }: { includeData?: boolean; afterId?: number } = {}): Promise<Execution[]> {
		const all = new Map<string, Execution>();
		for (const status of ['', 'running', 'new']) {
			let cursor: string | undefined;
			do {
				const page = await this.api<{ data: Execution[]; nextCursor?: string | null }>(
					`/executions?workflowId=${encodeURIComponent(workflowId)}${status ? `&status=${status}` : ''}&includeData=${includeData}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
				).catch((err: Error) => {
					// a status this n8n's API does not take (`new`) lists nothing more
					if (status === 'new' && /\b400\b/.test(err.message)) return { data: [], nextCursor: null };
					throw err;
				});
				for (const execution of page.data) all.set(String(execution.id), { ...execution, id: String(execution.id) });
				cursor = page.nextCursor ?? undefined;
				if (page.data.some((e) => Number(e.id) <= afterId)) cursor = undefined;
			} while (cursor);
		}
		return [...all.values()].filter((e) => Number(e.id) > afterId).sort((a, b) => Number(b.id) - Number(a.id));
	}

	/** The highest execution id of a workflow now (0 when none). */
	async executionMark(workflowId: string): Promise<number> {
		const page = await this.api<{ data: Execution[] }>(`/executions?workflowId=${encodeURIComponent(workflowId)}&limit=1`);
		return page.data.length ? Number(page.data[0].id) : 0;
	}
}
