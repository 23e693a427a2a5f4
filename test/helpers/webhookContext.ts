import { EventEmitter } from 'events';

import type { IDataObject, INodeType, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

export interface FakeRequestInit {
	body: string | Buffer;
	headers?: Record<string, string>;
	ip?: string;
	/** As n8n hands over a multipart body: no rawBody, and readRawBody throws (the stream is consumed). */
	unreadable?: boolean;
}

export interface FakeNodeInit {
	credentials?: IDataObject | null;
	parameters?: IDataObject;
	/** Shared between calls to simulate one workflow; reload it from a JSON copy to simulate a restart. */
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual';
	workflowId?: string;
	nodeId?: string;
	/** n8n has not stored the execution yet: the answer is read by `store()`, not at once. */
	storeLater?: boolean;
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
	/** Fires the response's 'finish' event, as express does once the answer is out. */
	finish(): void;
	/** n8n could not store the execution: it answers this status instead (500), then 'finish'. */
	failExecution(status?: number): void;
	/** With `storeLater`: n8n stores the execution now and reads the answer (then call finish). */
	store(): void;
	/** Headers the trigger set on the response. */
	responseHeaders: Record<string, string>;
}

/** Drives a trigger's real `webhook()` with a request built like n8n 2.x builds it. */
export async function callWebhook(node: INodeType, request: FakeRequestInit, init: FakeNodeInit = {}): Promise<WebhookCall> {
	const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
	const headers: Record<string, string> = {};
	// as Node builds req.headers: a header literally named __proto__ is an own property
	for (const [name, value] of Object.entries(request.headers ?? {})) {
		Object.defineProperty(headers, name.toLowerCase(), { value, enumerable: true, writable: true, configurable: true });
	}
	let parsedBody: unknown;
	try {
		parsedBody = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : undefined;
	} catch {
		parsedBody = undefined;
	}
	const req: Record<string, unknown> = { headers, rawBody, body: parsedBody, ip: request.ip ?? '127.0.0.1', socket: { remoteAddress: request.ip ?? '127.0.0.1' } };
	if (request.unreadable) {
		req.rawBody = undefined;
		req.body = {};
		req.readRawBody = async () => {
			throw new Error('Request body stream was aborted or is not readable');
		};
	}

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

	const logs: string[] = [];
	const log = (level: string) => (message: string) => logs.push(`${level}: ${message}`);
	const parameters = init.parameters ?? {};
	const staticData = init.staticData ?? {};
	const nodeName = 'Trigger';
	const context = {
		getRequestObject: () => req,
		getResponseObject: () => response,
		getHeaderData: () => headers,
		getBodyData: () => parsedBody,
		getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
		getCredentials: async () => {
			if (init.credentials === null) throw new Error('Node does not have any credentials set');
			return init.credentials ?? {};
		},
		getWorkflowStaticData: (type: string) => {
			// as n8n's Workflow.getStaticData: 'global' is the whole object, 'node' one key of it
			if (type === 'global') return staticData;
			const key = `node:${nodeName}`;
			if (!staticData[key]) staticData[key] = {};
			return staticData[key];
		},
		getMode: () => init.mode ?? 'webhook',
		getNode: () => ({ id: init.nodeId ?? 'node-1', name: nodeName, type: node.description.name, typeVersion: 1, parameters }),
		getWorkflow: () => ({ id: init.workflowId ?? 'wf-1', name: 'Test', active: true }),
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
	} as unknown as IWebhookFunctions;

	const result = await node.webhook!.call(context);
	const data = (result.workflowData ?? []) as Array<Array<{ json: IDataObject }>>;
	// as n8n does: when the trigger did not answer itself, n8n answers with its webhookResponse
	// (status 200, the description's default) once the execution is stored
	const answeredByN8n = result.noWebhookResponse !== true;
	const store = () => {
		if (!answeredByN8n || response.headersSent) return;
		response.statusCode = 200;
		response.sent = result.webhookResponse === undefined ? undefined : JSON.parse(JSON.stringify(result.webhookResponse));
	};
	if (!init.storeLater) store();
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
		finish: () => response.emit('finish'),
		failExecution: (status = 500) => {
			response.statusCode = status;
			response.emit('finish');
		},
		store,
		responseHeaders,
	};
}
