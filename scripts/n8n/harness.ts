/**
 * One real n8n with this package in it, as the end-to-end suite, the compatibility runs and the
 * bench use it: its own port and user folder, the package installed from its packed tarball exactly
 * as Community Nodes installs it, credentials and workflows imported and published (n8n 2.x) or
 * activated (n8n 1.x) through n8n's CLI, executions read back through the public API. `stop()`
 * always ends the whole process group.
 *
 * What differs between n8n lines is kept in one place each: here, making a workflow live
 * (`publish:workflow` on 2.x, `update:workflow --active=true` on 1.x) and reading executions (1.x's
 * public API lists no unfinished execution and gives no status); in api.ts, the owner and the API key.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { createApiKey, editorGet, signIn, type Session } from './api';
import { installPackageTarball, packRepo, registerCommunityPackage, trustMachineCaInNodesFolder, type RegisteredPackage } from './community';
import { REPO_ROOT, log } from './exec';
import { fatal, httpRequest, waitFor, type HttpResponse } from './http';
import { ensureN8n, type N8nInstall } from './install';
import { DEFAULT_OWNER, bcryptHash, runN8nCli, startN8n, waitForHealthy, type N8nProcess, type StartOptions } from './process';

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

export interface ReadinessProbe {
	path: string;
	probe: (harness: N8nHarness) => Promise<HttpResponse>;
	ready: (res: HttpResponse) => boolean;
}

export interface HarnessOptions {
	/** Preferred port: the first free one from here on is used. */
	port: number;
	workflows: WorkflowSpec[];
	credentials: CredentialSpec[];
	/** Each webhook the run uses and a request that proves it is answered by its node (not 404 / starting up). */
	readiness: ReadinessProbe[];
	/** The n8n version (default: $N8N_VERSION, else 2.41.1); it needs a lock folder in scripts/n8n/versions. */
	n8nVersion?: string;
	/** Where the run's user folder goes (default: the class's `defaultWorkRoot`); the last few runs are kept. */
	workRoot?: string;
	/** The built package to install (default: the repository packed as it is; run `npm run build` first). */
	tarball?: string;
	/** Environment for n8n on every start (e.g. N8N_METRICS=true), beside the harness's own. */
	env?: Record<string, string>;
}

export type { HttpResponse, RegisteredPackage };

/** The major version of an x.y.z version. */
const major = (version: string) => Number(version.split('.')[0]);

export class N8nHarness {
	/** Where runs go unless `workRoot` says otherwise (a subclass may set its own). */
	static defaultWorkRoot = path.join(os.tmpdir(), 'verified-webhooks-n8n');

	private process?: N8nProcess;
	private apiKey?: string;
	private session?: Session;
	private startCount = 0;
	private extraEnv: Record<string, string> = {};
	/** The package as recorded for Settings → Community nodes before n8n started. */
	registered?: RegisteredPackage;

	/** Use `create()`. */
	constructor(
		readonly n8n: N8nInstall,
		readonly userFolder: string,
		readonly options: HarnessOptions,
		private readonly startOptions: StartOptions,
	) {}

	get url(): string {
		if (!this.process) throw new Error('n8n is not running');
		return this.process.url;
	}

	/** The pid of the running n8n, which is also its process group's id (n8n starts detached). */
	get pid(): number | undefined {
		return this.process?.pid;
	}

	/** The n8n version running (or to run). */
	get version(): string {
		return this.n8n.version;
	}

	/**
	 * Installs n8n (cached), packs this package, installs the tarball into a fresh user folder,
	 * imports and publishes the workflows, and starts n8n. Call `stop()` in afterAll, always.
	 */
	static async create<H extends N8nHarness>(this: HarnessClass<H>, options: HarnessOptions): Promise<H> {
		const n8n = await ensureN8n(options.n8nVersion);
		const workRoot = options.workRoot ?? this.defaultWorkRoot;
		fs.mkdirSync(workRoot, { recursive: true });
		// Keep the last few runs' folders (logs) for a look after a failure.
		const previous = fs
			.readdirSync(workRoot)
			.filter((d) => d.startsWith('run-'))
			.sort();
		for (const old of previous.slice(0, Math.max(0, previous.length - 2))) fs.rmSync(path.join(workRoot, old), { recursive: true, force: true });
		const userFolder = fs.mkdtempSync(path.join(workRoot, `run-${new Date().toISOString().replace(/[:.]/g, '-')}-`));
		const port = await freePort(options.port);
		const startOptions: StartOptions = {
			port,
			userFolder,
			encryptionKey: randomBytes(24).toString('hex'),
			owner: { ...DEFAULT_OWNER, passwordHash: bcryptHash(n8n, DEFAULT_OWNER.password) },
			env: { N8N_LOG_LEVEL: 'info', DB_SQLITE_POOL_SIZE: '2', ...options.env },
		};
		const harness = new this(n8n, userFolder, options, startOptions);
		await harness.install();
		await harness.start();
		return harness;
	}

	private async install(): Promise<void> {
		const started = Date.now();
		let tgz = this.options.tarball;
		if (!tgz) {
			if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
			tgz = await packRepo(path.join(this.userFolder, 'pack'));
		}
		await installPackageTarball(this.userFolder, tgz);
		await trustMachineCaInNodesFolder(this.userFolder);
		log(`n8n ${this.version}: ${path.basename(tgz)} installed into ${this.userFolder}/.n8n/nodes (${Date.now() - started} ms)`);

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
					// n8n 2.0.x's import:workflow stores it as given (NOT NULL); later lines make one when it is missing
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
		await this.cli(['import:credentials', `--input=${credentialsFile}`]);
		await this.cli(['import:workflow', `--input=${workflowsFile}`]);
		// every workflow is made live: on 1.x one CLI call for all of them (each call starts n8n's CLI, seconds apiece)
		if (major(this.version) < 2 && this.options.workflows.length > 0) await this.cli(['update:workflow', '--all', '--active=true']);
		else for (const workflow of this.options.workflows) await this.publish(workflow.id);
		// as `npm start` does: listed in Settings → Community nodes like an install from that page
		this.registered = await registerCommunityPackage(this.n8n, this.startOptions);
		log(`n8n ${this.version}: ${this.options.credentials.length} credentials, ${this.options.workflows.length} workflows imported and published (${Date.now() - started} ms)`);
	}

	/**
	 * Makes a workflow live (its production webhooks answer) with n8n stopped: publish on 2.x,
	 * activate on 1.x. n8n 2.0.x publishes only a version its workflow history holds, and its
	 * import:workflow writes none: there the workflow is published through the editor's API at the
	 * next start instead (publishThroughEditor), as a user saves and publishes it.
	 */
	async publish(workflowId: string): Promise<void> {
		if (major(this.version) < 2) {
			await this.cli(['update:workflow', `--id=${workflowId}`, '--active=true']);
			return;
		}
		try {
			await this.cli(['publish:workflow', `--id=${workflowId}`]);
		} catch (err) {
			if (!/Version "[^"]*" not found for workflow/.test((err as Error).message)) throw err;
			this.publishAtStart.add(workflowId);
		}
	}

	private publishAtStart = new Set<string>();

	/** Saves the workflow as the editor does (a version in its history), then publishes that version. */
	private async publishThroughEditor(workflowId: string): Promise<void> {
		const session = await this.ownerSession();
		const headers = { ...session, 'content-type': 'application/json', accept: 'application/json' };
		const { data: workflow } = await editorGet<{ data: Record<string, unknown> & { versionId: string } }>(this.url, session, `/rest/workflows/${workflowId}`);
		const { name, connections, settings, versionId } = workflow;
		// 2.0.x keeps a version only when the nodes or connections change: the nodes move a little, as
		// in an editor before its save (their parameters stay as imported)
		const nodes = (workflow.nodes as Array<{ position?: [number, number] }>).map((node) => ({ ...node, position: [(node.position?.[0] ?? 0) + 20, node.position?.[1] ?? 0] }));
		const saved = await httpRequest(`${this.url}/rest/workflows/${workflowId}`, { method: 'PATCH', headers, body: JSON.stringify({ name, nodes, connections, settings, versionId }) });
		if (saved.status !== 200) throw new Error(`PATCH /rest/workflows/${workflowId}: ${saved.status} ${saved.body.slice(0, 500)}`);
		const newVersion = (JSON.parse(saved.body) as { data: { versionId: string } }).data.versionId;
		const published = await httpRequest(`${this.url}/rest/workflows/${workflowId}/activate`, { method: 'POST', headers, body: JSON.stringify({ versionId: newVersion }) });
		if (published.status !== 200) throw new Error(`POST /rest/workflows/${workflowId}/activate: ${published.status} ${published.body.slice(0, 500)}`);
	}

	/** Runs an n8n CLI command on this user folder (n8n must be stopped). */
	async cli(args: string[]): Promise<string> {
		if (this.process) throw new Error('stop n8n before running its CLI on the same folder');
		return runN8nCli(this.n8n, args, this.startOptions);
	}

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
		const handle = startN8n(this.n8n, { ...this.startOptions, env: { ...this.startOptions.env, ...this.extraEnv }, logFile });
		this.process = handle;
		try {
			await waitForHealthy(handle, { timeoutMs: 180000 });
			if (this.publishAtStart.size) {
				await waitFor(() => handle.logTail(20000).includes('Editor is now accessible'), { timeoutMs: 120000, what: 'the editor' });
				for (const workflowId of this.publishAtStart) await this.publishThroughEditor(workflowId);
				log(`n8n ${this.version}: ${this.publishAtStart.size} workflow(s) published through the editor's API (this n8n's CLI cannot publish an imported workflow)`);
				this.publishAtStart.clear();
			}
			const healthyAfter = Date.now() - started;
			for (const webhook of this.options.readiness) {
				await waitFor(
					async () => {
						if (handle.exitInfo) throw fatal(`n8n exited: ${JSON.stringify(handle.exitInfo)}`);
						return webhook.ready(await webhook.probe(this));
					},
					{ timeoutMs: 120000, intervalMs: 500, what: `webhook ${webhook.path} to be answered by its node` },
				);
			}
			log(`n8n ${this.version}: up at ${handle.url} (healthy after ${healthyAfter} ms, webhooks ready after ${Date.now() - started} ms; log ${logFile})`);
			if (!this.apiKey) this.apiKey = await this.createApiKey();
		} catch (err) {
			const tail = handle.logTail(8000);
			await this.stop();
			throw new Error(`${(err as Error).message}\n--- n8n log (${logFile}) ---\n${tail}`);
		}
	}

	/** SIGTERM, then SIGKILL after `graceMs` (n8n keeps serving webhooks while it waits for its runs). */
	async stop(graceMs?: number): Promise<void> {
		const handle = this.process;
		this.process = undefined;
		this.session = undefined;
		if (handle) await handle.stop(graceMs === undefined ? undefined : { graceMs });
	}

	/** Stops n8n and starts it again on the same database. */
	async restart(graceMs?: number, env?: Record<string, string>): Promise<void> {
		await this.stop(graceMs);
		await this.start(env);
	}

	logTail(chars = 6000): string {
		return this.process?.logTail(chars) ?? '';
	}

	/** The headers of a session of the owner (signed in as the editor does; set up first where n8n asks). */
	private async ownerSession(): Promise<Session> {
		if (!this.session) this.session = await signIn(this.url, DEFAULT_OWNER);
		return this.session;
	}

	/** GET on the editor's own API (`/rest/...`, `/types/...`) as the signed-in owner; the body parsed as JSON. */
	async editorGet<T>(pathAndQuery: string): Promise<T> {
		return editorGet<T>(this.url, await this.ownerSession(), pathAndQuery);
	}

	private async createApiKey(): Promise<string> {
		return createApiKey(this.url, await this.ownerSession(), 'e2e');
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
		// n8n 1.x's public API never lists unfinished executions: the editor's list has them
		const oneX = major(this.version) < 2;
		if (includeRunning && oneX) for (const execution of await this.unfinishedExecutions(workflowId)) all.set(execution.id, execution);
		// 2.x's list leaves out running executions unless asked for them by status
		for (const status of includeRunning && !oneX ? ['', 'running'] : ['']) {
			let cursor: string | undefined;
			do {
				const page = await this.api<{ data: Execution[]; nextCursor?: string | null }>(
					`/executions?workflowId=${encodeURIComponent(workflowId)}${status ? `&status=${status}` : ''}&includeData=${includeData}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
				);
				for (const execution of page.data) all.set(String(execution.id), withStatus(execution));
				cursor = page.nextCursor ?? undefined;
				if (afterId !== undefined && page.data.some((e) => Number(e.id) <= afterId)) cursor = undefined;
			} while (cursor);
		}
		const kept = [...all.values()].filter((e) => afterId === undefined || Number(e.id) > afterId);
		return kept.sort((a, b) => Number(b.id) - Number(a.id));
	}

	/** The executions of a workflow that have not finished (new, running), from the editor's own list. */
	async unfinishedExecutions(workflowId: string): Promise<Execution[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status: ['new', 'running'] }));
		const { data } = await this.editorGet<{ data: { results: Execution[] } }>(`/rest/executions?filter=${filter}&limit=250`);
		return data.results.map((e) => ({ ...e, id: String(e.id) }));
	}

	/** POST a raw body to a production webhook. */
	async post(webhookPath: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpResponse> {
		return httpRequest(`${this.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
	}
}

/**
 * n8n 1.x's public API gives no `status` (and a numeric id): derived from what it does give, as 2.x
 * would say it (finished: success; stopped unfinished: error; waitTill: waiting; else running).
 */
function withStatus(execution: Execution): Execution {
	const id = String(execution.id);
	if (execution.status) return { ...execution, id };
	const waiting = (execution as { waitTill?: string | null }).waitTill;
	const status = execution.finished ? 'success' : waiting ? 'waiting' : execution.stoppedAt ? 'error' : 'running';
	return { ...execution, id, status };
}

/** What `create` needs of the class it is called on (N8nHarness or a subclass). */
export interface HarnessClass<H extends N8nHarness> {
	new (n8n: N8nInstall, userFolder: string, options: HarnessOptions, startOptions: StartOptions): H;
	defaultWorkRoot: string;
}

function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The first port from `preferred` on where n8n (port) and its task broker (port + 10000) can listen. */
export async function freePort(preferred: number): Promise<number> {
	for (let port = preferred; port < preferred + 50; port++) {
		if ((await portIsFree(port)) && (await portIsFree(port + 10000))) return port;
	}
	throw new Error(`no free port in ${preferred}..${preferred + 49}`);
}

/** Fresh ids for each run, so that runs never see another run's data. */
export function uniqueTag(): string {
	return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
