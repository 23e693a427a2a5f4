import { EventEmitter } from 'events';

import { WebhookContext } from 'n8n-core';
import { Workflow, isNodeClassInstance, type IDataObject, type INode, type INodeType, type IWebhookData, type IWebhookResponseData } from 'n8n-workflow';

import { N8nRefusal, PACKAGE_NAME, TestCredentialsHelper, additionalDataFor, ensureHost, incomingRequest, nodeTypesFor, parseRequestBody, withLog } from './n8nHost';

export interface FakeRequestInit {
	body: string | Buffer;
	headers?: Record<string, string>;
	ip?: string;
	/** As n8n hands over a multipart body: no rawBody, and readRawBody throws (the stream is consumed). */
	unreadable?: boolean;
	/** The query string's values (`?event=…`), as express parses them. */
	query?: Record<string, string>;
}

export interface FakeNodeInit {
	credentials?: IDataObject | null;
	/** The data of one credential type, by its name, instead of `credentials` (the Redis credential's). */
	credentialsByType?: Record<string, IDataObject>;
	parameters?: IDataObject;
	/** Shared between calls to simulate one workflow; reload it from a JSON copy to simulate a restart. */
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual';
	workflowId?: string;
	nodeId?: string;
	/** n8n has not stored the execution yet: the answer is read by `store()`, not at once. */
	storeLater?: boolean;
	/** The node's typeVersion; by default the description's `defaultVersion`, what the editor adds. */
	typeVersion?: number;
	/** Which of the node's webhooks the request reaches (its description's `name`): `default` unless told. */
	webhook?: string;
}

export interface WebhookCall {
	result: IWebhookResponseData;
	status: number | undefined;
	body: unknown;
	/** Items on the first (Event) output. */
	events: IDataObject[];
	/** Items on the second (Unrecognized) output. */
	unrecognized: IDataObject[];
	logs: string[];
	/** Fires the response's 'finish' event, as express does once the answer is out (once; without `storeLater` it fires by itself right after the call). */
	finish(): void;
	/** n8n could not store the execution: it answers this status instead (500), then 'finish'. */
	failExecution(status?: number): void;
	/** With `storeLater`: n8n stores the execution now and reads the answer (then call finish). */
	store(): void;
	/** Headers the trigger set on the response. */
	responseHeaders: Record<string, string>;
	/** What the trigger wrote with `end()`/`send()` (an HTML page), as text. */
	text: string | undefined;
	/**
	 * What webhook() threw, if it threw. n8n (WebhookHelpers.executeWebhook) then records an error
	 * execution with it and answers 500, unless the trigger had answered already.
	 */
	error?: Error;
	/**
	 * n8n answered the request itself and never called the trigger's webhook(): 422 to a body that
	 * does not parse as the JSON (or XML) its Content-Type announces (n8n's `parseBody`). `result`
	 * is then empty.
	 */
	refusedByN8n: boolean;
}

/**
 * Drives a trigger's real `webhook()` through n8n-core's own `WebhookContext`, as n8n 2.41.1's
 * `WebhookService.runWebhook` does: a real `Workflow` (n8n-workflow) holding the trigger with its
 * parameters (n8n fills in the defaults and drops unknown ones), the node type under its
 * community-package name, a credentials helper returning the credential as n8n decrypts it
 * (test/helpers/n8nHost.ts), the workflow's static data, and a real `http.IncomingMessage` read
 * the way n8n's webhook server reads it (`rawBody`, `readRawBody()`, `body`). `getNodeParameter`,
 * `getCredentials`, `getWorkflowStaticData`, `getNode`, `getMode` are n8n's code. The response is
 * an express-like object (express is n8n's, not n8n-core's); n8n's own answer after the run
 * (`webhookResponse` with the description's code) is modelled by `store()`.
 */
export async function callWebhook(node: INodeType, request: FakeRequestInit, init: FakeNodeInit = {}): Promise<WebhookCall> {
	ensureHost();
	const description = node.description;
	const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
	const req = incomingRequest(rawBody, request.headers ?? {}, request.ip ?? '127.0.0.1');

	const response = new EventEmitter() as EventEmitter & { statusCode?: number; sent?: unknown; headersSent: boolean; status: (code: number) => unknown; json: (body: unknown) => unknown };
	response.headersSent = false;
	const responseHeaders: Record<string, string> = {};
	(response as unknown as { setHeader: (name: string, value: string) => void }).setHeader = (name, value) => {
		responseHeaders[name.toLowerCase()] = String(value);
	};
	response.status = (code: number) => {
		response.statusCode = code;
		return response;
	};
	response.json = (body: unknown) => {
		if (response.headersSent) throw new Error('response sent twice');
		response.sent = JSON.parse(JSON.stringify(body));
		response.headersSent = true;
		return response;
	};
	let text: string | undefined;
	const end = (chunk?: unknown) => {
		if (response.headersSent) throw new Error('response sent twice');
		text = chunk === undefined ? '' : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
		response.headersSent = true;
		return response;
	};
	Object.assign(response, { end, send: end });

	const workflowId = init.workflowId ?? 'wf-1';
	const type = `${PACKAGE_NAME}.${description.name}`;
	const versions = Array.isArray(description.version) ? description.version : [description.version];
	const typeVersion = init.typeVersion ?? description.defaultVersion ?? Math.max(...versions);
	const stored = new Map<string, string>();
	const credentials: INode['credentials'] = {};
	for (const credential of description.credentials ?? []) {
		credentials[credential.name] = { id: 'credential-1', name: 'Test credential' };
		// as n8n stores it: JSON (encrypted), so `undefined` fields are gone once decrypted
		stored.set(`credential-1:${credential.name}`, JSON.stringify(init.credentialsByType?.[credential.name] ?? init.credentials ?? {}));
	}
	const triggerNode: INode = {
		id: init.nodeId ?? 'node-1',
		name: 'Trigger',
		type,
		typeVersion,
		position: [0, 0],
		webhookId: 'webhook-1',
		parameters: structuredClone(init.parameters ?? {}) as INode['parameters'],
		...(init.credentials === null ? {} : { credentials }),
	};
	const workflow = new Workflow({
		id: workflowId,
		name: 'Test',
		nodes: [triggerNode],
		connections: {},
		active: true,
		nodeTypes: nodeTypesFor(type, node),
		staticData: init.staticData ?? {},
	});
	const workflowNode = workflow.getNode(triggerNode.name)!;
	const mode = init.mode ?? 'webhook';
	const additionalData = additionalDataFor(new TestCredentialsHelper(stored), req, response, workflowId);
	const webhookName = init.webhook ?? 'default';
	const webhookDescription = description.webhooks!.find((webhook) => webhook.name === webhookName);
	if (!webhookDescription) throw new Error(`${description.name} has no webhook named ${webhookName}`);
	req.method = String(webhookDescription.httpMethod);
	req.query = { ...(request.query ?? {}) };
	const webhookData: IWebhookData = {
		httpMethod: webhookDescription.httpMethod as IWebhookData['httpMethod'],
		node: workflowNode.name,
		path: `webhook-1/${webhookDescription.path}`,
		webhookDescription,
		workflowId,
		workflowExecuteAdditionalData: additionalData,
		webhookId: workflowNode.webhookId,
		isTest: mode === 'manual',
	};

	const logs: string[] = [];
	let result: IWebhookResponseData;
	try {
		await parseRequestBody(req, workflow, workflowNode, mode, request.unreadable === true);
	} catch (error) {
		if (!(error instanceof N8nRefusal)) throw error;
		// n8n answers before the node runs (ResponseHelper.sendErrorResponse)
		response.status(error.status);
		response.json({ code: error.status, message: error.message, hint: error.hint });
		return callOf({}, response, responseHeaders, logs, () => undefined, () => text, true);
	}
	// WebhookService.runWebhook
	const closeFunctions: Array<() => Promise<void>> = [];
	const context = new WebhookContext(workflow, workflowNode, additionalData, mode, webhookData, closeFunctions, null);
	let thrown: Error | undefined;
	try {
		result = await withLog(logs, async () => (isNodeClassInstance(node) ? await (node as unknown as { webhook(context: WebhookContext): Promise<IWebhookResponseData> }).webhook(context) : await node.webhook!.call(context)));
	} catch (error) {
		// as n8n does: an error execution, and 500 unless the trigger answered already
		thrown = error as Error;
		result = { noWebhookResponse: true };
		if (!response.headersSent) {
			response.status(500);
			response.json({ code: 0, message: 'Workflow could not be started!' });
		}
	} finally {
		await Promise.allSettled(closeFunctions.map(async (close) => await close()));
	}

	// as n8n does: when the trigger did not answer itself, n8n answers with its webhookResponse
	// (status 200, the description's default) once the execution is stored
	const answeredByN8n = result.noWebhookResponse !== true;
	const store = () => {
		if (!answeredByN8n || response.headersSent) return;
		response.statusCode = 200;
		const answer = withLog(logs, () => result.webhookResponse);
		response.sent = answer === undefined ? undefined : JSON.parse(JSON.stringify(answer));
	};
	if (!init.storeLater) store();
	const call = callOf(result, response, responseHeaders, logs, store, () => text);
	if (thrown) call.error = thrown;
	// and the answer goes out ('finish') right after, as express sends it, unless the test says
	// first how it ends (finish, failExecution) or stores it itself later (storeLater)
	if (!init.storeLater) setImmediate(() => call.finish());
	return call;
}

function callOf(
	result: IWebhookResponseData,
	response: EventEmitter & { statusCode?: number; sent?: unknown },
	responseHeaders: Record<string, string>,
	logs: string[],
	store: () => void,
	text: () => string | undefined,
	refusedByN8n = false,
): WebhookCall {
	const data = (result.workflowData ?? []) as Array<Array<{ json: IDataObject }>>;
	let finished = false;
	const finish = (status?: number) => {
		if (finished) return;
		finished = true;
		if (status !== undefined) response.statusCode = status;
		withLog(logs, () => response.emit('finish'));
	};
	return {
		result,
		get status() {
			return response.statusCode;
		},
		get body() {
			return response.sent;
		},
		events: (data[0] ?? []).map((item) => item.json),
		unrecognized: (data[1] ?? []).map((item) => item.json),
		logs,
		finish: () => finish(),
		failExecution: (status = 500) => finish(status),
		store,
		responseHeaders,
		get text() {
			return text();
		},
		refusedByN8n,
	};
}
