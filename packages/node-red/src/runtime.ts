/**
 * The Node-RED host of the request pipeline (nodes/shared/core/deliver.ts), as the n8n host is
 * nodes/shared/pipeline.ts: each trigger node listens on its own path of Node-RED's `httpNode`
 * server, reads the body's exact bytes itself (never Node-RED's parsed body), hands the request,
 * its settings, its config node's secrets and its dedupe record to `processDelivery`, answers the
 * provider from the Outcome, and sends the item on output 1 (Event) or 2 (Unrecognized).
 *
 * Nothing here verifies, parses, normalizes or deduplicates: the shared core does, bundled into
 * this file at build time (build.mjs).
 *
 * Dedupe: one DedupeStore per node for the life of the Node-RED process (core/dedupe.ts
 * `dedupeStoreFor`, so a redeploy keeps it), recorded through core/record.ts `recordIn`; its
 * persisted form is kept in the node's context (key `verifiedWebhooksDedupe`, in the context
 * store the node names, else Node-RED's default one), loaded when the node starts and written
 * before the provider gets its 200. With a persistent store (`localfilesystem`) it survives a
 * restart; with the default `memory` store, only the life of the process.
 */
import { credentialSecrets, processDelivery, type DeliveryHost, type Outcome } from '../../../nodes/shared/core/deliver';
import { dedupeStoreFor } from '../../../nodes/shared/core/dedupe';
import type { HeaderBag } from '../../../nodes/shared/core/headers';
import { recordIn, settleOnAnswer, type DeliveryCheck, type Persistence } from '../../../nodes/shared/core/record';
import { RejectionLog } from '../../../nodes/shared/core/rejectionLog';
import type { EventFilter, ProviderDefinition } from '../../../nodes/shared/definition';
import type { TriggerOptions } from '../../../nodes/shared/options';
import { definitionFromParameters, SCHEME_PARAMETERS, type SchemeParameters } from '../../../nodes/VerifiedWebhookTrigger/verifiedWebhook.definition';
import { nodeSet, type NodeSet } from './nodeSets';

/** The context key of a node's dedupe record. */
export const CONTEXT_KEY = 'verifiedWebhooksDedupe';

/** The largest body read (Node-RED's `apiMaxLength` when set, else 5 MB as its `http in` node). */
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/* The parts of Node-RED's API used here (Node-RED ships no types). */
interface ContextStore {
	get(key: string, store: string | undefined, callback: (error: unknown, value: unknown) => void): void;
	set(key: string, value: unknown, store: string | undefined, callback: (error: unknown) => void): void;
}
interface NodeRedNode {
	id: string;
	name?: string;
	credentials?: Record<string, unknown>;
	send(msg: unknown): void;
	warn(message: string): void;
	error(message: string, msg?: unknown): void;
	log(message: string): void;
	status(status: Record<string, unknown>): void;
	context(): ContextStore;
	on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
}
interface Request {
	method: string;
	headers: HeaderBag;
	body?: unknown;
	ip?: string;
	socket?: { remoteAddress?: string };
	readableEnded?: boolean;
	_body?: boolean;
	on(event: string, listener: (...args: never[]) => void): unknown;
	destroy?(): void;
}
interface Response {
	statusCode: number;
	headersSent: boolean;
	status(code: number): Response;
	set(name: string, value: string): Response;
	json(body: unknown): Response;
	once(event: 'finish' | 'close', listener: () => void): unknown;
}
interface RouterLayer {
	handle?: unknown;
	route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
}
interface HttpApp {
	post(path: string, handler: (req: Request, res: Response) => void): void;
	_router?: { stack: RouterLayer[] };
	router?: { stack: RouterLayer[] };
}
export interface NodeRedApi {
	nodes: {
		createNode(node: NodeRedNode, config: unknown): void;
		registerType(type: string, constructor: unknown, options?: Record<string, unknown>): void;
		getNode(id: string): (NodeRedNode & { credentials?: Record<string, unknown> }) | null;
	};
	httpNode?: HttpApp;
	settings: { apiMaxLength?: string | number; httpNodeRoot?: string | false };
	util: { generateId(): string };
}

/** What the editor saves of a trigger node (see editor.ts). */
type Config = Record<string, unknown> & { id: string; name?: string; url?: string; secrets?: string; contextStore?: string };

const number = (value: unknown): number | undefined => {
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(n) ? n : undefined;
};
const flag = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : fallback);

/** The options of SPEC.md, from the node's settings (numbers may come as text from the editor). */
export function optionsOf(config: Config): TriggerOptions {
	return {
		deduplicate: flag(config.deduplicate, true),
		dedupeWindowHours: number(config.dedupeWindowHours),
		dedupeMaxEntries: number(config.dedupeMaxEntries),
		maxEventAgeMinutes: number(config.maxEventAgeMinutes),
		onUnrecognized: config.onUnrecognized === 'reject' ? 'reject' : 'route',
		includeRawBody: flag(config.includeRawBody, false),
		includeHeaders: flag(config.includeHeaders, false),
		allowedIps: typeof config.allowedIps === 'string' ? config.allowedIps : '',
	};
}

/** "5mb", "100kb" or a number of bytes, as Node-RED's apiMaxLength. */
function byteLimit(setting: unknown): number {
	if (typeof setting === 'number' && setting > 0) return setting;
	const match = typeof setting === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(setting) : null;
	if (!match) return DEFAULT_MAX_BYTES;
	const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b'];
	return Math.floor(Number(match[1]) * unit);
}

type BodyRead = { ok: true; bytes: Buffer } | { ok: false; tooLarge: boolean };

/** Where the capture middleware leaves a request's bytes (or that they were too many). */
const RAW = Symbol('verifiedWebhooksRawBody');
type Captured = Request & { [RAW]?: BodyRead; url?: string; originalUrl?: string };

/** The paths the triggers listen on, as the root app sees them (method, mount point and path, normalized), with their byte limits. */
const capturedRoutes = new Map<string, number>();
/** How many nodes listen on each of those paths. */
const routeUsers = new Map<string, number>();

function routeKey(fullPath: string): string {
	return fullPath.replace(/\/{2,}/g, '/').replace(/\/$/, '').toLowerCase();
}

function pathnameOf(req: Captured): string {
	const url = req.originalUrl ?? req.url ?? '';
	const query = url.indexOf('?');
	return query < 0 ? url : url.slice(0, query);
}

/**
 * Reads the bytes of a request to a trigger's path before any body parser: Node-RED mounts its
 * admin app (which parses JSON bodies for every path) ahead of httpNode on the same root, so by the
 * time httpNode's route runs the stream is gone. Installed once per root app, at the top of its
 * stack, as Node-RED's own `http in` node does for its `skipBodyParsing` routes.
 */
function captureRawBody(req: Captured, _res: unknown, next: () => void): void {
	const limit = req.method === 'POST' && capturedRoutes.size > 0 ? capturedRoutes.get(routeKey(pathnameOf(req))) : undefined;
	if (limit === undefined || req[RAW] !== undefined) return next();
	void readBody(req, limit).then((read) => {
		req[RAW] = read;
		// read: the body parsers further on (the admin app's) must not wait for the stream again
		req._body = true;
		if (read.ok) req.body = read.bytes;
		next();
	});
}

const capturing = new WeakSet<object>();

interface ExpressApp extends HttpApp {
	parent?: ExpressApp;
	use(handler: unknown): void;
	path?(): string;
}

function rootAppOf(app: ExpressApp): ExpressApp {
	return app.parent === undefined ? app : rootAppOf(app.parent);
}

function installCapture(app: ExpressApp): void {
	const root = rootAppOf(app);
	if (capturing.has(root) || typeof root.use !== 'function') return;
	capturing.add(root);
	root.use(captureRawBody);
	const stack = (root._router ?? root.router)?.stack as Array<{ handle?: unknown }> | undefined;
	if (!stack) return;
	const index = stack.findIndex((layer) => layer.handle === captureRawBody);
	if (index > 0) stack.unshift(stack.splice(index, 1)[0]);
}

/**
 * The body's bytes, from the request stream. A middleware of the user's (httpNodeMiddleware) may
 * have read it already: its Buffer is used when it left one, else the bytes cannot be had.
 */
function readBody(req: Captured, limit: number): Promise<BodyRead> {
	const captured = req[RAW];
	if (captured !== undefined) return Promise.resolve(captured);
	if (Buffer.isBuffer(req.body)) return Promise.resolve({ ok: true, bytes: req.body });
	if (req._body || req.readableEnded) return Promise.resolve({ ok: false, tooLarge: false });
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const finish = (result: BodyRead) => {
			if (done) return;
			done = true;
			resolve(result);
		};
		req.on('data', ((chunk: Buffer) => {
			if (done) return;
			size += chunk.length;
			if (size > limit) {
				finish({ ok: false, tooLarge: true });
				return;
			}
			chunks.push(chunk);
		}) as never);
		req.on('end', (() => finish({ ok: true, bytes: Buffer.concat(chunks, size) })) as never);
		req.on('error', (() => finish({ ok: false, tooLarge: false })) as never);
		req.on('aborted', (() => finish({ ok: false, tooLarge: false })) as never);
	});
}

/** The host's timer, for a copy of an in-flight delivery waiting for it (core/record.ts). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => {
			clearTimeout(timer);
			reject(new Error('aborted'));
		}, { once: true });
	});
}

/** The path a node listens on: its setting with a leading slash, or the node set's default. */
export function listenPath(config: Config, set: NodeSet): string {
	const url = typeof config.url === 'string' && config.url.trim() !== '' ? config.url.trim() : set.defaultPath;
	return url.startsWith('/') ? url : `/${url}`;
}

/** The provider filters' settings: a multi-select saved as a list, a checkbox as a boolean. */
function filterValue(config: Config, filter: EventFilter<unknown>): unknown {
	const value = config[filter.parameter.name];
	if (filter.parameter.type === 'boolean') return flag(value, filter.parameter.default === true);
	if (value === undefined || value === null) return filter.parameter.default;
	return value;
}

/** The definition a node runs with: its provider's, or (Verified Webhook) its scheme settings'. */
export function definitionOf(set: NodeSet, config: Config): { ok: true; definition: ProviderDefinition } | { ok: false; reason: string } {
	if (set.definition) return { ok: true, definition: set.definition };
	const parameters: Record<string, unknown> = {};
	for (const name of SCHEME_PARAMETERS) {
		const value = name === 'toleranceSeconds' ? number(config[name]) : config[name];
		if (value !== undefined && value !== null && value !== '') parameters[name] = value;
	}
	return definitionFromParameters(parameters as unknown as SchemeParameters);
}

/** Rejections logged at warn level: per node the first, then one line a minute with a count. */
const rejectionLog = new RejectionLog();

/** Removes the node's route from httpNode (as Node-RED's `http in` node does on close). */
function removeRoute(app: HttpApp, path: string, handler: unknown): void {
	const stack = (app._router ?? app.router)?.stack;
	if (!stack) return;
	for (let i = stack.length - 1; i >= 0; i--) {
		const route = stack[i].route;
		if (route && route.path === path && route.methods.post && route.stack.some((layer) => layer.handle === handler)) stack.splice(i, 1);
	}
}

/** Registers the trigger node and the config node of one node set. */
export function register(RED: NodeRedApi, id: string): void {
	const set = nodeSet(id);
	const limit = byteLimit(RED.settings.apiMaxLength);

	function SecretsNode(this: NodeRedNode, config: { name?: string }) {
		RED.nodes.createNode(this, config);
		this.name = config.name;
	}
	const credentials: Record<string, { type: 'password' | 'text' }> = {
		[set.credential.secret]: { type: 'password' },
		[set.credential.previousSecret]: { type: 'password' },
	};
	if (set.credential.headerName) credentials[set.credential.headerName] = { type: 'text' };
	RED.nodes.registerType(set.secretsType, SecretsNode, { credentials });

	function TriggerNode(this: NodeRedNode, config: Config) {
		RED.nodes.createNode(this, config);
		const node = this;
		const path = listenPath(config, set);
		const options = optionsOf(config);
		const contextStore = typeof config.contextStore === 'string' && config.contextStore.trim() !== '' ? config.contextStore.trim() : undefined;
		const built = definitionOf(set, config);
		const app = RED.httpNode;
		if (!app || RED.settings.httpNodeRoot === false) {
			node.warn(`${set.displayName} Trigger: Node-RED's HTTP node server is off (httpNodeRoot: false): nothing is listening`);
			node.status({ fill: 'red', shape: 'ring', text: 'no HTTP server' });
			return;
		}
		if (!built.ok) node.warn(`${set.displayName} Trigger is not set up: ${built.reason}; every request is answered 401`);

		// the store of this node for the life of the process (a redeploy keeps it), and the
		// persisted form its context held when the node started
		const scope = `node-red:${node.id}:${built.ok ? built.definition.provider : 'unset'}`;
		let loaded: unknown;
		const ready = new Promise<void>((resolve) => {
			if (options.deduplicate === false) return resolve();
			try {
				node.context().get(CONTEXT_KEY, contextStore, (error, value) => {
					if (error) node.warn(`${set.displayName} Trigger could not read its dedupe record from the context store: ${String((error as Error).message ?? error)}`);
					else loaded = value;
					resolve();
				});
			} catch (error) {
				node.warn(`${set.displayName} Trigger could not read its dedupe record from the context store: ${(error as Error).message}`);
				resolve();
			}
		});
		/** The last write of the record, awaited before the provider is answered. */
		let saving: Promise<void> = Promise.resolve();
		const persistence: Persistence = {
			load: () => loaded,
			save: (persisted) => {
				loaded = persisted;
				saving = new Promise<void>((resolve) => {
					try {
						node.context().set(CONTEXT_KEY, persisted, contextStore, (error) => {
							if (error) node.warn(`${set.displayName} Trigger could not write its dedupe record to the context store: ${String((error as Error).message ?? error)}`);
							resolve();
						});
					} catch (error) {
						node.warn(`${set.displayName} Trigger could not write its dedupe record to the context store: ${(error as Error).message}`);
						resolve();
					}
				});
			},
		};

		const host = (definition: ProviderDefinition, secrets: Record<string, unknown> | undefined): DeliveryHost => ({
			options,
			secrets: () => {
				if (!secrets) throw new Error('no secrets node');
				return credentialSecrets(secrets, definition);
			},
			events: () => config.events,
			filterValue: (filter) => filterValue(config, filter),
			record: (key): DeliveryCheck | Promise<DeliveryCheck> => recordIn(dedupeStoreFor(scope, options.dedupeMaxEntries), options, key, sleep, persistence),
			hintKey: () => scope,
			warn: (message) => node.warn(message),
			error: (message) => node.error(message),
		});

		const answer = (res: Response, status: number, body: unknown, headers?: Record<string, string>) => {
			if (res.headersSent) return;
			for (const [name, value] of Object.entries(headers ?? {})) res.set(name, value);
			res.status(status).json(body);
		};

		const logRejection = (req: Request, reason: string) => {
			const { log, unlogged } = rejectionLog.note(node.id, Date.now());
			if (!log) return;
			const more = unlogged > 0 ? ` (${unlogged} more rejected since the last such line, not logged one by one)` : '';
			node.warn(`${set.displayName} Trigger rejected a request from ${req.ip ?? req.socket?.remoteAddress ?? 'unknown'}: ${reason}${more}`);
		};

		const handler = (req: Request, res: Response) => {
			void handle(req, res).catch((error: Error) => {
				node.error(`${set.displayName} Trigger could not answer a request: ${error.message}`);
				answer(res, 400, { error: 'bad request' });
			});
		};

		async function handle(req: Request, res: Response): Promise<void> {
			const receivedAtMs = Date.now();
			if (!built.ok) {
				logRejection(req, built.reason);
				return answer(res, 401, { error: 'unauthorized', reason: built.reason });
			}
			const definition = built.definition;
			const read = await readBody(req, limit);
			if (!read.ok && read.tooLarge) return answer(res, 413, { error: 'payload too large' });
			await ready;
			const secretsNode = config.secrets ? RED.nodes.getNode(config.secrets) : null;
			const outcome: Outcome = await processDelivery(
				definition,
				{
					headers: req.headers,
					rawBody: read.ok ? read.bytes : async () => undefined,
					receivedAtMs,
					sourceAddress: () => req.ip ?? req.socket?.remoteAddress,
				},
				host(definition, secretsNode ? (secretsNode.credentials ?? {}) : undefined),
			);
			if (outcome.kind === 'reply') {
				if (outcome.rejected !== undefined) logRejection(req, outcome.rejected);
				return answer(res, outcome.status, outcome.body, outcome.headers);
			}
			const item = outcome.item;
			const msg = {
				_msgid: RED.util.generateId(),
				payload: item,
				topic: outcome.output === 0 ? (item.event as string) : 'unrecognized',
			};
			const recorded = outcome.recorded;
			if (recorded) settleOnAnswer(res, recorded);
			node.send(outcome.output === 0 ? [msg, null] : [null, msg]);
			if (recorded) {
				// the message is handed on: the record is written, and the provider answered once it is
				recorded.persist();
				await saving;
			}
			answer(res, 200, outcome.acknowledgement);
		}

		const key = routeKey(`${typeof (app as ExpressApp).path === 'function' ? (app as ExpressApp).path!() : ''}${path}`);
		capturedRoutes.set(key, limit);
		routeUsers.set(key, (routeUsers.get(key) ?? 0) + 1);
		installCapture(app as ExpressApp);
		app.post(path, handler);
		node.status({ fill: 'green', shape: 'dot', text: `POST ${path}` });
		node.on('close', (_removed, done) => {
			removeRoute(app, path, handler);
			const users = (routeUsers.get(key) ?? 1) - 1;
			if (users > 0) routeUsers.set(key, users);
			else {
				routeUsers.delete(key);
				capturedRoutes.delete(key);
			}
			node.status({});
			done();
		});
	}
	RED.nodes.registerType(set.type, TriggerNode);
}
