/**
 * One real n8n for an end-to-end run: its own port and user folder, this package installed from its
 * packed tarball exactly as Community Nodes installs it, workflows imported and published through
 * n8n's CLI, executions read back through the public API. `stop()` always ends the whole process
 * group. See test/e2e/README.md.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

// The runtime is plain CommonJS (shared with `npm start`), typed here.
const runtime: Runtime = require('../../scripts/n8n-runtime.cjs');

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

interface N8nInstall {
	dir: string;
	version: string;
	node: { version: string; bin: string };
}

interface N8nProcess {
	url: string;
	port: number;
	pid: number;
	logFile: string;
	exitInfo?: { code: number | null; signal: string | null };
	stop(options?: { graceMs?: number }): Promise<void>;
	logTail(chars?: number): string;
}

interface StartOptions {
	port: number;
	userFolder: string;
	logFile?: string;
	encryptionKey?: string;
	owner?: { email: string; password: string; firstName: string; lastName: string; passwordHash?: string };
	env?: Record<string, string>;
}

interface Runtime {
	REPO_ROOT: string;
	PACKAGE_NAME: string;
	DEFAULT_OWNER: { email: string; password: string; firstName: string; lastName: string };
	ensureN8n(): Promise<N8nInstall>;
	bcryptHash(n8n: N8nInstall, password: string): string;
	runN8nCli(n8n: N8nInstall, args: string[], options: StartOptions): Promise<string>;
	startN8n(n8n: N8nInstall, options: StartOptions): N8nProcess;
	waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, options?: { timeoutMs?: number; intervalMs?: number; what?: string }): Promise<T>;
	waitForHealthy(handle: N8nProcess, options?: { timeoutMs?: number }): Promise<unknown>;
	httpRequest(url: string, options?: { method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpResponse>;
	installPackageTarball(userFolder: string, tgz: string): Promise<string>;
	registerCommunityPackage(n8n: N8nInstall, options: StartOptions): Promise<RegisteredPackage>;
	NODE_SEARCH_TERM: string;
	packRepo(destination: string): Promise<string>;
	run(command: string, args: string[], options?: { cwd?: string; quiet?: boolean; label?: string }): Promise<string>;
	npmCliPath(): string;
	log(message: string): void;
}

export const { waitFor, httpRequest, log } = runtime;

/** The term that finds this package's nodes in the editor's node panel (shared with `npm start`). */
export const NODE_SEARCH_TERM = runtime.NODE_SEARCH_TERM;

/** What registerCommunityPackage wrote to n8n's installed_packages / installed_nodes tables. */
export interface RegisteredPackage {
	packageName: string;
	installedVersion: string;
	nodes: Array<{ name: string; type: string; latestVersion: number }>;
}

export interface WorkflowSpec {
	id: string;
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections?: Record<string, unknown>;
	/** Workflow settings added to the defaults below (e.g. `errorWorkflow`). */
	settings?: Record<string, unknown>;
}

export interface CredentialSpec {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface Execution {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt?: string;
	stoppedAt?: string | null;
	data?: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> } }>>; error?: unknown } };
}

export interface HarnessOptions {
	/** Preferred port: the first free one from here on is used. */
	port: number;
	workflows: WorkflowSpec[];
	credentials: CredentialSpec[];
	/** Each webhook the suite uses and a request that proves it is answered by its node (not 404 / starting up). */
	readiness: Array<{ path: string; probe: (harness: N8nHarness) => Promise<HttpResponse>; ready: (res: HttpResponse) => boolean }>;
}

const WORK_ROOT = path.join(runtime.REPO_ROOT, 'test', 'e2e', '.work');

export class N8nHarness {
	private process?: N8nProcess;
	private apiKey?: string;
	private session?: Record<string, string>;
	private startCount = 0;
	/** The package as recorded for Settings → Community nodes before n8n started. */
	registered?: RegisteredPackage;

	private constructor(
		readonly n8n: N8nInstall,
		readonly userFolder: string,
		readonly options: HarnessOptions,
		private readonly startOptions: StartOptions,
	) {}

	get url(): string {
		if (!this.process) throw new Error('n8n is not running');
		return this.process.url;
	}

	/**
	 * Installs n8n (cached), packs this package, installs the tarball into a fresh user folder,
	 * imports and publishes the workflows, and starts n8n. Call `stop()` in afterAll, always.
	 */
	static async create(options: HarnessOptions): Promise<N8nHarness> {
		const n8n = await runtime.ensureN8n();
		fs.mkdirSync(WORK_ROOT, { recursive: true });
		// Keep the last few runs' folders (logs) for a look after a failure.
		const previous = fs.readdirSync(WORK_ROOT).filter((d) => d.startsWith('run-')).sort();
		for (const old of previous.slice(0, Math.max(0, previous.length - 2))) fs.rmSync(path.join(WORK_ROOT, old), { recursive: true, force: true });
		const userFolder = fs.mkdtempSync(path.join(WORK_ROOT, `run-${new Date().toISOString().replace(/[:.]/g, '-')}-`));
		const password = runtime.DEFAULT_OWNER.password;
		const port = await freePort(options.port);
		const startOptions: StartOptions = {
			port,
			userFolder,
			encryptionKey: randomBytes(24).toString('hex'),
			owner: { ...runtime.DEFAULT_OWNER, passwordHash: runtime.bcryptHash(n8n, password) },
			env: { N8N_LOG_LEVEL: 'info', DB_SQLITE_POOL_SIZE: '2' },
		};
		const harness = new N8nHarness(n8n, userFolder, options, startOptions);
		await harness.install();
		await harness.start();
		return harness;
	}

	private async install(): Promise<void> {
		const distNode = path.join(runtime.REPO_ROOT, 'dist', 'nodes');
		if (!fs.existsSync(distNode)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
		const started = Date.now();
		const packDir = path.join(this.userFolder, 'pack');
		const tgz = await runtime.packRepo(packDir);
		await runtime.installPackageTarball(this.userFolder, tgz);
		log(`e2e: ${path.basename(tgz)} installed into ${this.userFolder}/.n8n/nodes (${Date.now() - started} ms)`);

		const credentialsFile = path.join(this.userFolder, 'credentials.json');
		fs.writeFileSync(credentialsFile, JSON.stringify(this.options.credentials, null, 2));
		const workflowsFile = path.join(this.userFolder, 'workflows.json');
		fs.writeFileSync(
			workflowsFile,
			JSON.stringify(
				this.options.workflows.map((w) => ({
					id: w.id,
					name: w.name,
					active: false,
					nodes: w.nodes,
					connections: w.connections ?? {},
					settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all', saveManualExecutions: true, ...w.settings },
					pinData: {},
				})),
				null,
				2,
			),
		);
		await this.cli(['import:credentials', `--input=${credentialsFile}`]);
		await this.cli(['import:workflow', `--input=${workflowsFile}`]);
		for (const workflow of this.options.workflows) {
			await this.cli(['publish:workflow', `--id=${workflow.id}`]);
		}
		// as `npm start` does: listed in Settings → Community nodes like an install from that page
		this.registered = await runtime.registerCommunityPackage(this.n8n, this.startOptions);
		log(`e2e: ${this.options.credentials.length} credentials, ${this.options.workflows.length} workflows imported and published (${Date.now() - started} ms)`);
	}

	/** Runs an n8n CLI command on this user folder (n8n must be stopped). */
	async cli(args: string[]): Promise<string> {
		if (this.process) throw new Error('stop n8n before running its CLI on the same folder');
		return runtime.runN8nCli(this.n8n, args, this.startOptions);
	}

	private extraEnv: Record<string, string> = {};

	/** Starts n8n (again); `env` adds variables to this and later starts (e.g. NODE_OPTIONS for a profile). */
	async start(env?: Record<string, string>): Promise<void> {
		if (this.process) return;
		if (env) this.extraEnv = env;
		const started = Date.now();
		// The port was free when the run began; the install and imports take minutes, during which
		// another n8n on this machine may have taken it: the first free one from there on.
		this.startOptions.port = await freePort(this.startOptions.port);
		this.startCount += 1;
		const logFile = path.join(this.userFolder, `n8n-${this.startCount}.log`);
		this.process = runtime.startN8n(this.n8n, { ...this.startOptions, env: { ...this.startOptions.env, ...this.extraEnv }, logFile });
		try {
			await runtime.waitForHealthy(this.process, { timeoutMs: 180000 });
			const healthyAfter = Date.now() - started;
			for (const webhook of this.options.readiness) {
				await waitFor(
					async () => {
						// fatal: waiting cannot help
						if (this.process?.exitInfo) throw Object.assign(new Error(`n8n exited: ${JSON.stringify(this.process.exitInfo)}`), { fatal: true });
						const res = await webhook.probe(this);
						return webhook.ready(res);
					},
					{ timeoutMs: 120000, intervalMs: 500, what: `webhook ${webhook.path} to be answered by its node` },
				);
			}
			log(`e2e: n8n ${this.n8n.version} up at ${this.process.url} (healthy after ${healthyAfter} ms, webhooks ready after ${Date.now() - started} ms; log ${logFile})`);
			if (!this.apiKey) this.apiKey = await this.createApiKey();
		} catch (err) {
			const tail = this.process.logTail(8000);
			await this.stop();
			throw new Error(`${(err as Error).message}\n--- n8n log (${logFile}) ---\n${tail}`);
		}
	}

	/** SIGTERM, then SIGKILL after `graceMs` (n8n keeps serving webhooks while it waits for its runs). */
	async stop(graceMs?: number): Promise<void> {
		const process = this.process;
		this.process = undefined;
		this.session = undefined;
		if (process) await process.stop(graceMs === undefined ? undefined : { graceMs });
	}

	/** Stops n8n and starts it again on the same database. */
	async restart(graceMs?: number, env?: Record<string, string>): Promise<void> {
		await this.stop(graceMs);
		await this.start(env);
	}

	logTail(chars = 6000): string {
		return this.process?.logTail(chars) ?? '';
	}

	/** The headers of a session of the owner (signed in through POST /rest/login, as the editor does). */
	private async ownerSession(): Promise<Record<string, string>> {
		if (this.session) return this.session;
		const browserId = 'verified-webhooks-e2e';
		const login = await httpRequest(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': browserId },
			body: JSON.stringify({ emailOrLdapLoginId: runtime.DEFAULT_OWNER.email, password: runtime.DEFAULT_OWNER.password }),
		});
		if (login.status !== 200) throw new Error(`POST /rest/login: ${login.status} ${login.body}`);
		const setCookie = login.headers['set-cookie'];
		const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
			.map((c) => c.split(';')[0])
			.filter(Boolean)
			.join('; ');
		this.session = { cookie, 'browser-id': browserId };
		return this.session;
	}

	/** GET on the editor's own API (`/rest/...`, `/types/...`) as the signed-in owner; the body parsed as JSON. */
	async editorGet<T>(pathAndQuery: string): Promise<T> {
		const res = await httpRequest(`${this.url}${pathAndQuery}`, { headers: { ...(await this.ownerSession()), accept: 'application/json' } });
		if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: ${res.status} ${res.body.slice(0, 500)}`);
		return JSON.parse(res.body) as T;
	}

	private async createApiKey(): Promise<string> {
		const session = await this.ownerSession();
		const scopesRes = await httpRequest(`${this.url}/rest/api-keys/scopes`, { headers: session });
		if (scopesRes.status !== 200) throw new Error(`GET /rest/api-keys/scopes: ${scopesRes.status} ${scopesRes.body}`);
		const scopes = (JSON.parse(scopesRes.body) as { data: string[] }).data;
		const created = await httpRequest(`${this.url}/rest/api-keys`, {
			method: 'POST',
			headers: { ...session, 'content-type': 'application/json' },
			body: JSON.stringify({ label: 'e2e', scopes, expiresAt: null }),
		});
		if (created.status !== 200) throw new Error(`POST /rest/api-keys: ${created.status} ${created.body}`);
		return (JSON.parse(created.body) as { data: { rawApiKey: string } }).data.rawApiKey;
	}

	/** GET on the public API (`/api/v1/...`). */
	async api<T>(pathAndQuery: string): Promise<T> {
		if (!this.apiKey) throw new Error('no API key yet');
		const res = await httpRequest(`${this.url}/api/v1${pathAndQuery}`, { headers: { 'X-N8N-API-KEY': this.apiKey, accept: 'application/json' } });
		if (res.status !== 200) throw new Error(`GET /api/v1${pathAndQuery}: ${res.status} ${res.body}`);
		return JSON.parse(res.body) as T;
	}

	/**
	 * Every execution of a workflow, newest first, with its data unless `includeData` is false;
	 * with `afterId`, only those whose id is greater (pages stop as soon as they reach it).
	 */
	async executions(workflowId: string, { includeData = true, afterId, includeRunning = false }: { includeData?: boolean; afterId?: number; includeRunning?: boolean } = {}): Promise<Execution[]> {
		const all = new Map<string, Execution>();
		// the list leaves out running executions unless asked for them by status
		for (const status of includeRunning ? ['', 'running'] : ['']) {
			let cursor: string | undefined;
			do {
				const page = await this.api<{ data: Execution[]; nextCursor?: string | null }>(
					`/executions?workflowId=${encodeURIComponent(workflowId)}${status ? `&status=${status}` : ''}&includeData=${includeData}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
				);
				for (const execution of page.data) all.set(execution.id, execution);
				cursor = page.nextCursor ?? undefined;
				if (afterId !== undefined && page.data.some((e) => Number(e.id) <= afterId)) cursor = undefined;
			} while (cursor);
		}
		const kept = [...all.values()].filter((e) => afterId === undefined || Number(e.id) > afterId);
		return kept.sort((a, b) => Number(b.id) - Number(a.id));
	}

	/** POST a raw body to a production webhook. */
	async post(webhookPath: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpResponse> {
		return httpRequest(`${this.url}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body,
		});
	}
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The first port from `preferred` on where n8n (port) and its task broker (port + 10000) can listen. */
async function freePort(preferred: number): Promise<number> {
	for (let port = preferred; port < preferred + 50; port++) {
		if ((await portIsFree(port)) && (await portIsFree(port + 10000))) return port;
	}
	throw new Error(`no free port in ${preferred}..${preferred + 49}`);
}

/** Fresh ids for each run, so that suites never see another run's data. */
export function uniqueTag(): string {
	return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
