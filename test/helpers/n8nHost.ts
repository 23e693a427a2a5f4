/**
 * What the n8n application (the `n8n` package, not installed here: it needs Node 24 and several
 * hundred packages) puts around n8n-core's webhook context: the DI container's instance settings
 * and logger, the node types, a credentials helper, the additional data, and the request as its
 * webhook server hands it over. Everything a trigger calls inside `webhook()` is then n8n-core's
 * and n8n-workflow's own code; only these host pieces are written here, each after the n8n 2.41.1
 * source it names.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import path from 'node:path';
import { parse as parseQueryString } from 'node:querystring';
import { createGunzip, createInflate } from 'node:zlib';

import { Logger } from '@n8n/backend-common';
import { parseIncomingMessage } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { getAdditionalKeys } from 'n8n-core';
import * as n8nWorkflow from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	jsonParse,
	sanitizeXmlName,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentials,
	type IDataObject,
	type INode,
	type INodeCredentialsDetails,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

// n8n-core must use the n8n-workflow the package is built and tested against: two copies would make
// every `instanceof` (NodeOperationError, the Workflow class) disagree between them.
const coreWorkflow = require(require.resolve('n8n-workflow', { paths: [path.dirname(require.resolve('n8n-core'))] })) as typeof n8nWorkflow;
if (coreWorkflow.Workflow !== Workflow) {
	throw new Error('n8n-core resolves a different copy of n8n-workflow than the package: pin both to the same version (package.json devDependencies)');
}

/** The package's name: n8n names a community node `<package>.<node name>`. */
export const PACKAGE_NAME = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }).name;

// ---------------------------------------------------------------------------------------------
// The container: n8n-core's contexts read InstanceSettings and the Logger from it.

/** The log lines of the webhook call under way (n8n has one process-wide logger). */
const currentLog = new AsyncLocalStorage<string[]>();

/** Runs `fn` with n8n's logger writing to `lines`, also for what it starts asynchronously. */
export function withLog<T>(lines: string[], fn: () => T): T {
	return currentLog.run(lines, fn);
}

/**
 * n8n's Logger writes to the console through winston, set up by the n8n command; here each line
 * goes to the call that caused it (`WebhookCall.logs`), and a line logged outside any call is kept
 * too (`strayLogLines`), so that no log line escapes the tests that look for leaked secrets.
 */
export const strayLogLines: string[] = [];

class TestLogger {
	private write(level: string, message: string, metadata?: unknown): void {
		const line = metadata === undefined ? `${level}: ${message}` : `${level}: ${message} ${JSON.stringify(metadata)}`;
		(currentLog.getStore() ?? strayLogLines).push(line);
	}

	error(message: string, metadata?: unknown): void {
		this.write('error', message, metadata);
	}

	warn(message: string, metadata?: unknown): void {
		this.write('warn', message, metadata);
	}

	info(message: string, metadata?: unknown): void {
		this.write('info', message, metadata);
	}

	debug(message: string, metadata?: unknown): void {
		this.write('debug', message, metadata);
	}

	scoped(): this {
		return this;
	}
}

let hostReady = false;

const ENCRYPTION_KEY = 'unit-tests-encryption-key';

/**
 * Once per test file: the logger, and n8n's user folder. InstanceSettings (read by every context)
 * loads the `config` file of `<N8N_USER_FOLDER>/.n8n`, writing one with a new encryption key when
 * there is none, as n8n does on first start. The folder is kept in node_modules/.cache (removed
 * with node_modules) and the file is written here first, atomically, so that test workers starting
 * together never read a half-written one.
 */
export function ensureHost(): void {
	if (hostReady) return;
	hostReady = true;
	const userFolder = path.join(REPO_ROOT, 'node_modules', '.cache', 'n8n-nodes-verified-webhooks-unit');
	const settingsFile = path.join(userFolder, '.n8n', 'config');
	const settings = `${JSON.stringify({ encryptionKey: ENCRYPTION_KEY }, null, '\t')}\n`;
	if (!fs.existsSync(settingsFile) || fs.readFileSync(settingsFile, 'utf8') !== settings) {
		fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
		const written = `${settingsFile}.${process.pid}`;
		fs.writeFileSync(written, settings, { mode: 0o600 });
		fs.renameSync(written, settingsFile);
	}
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_ENCRYPTION_KEY = ENCRYPTION_KEY;
	Container.set(Logger, new TestLogger() as unknown as Logger);
}

// ---------------------------------------------------------------------------------------------
// Node types and credential types: the package's own classes, as n8n loads them from `dist/`.

/** n8n's NodeTypes for one workflow: the trigger under test under its community-package name. */
export function nodeTypesFor(type: string, node: INodeType): INodeTypes {
	return {
		getByName: (name) => {
			if (name !== type) throw new UnexpectedError(`Unknown node type: ${name}`);
			return node;
		},
		// the package's triggers are one class for every version (no VersionedNodeType)
		getByNameAndVersion: (name) => {
			if (name !== type) throw new UnexpectedError(`Unknown node type: ${name}`);
			return node;
		},
		getKnownTypes: () => ({ [type]: { className: node.constructor.name, sourcePath: '' } }),
	};
}

let credentialTypes: Map<string, ICredentialType> | undefined;

/** Every credential class in `credentials/`, by its name (what package.json's `n8n.credentials` lists). */
export function packageCredentialTypes(): Map<string, ICredentialType> {
	if (credentialTypes) return credentialTypes;
	credentialTypes = new Map();
	const folder = path.join(REPO_ROOT, 'credentials');
	for (const file of fs.readdirSync(folder).filter((name) => name.endsWith('.credentials.ts'))) {
		const exported = require(path.join(folder, file)) as Record<string, new () => ICredentialType>;
		const Class = exported[file.slice(0, -'.credentials.ts'.length)];
		if (typeof Class !== 'function') throw new Error(`${file} does not export a class named after the file, which n8n requires`);
		const instance = new Class();
		credentialTypes.set(instance.name, instance);
	}
	return credentialTypes;
}

/**
 * The credentials helper of the n8n application (`packages/cli/src/credentials-helper.ts`), cut down
 * to what a webhook reads: the stored data of the node's credential, as the database gives it back
 * (JSON), then `applyDefaultsAndOverwrites` as n8n does it for a context without run data: the
 * credential type's defaults (`NodeHelpers.getNodeParameters`, which also drops fields the type
 * does not define) and the resolution of expressions in the values (a value starting with `=`).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly stored: Map<string, string>) {
		super();
	}

	getParentTypes(name: string): string[] {
		const type = packageCredentialTypes().get(name);
		return (type?.extends ?? []).flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = packageCredentialTypes().get(credentialType) as (ICredentialType & { restrictToSupportedNodes?: boolean }) | undefined;
		if (!type?.restrictToSupportedNodes) return true;
		return type.supportedNodes?.includes(nodeType) ?? false;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = packageCredentialTypes().get(type);
		if (credentialType === undefined) throw new UnexpectedError('Unknown credential type', { tags: { credentialType: type } });
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = nodeCredentials.id === null ? undefined : this.stored.get(`${nodeCredentials.id}:${type}`);
		// n8n: CredentialNotFoundError from the repository
		if (stored === undefined) throw new UnexpectedError(`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`);
		const decrypted = jsonParse<ICredentialDataDecryptedObject>(stored);
		const properties = this.getCredentialsProperties(type);
		const withDefaults = NodeHelpers.getNodeParameters(properties, decrypted as never, true, false, null, null) as ICredentialDataDecryptedObject;
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		const mockNode: INode = { id: '', name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };
		const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes: MOCK_NODE_TYPES });
		await workflow.expression.acquireIsolate();
		try {
			return workflow.expression.getComplexParameterValue(mockNode, withDefaults as never, mode, additionalKeys, undefined, undefined, withDefaults as never) as ICredentialDataDecryptedObject;
		} finally {
			await workflow.expression.releaseIsolate();
		}
	}

	async getCredentials(): Promise<ICredentials> {
		throw new UnexpectedError('getCredentials is not used by webhooks');
	}

	async authenticate(): Promise<never> {
		throw new UnexpectedError('authenticate is not used by webhooks');
	}

	async preAuthentication(): Promise<undefined> {
		throw new UnexpectedError('preAuthentication is not used by webhooks');
	}

	async runPreAuthentication(): Promise<undefined> {
		throw new UnexpectedError('runPreAuthentication is not used by webhooks');
	}

	async updateCredentials(): Promise<void> {
		throw new UnexpectedError('a webhook does not update credentials');
	}

	async updateCredentialsOauthTokenData(): Promise<void> {
		throw new UnexpectedError('a webhook does not update credentials');
	}
}

/** What the credentials helper's mock workflow is given (n8n: `createMockNodeTypes()`). */
const MOCK_NODE_TYPES: INodeTypes = {
	getByName: () => undefined as unknown as INodeType,
	getByNameAndVersion: () => undefined as unknown as INodeType,
	getKnownTypes: () => ({}),
};

/**
 * The additional data of a production webhook request (`WorkflowExecuteAdditionalData.getBase`,
 * with n8n's default URLs), holding the request and the response as `executeWebhook` sets them.
 */
export function additionalDataFor(credentialsHelper: ICredentialsHelper, httpRequest: unknown, httpResponse: unknown, workflowId: string): IWorkflowExecuteAdditionalData {
	const base = 'http://localhost:5678/';
	const refuse = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available to a webhook trigger in the unit tests`);
	};
	return {
		credentialsHelper,
		executeWorkflow: refuse('executeWorkflow'),
		getRunExecutionData: refuse('getRunExecutionData'),
		getRuntimeCredential: refuse('getRuntimeCredential'),
		startRunnerTask: refuse('startRunnerTask'),
		logAiEvent: () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}form`,
		formWaitingBaseUrl: `${base}form-waiting`,
		formTestBaseUrl: `${base}form-test`,
		webhookBaseUrl: `${base}webhook`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		webhookTestBaseUrl: `${base}webhook-test`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
		variables: {},
		workflowId,
		httpRequest,
		httpResponse,
	} as unknown as IWorkflowExecuteAdditionalData;
}

// ---------------------------------------------------------------------------------------------
// The request, as n8n's webhook server hands it to the node.

/** n8n-workflow declares `rawBody`, `readRawBody`, `contentType`, `encoding` on IncomingMessage. */
export interface N8nRequest extends IncomingMessage {
	body?: unknown;
	ip: string;
	params: IDataObject;
	query: IDataObject;
}

/**
 * A real `http.IncomingMessage` carrying `bytes`, as express gives it to n8n: lower-cased headers
 * (a header literally named `__proto__` an own property, as Node builds them), `ip` (express, no
 * trusted proxies), then n8n's `rawBodyReader` middleware (`packages/cli/src/middlewares/body-parser.ts`):
 * `contentType` and `encoding` from the Content-Type header, and `readRawBody()`, which reads the
 * stream once (gunzip/inflate for a Content-Encoding) into `req.rawBody`.
 */
export function incomingRequest(bytes: Buffer, headerList: Record<string, string>, ip: string): N8nRequest {
	// an unconnected socket, seen from the client's address (the body is pushed into the message)
	const socket = new Socket();
	Object.defineProperty(socket, 'remoteAddress', { value: ip });
	const req = new IncomingMessage(socket) as N8nRequest;
	const headers: Record<string, string> = {};
	const rawHeaders: string[] = [];
	for (const [name, value] of Object.entries(headerList)) {
		Object.defineProperty(headers, name.toLowerCase(), { value, enumerable: true, writable: true, configurable: true });
		rawHeaders.push(name, value);
	}
	req.headers = headers;
	req.rawHeaders = rawHeaders;
	req.method = 'POST';
	req.url = '/webhook/webhook';
	req.httpVersion = '1.1';
	req.push(bytes);
	req.push(null);
	req.ip = ip;
	req.params = {};
	req.query = {};
	parseIncomingMessage(req);
	req.readRawBody = async () => {
		if (!(req.rawBody as Buffer | undefined)) {
			let stream: NodeJS.ReadableStream = req;
			switch (req.headers['content-encoding']) {
				case 'gzip':
					stream = req.pipe(createGunzip());
					break;
				case 'deflate':
					stream = req.pipe(createInflate());
					break;
			}
			if (req.destroyed || !stream.readable) {
				// n8n: BadRequestError
				throw new Error('Request body stream was aborted or is not readable');
			}
			req.rawBody = await readAll(stream);
			req._body = true;
		}
	};
	return req;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	return Buffer.concat(chunks);
}

/** Why n8n answers a request itself, before the node runs. */
export class N8nRefusal extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly hint: string,
	) {
		super(message);
	}
}

/** n8n's XML parser (xml2js, which n8n-workflow depends on), with the options n8n gives it. */
function xmlParser(): { parseStringPromise(text: string): Promise<unknown> } {
	const { Parser } = require('xml2js') as { Parser: new (options: object) => { parseStringPromise(text: string): Promise<unknown> } };
	return new Parser({
		async: true,
		normalize: true,
		normalizeTags: true,
		explicitArray: false,
		tagNameProcessors: [sanitizeXmlName],
		attrNameProcessors: [sanitizeXmlName],
	});
}

function isParsableContentType(contentType: string | undefined): boolean {
	if (!contentType) return false;
	return (
		contentType.startsWith('application/json') ||
		contentType.startsWith('text/plain') ||
		contentType.startsWith('application/x-www-form-urlencoded') ||
		contentType.endsWith('/xml') ||
		contentType.endsWith('+xml')
	);
}

/**
 * `parseRequestBody` of n8n's `executeWebhook` (`packages/cli/src/webhooks/webhook-helpers.ts`),
 * run before the node: for node version 1 every body but multipart is read (`rawBody` is then a
 * Buffer) and parsed by its content type; from version 2 only the parsable types. A multipart body
 * is consumed by n8n's form parser (`body` is `{ data, files }`; there is no rawBody and
 * `readRawBody()` throws). JSON that does not parse: n8n answers 422 (UnprocessableRequestError).
 */
export async function parseRequestBody(req: N8nRequest, workflow: Workflow, node: INode, mode: WorkflowExecuteMode, consumed: boolean): Promise<void> {
	if (node.typeVersion === 1) {
		const binaryData = workflow.expression.getSimpleParameterValue(node, '={{$parameter["options"]["binaryData"]}}', mode, {}, undefined, false);
		if (binaryData) return;
	}
	if (req.contentType === 'multipart/form-data' || consumed) {
		// formidable reads the whole stream; the fields of this package's tests are none
		await readAll(req);
		req.body = { data: {}, files: {} };
		return;
	}
	if (node.typeVersion > 1 && !isParsableContentType(req.contentType)) return;
	await req.readRawBody();
	const { rawBody, contentType, encoding } = req;
	if (!(rawBody as Buffer | undefined)?.length) return;
	const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
	try {
		if (contentType === 'application/json') req.body = jsonParse(stripBom(rawBody.toString(encoding)));
		else if (contentType === 'application/x-www-form-urlencoded') req.body = parseQueryString(stripBom(rawBody.toString(encoding)), undefined, undefined, { maxKeys: 1000 });
		else if (contentType === 'text/plain') req.body = rawBody.toString(encoding);
		else if (contentType?.endsWith('/xml') || contentType?.endsWith('+xml')) req.body = await xmlParser().parseStringPromise(rawBody.toString(encoding));
	} catch (error) {
		throw new N8nRefusal(422, 'Failed to parse request body', (error as Error).message);
	}
}
