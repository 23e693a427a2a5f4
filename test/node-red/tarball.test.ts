/**
 * End to end: the packed @verified-webhooks/node-red tarball, installed into a fresh Node-RED user
 * directory the way the palette manager installs it (`npm install <tarball>` there, with its
 * arguments), in a real Node-RED 4.1.15 started as `node-red` on a port of 18200-18299 with a
 * persistent (`localfilesystem`) context store. A flow deployed through the admin API wires every
 * trigger to two file nodes (one JSON line per message); requests are made by the package's own
 * `send` library (packages/cli/src/send.ts `prepareRequest`, as `verified-webhooks send` makes
 * them). Each documented example → one message with the n8n trigger's item (receivedAt aside);
 * wrong secrets → 401 and nothing; duplicates → nothing, also after a restart of Node-RED; a
 * BuzzBip request signed here with node:crypto alone → 200. Node-RED's log shows no error or
 * warning of loading, and its admin API lists every node type of the package.
 *
 * Needs the package built (npm run build; npm test builds first).
 */
import { execFileSync } from 'child_process';
import { createHmac } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { IDataObject } from 'n8n-workflow';

import { prepareRequest } from '../../packages/cli/src/send';
import { PROVIDERS } from '../../nodes/shared/providers';
import { nodeSets } from '../../packages/node-red/src/nodeSets';
import { fixturesOf } from '../fixtures';
import { deliver } from '../helpers/contract';
import { NODES, REPO_ROOT } from '../helpers/registry';
import { post } from './http';
import { admin, startNodeRed, waitFor, type NodeRed } from './nodeRed';
import { freePort } from './ports';

const PACKAGE_DIR = join(REPO_ROOT, 'packages', 'node-red');
const PACKAGE_NAME = '@verified-webhooks/node-red';
const SECRET = 'e2e-node-red-secret-0123456789';
const PREVIOUS = 'e2e-node-red-previous-9876543210';

jest.setTimeout(240_000);

interface Target {
	provider: string;
	type: string;
	path: string;
	headerName: string | undefined;
	eventsFile: string;
	unrecognizedFile: string;
}

let work: string;
let userDir: string;
let settingsFile: string;
let port: number;
let nodeRed: NodeRed | undefined;
let targets: Target[];

function npm(args: string[], cwd: string): string {
	return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function lines(file: string): Array<Record<string, unknown>> {
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

function flow(): unknown[] {
	const nodes: unknown[] = [{ id: 'e2eflow', type: 'tab', label: 'verified webhooks e2e' }];
	targets.forEach((t, index) => {
		const set = nodeSets().find((s) => s.type === t.type)!;
		const credentials: Record<string, string> = { [set.credential.secret]: SECRET, [set.credential.previousSecret]: PREVIOUS };
		if (set.credential.headerName) credentials[set.credential.headerName] = t.headerName!;
		const y = 80 + index * 120;
		nodes.push(
			{ id: `secrets${index}`, type: set.secretsType, name: `E2E ${t.provider}`, credentials },
			{ id: `trigger${index}`, type: t.type, z: 'e2eflow', name: `E2E ${t.provider}`, url: t.path, secrets: `secrets${index}`, events: [], ...fixturesOf(t.provider).suites.parameters, x: 120, y, wires: [[`events${index}`], [`unrecognized${index}`]] },
			{ id: `events${index}`, type: 'file', z: 'e2eflow', name: '', filename: t.eventsFile, filenameType: 'str', appendNewline: true, createDir: true, overwriteFile: 'false', encoding: 'none', x: 400, y, wires: [[]] },
			{ id: `unrecognized${index}`, type: 'file', z: 'e2eflow', name: '', filename: t.unrecognizedFile, filenameType: 'str', appendNewline: true, createDir: true, overwriteFile: 'false', encoding: 'none', x: 400, y: y + 40, wires: [[]] },
		);
	});
	return nodes;
}

async function start(): Promise<NodeRed> {
	nodeRed = await startNodeRed(REPO_ROOT, userDir, settingsFile, port);
	return nodeRed;
}

/** Every trigger of the flow answers an unsigned request with 401: the flow is running. */
async function waitForFlow(): Promise<void> {
	for (const t of targets) {
		await waitFor(`${t.path} to answer`, async () => ((await post(`${nodeRed!.url}${t.path}`, '{}')).status === 401 ? true : undefined), 30_000, nodeRed!.log);
	}
}

function request(t: Target, raw: string, secret = SECRET) {
	return prepareRequest(t.provider, raw, { url: `${nodeRed!.url}${t.path}`, secret, headerName: t.headerName });
}

async function send(t: Target, body: unknown, secret = SECRET) {
	const prepared = request(t, JSON.stringify(body), secret);
	return post(prepared.url, prepared.body, prepared.headers);
}

/** Waits until the file holds `count` lines, then a little more to see that no other comes. */
async function expectLines(file: string, count: number): Promise<Array<Record<string, unknown>>> {
	await waitFor(`${count} lines in ${file}`, async () => (lines(file).length >= count ? true : undefined), 15_000, nodeRed?.log);
	await new Promise((resolve) => setTimeout(resolve, 500));
	const found = lines(file);
	expect(found).toHaveLength(count);
	return found;
}

beforeAll(async () => {
	const distFile = join(PACKAGE_DIR, 'dist', 'lib', 'runtime.js');
	if (!existsSync(distFile)) throw new Error('packages/node-red is not built: run `npm run build` first');
	work = mkdtempSync(join(tmpdir(), 'vw-node-red-e2e-'));
	// the tarball, as `npm publish` would pack it (the build is the one npm test made)
	const [info] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], PACKAGE_DIR)) as Array<{ filename: string }>;
	const tarball = join(work, info.filename);
	// a fresh user directory, as Node-RED creates it, and the package installed as the palette
	// manager installs it (@node-red/registry lib/installer.js)
	userDir = join(work, 'user');
	mkdirSync(userDir, { recursive: true });
	writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }));
	npm(['install', '--no-audit', '--no-update-notifier', '--no-fund', '--save', '--save-prefix=~', '--omit=dev', '--engine-strict', tarball], userDir);
	port = await freePort(18200, 18299);
	settingsFile = join(work, 'settings.js');
	writeFileSync(
		settingsFile,
		`module.exports = ${JSON.stringify(
			{
				uiHost: '127.0.0.1',
				flowFile: 'flows.json',
				credentialSecret: 'e2e-credential-secret',
				contextStorage: { default: { module: 'localfilesystem' } },
				logging: { console: { level: 'info', metrics: false, audit: false } },
				telemetry: { enabled: false },
				editorTheme: { tours: false },
			},
			null,
			2,
		)};\n`,
	);
	targets = Object.keys(PROVIDERS).map((provider) => ({
		provider,
		type: `${provider}-webhook`,
		path: `/e2e/${provider}`,
		headerName: PROVIDERS[provider].credential.headerName ? (fixturesOf(provider).suites.headerName ?? 'X-E2e-Token') : undefined,
		eventsFile: join(work, 'out', `${provider}-events.jsonl`),
		unrecognizedFile: join(work, 'out', `${provider}-unrecognized.jsonl`),
	}));
	await start();
	const deployed = await admin(nodeRed!.url, 'POST', '/flows', flow(), { 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' });
	if (deployed.status !== 204 && deployed.status !== 200) throw new Error(`deploy failed: ${deployed.status} ${deployed.body}`);
	await waitForFlow();
});

afterAll(async () => {
	await nodeRed?.stop();
	if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed Node-RED package in a real Node-RED', () => {
	it('loads every node of the package, with no error or warning in the log', async () => {
		const res = await admin(nodeRed!.url, 'GET', '/nodes', undefined, { accept: 'application/json' });
		const sets = (JSON.parse(res.body) as Array<{ module: string; name: string; types: string[]; enabled: boolean; err?: string }>).filter((s) => s.module === PACKAGE_NAME);
		expect(sets.map((s) => s.name).sort()).toEqual(nodeSets().map((s) => s.id).sort());
		for (const set of sets) {
			expect(set.enabled).toBe(true);
			expect(set.err).toBeUndefined();
		}
		expect(sets.flatMap((s) => s.types).sort()).toEqual(nodeSets().flatMap((s) => [s.type, s.secretsType]).sort());
		const log = nodeRed!.log();
		expect(log).toMatch(/Started flows/);
		expect(log.split('\n').filter((line) => /\[error\]/.test(line))).toEqual([]);
		// warnings of this package or of loading nodes (Node-RED's own notices, e.g. "Projects disabled", aside)
		const ours = new RegExp(['verified-webhooks', 'Missing node types', 'missing types', ...nodeSets().map((s) => s.type)].join('|'));
		expect(log.split('\n').filter((line) => /\[warn\]/.test(line) && ours.test(line) && !/rejected a request/.test(line))).toEqual([]);
		// the editor's files: form and help for every node type
		const html = (await admin(nodeRed!.url, 'GET', '/nodes', undefined, { accept: 'text/html' })).body;
		for (const set of nodeSets()) {
			expect(html).toContain(`data-template-name="${set.type}"`);
			expect(html).toContain(`data-help-name="${set.type}"`);
			expect(html).toContain(`data-template-name="${set.secretsType}"`);
			for (const event of set.definition?.events ?? []) expect(html).toContain(`\`${event.value}\``);
		}
	});

	it.each(Object.keys(PROVIDERS))('%s: every documented example becomes one message with the n8n item; wrong secrets get 401', async (provider) => {
		const t = targets.find((target) => target.provider === provider)!;
		const suites = fixturesOf(provider).suites;
		const examples = suites.examples.filter((e, i, all) => all.findIndex((o) => JSON.stringify(o.body) === JSON.stringify(e.body)) === i);
		for (const example of examples) {
			const res = await send(t, example.body);
			expect(res.status).toBe(200);
			if (provider === 'chatzuri') expect(res.body).toBe('{"status":"accepted"}');
		}
		const items = await expectLines(t.eventsFile, examples.length);
		for (const [index, example] of examples.entries()) {
			const n8n = await deliver(NODES[provider], PROVIDERS[provider], example.body, { parameters: suites.parameters as IDataObject });
			expect(items[index]).toEqual({ ...n8n.events[0], receivedAt: items[index].receivedAt });
			expect(items[index].event).toBe(example.expect.event);
		}
		// wrong secrets: 401, nothing sent, no secret in the answer
		for (const example of examples) {
			const res = await send(t, example.body, `${SECRET}-wrong`);
			expect(res.status).toBe(401);
			expect(res.body).not.toContain(SECRET);
		}
		// duplicates: answered, nothing sent
		for (const example of examples) expect((await send(t, example.body)).status).toBe(200);
		// the previous secret signs a duplicate too: still nothing
		expect((await send(t, examples[0].body, PREVIOUS)).status).toBe(200);
		await expectLines(t.eventsFile, examples.length);
		expect(lines(t.unrecognizedFile)).toHaveLength(0);
	});

	it('answers a BuzzBip request signed with node:crypto alone with 200, and a wrong one with 401', async () => {
		const t = targets.find((target) => target.provider === 'buzzbip')!;
		const before = lines(t.eventsFile).length;
		const body = JSON.stringify({ id: 'evt_independent_1', type: 'message.received', createdAt: '2026-06-01T14:32:00Z', data: { messageId: 'm1', conversationId: 'c1', contactId: 'k1', channel: 'sms', body: 'hi', from: '+100' } });
		const signature = createHmac('sha256', SECRET).update(body).digest('hex');
		expect((await post(`${nodeRed!.url}${t.path}`, body, { 'X-BuzzBip-Signature': `sha256=${signature}` })).status).toBe(200);
		const wrong = createHmac('sha256', 'not-the-secret').update(body).digest('hex');
		expect((await post(`${nodeRed!.url}${t.path}`, body, { 'X-BuzzBip-Signature': wrong })).status).toBe(401);
		const items = await expectLines(t.eventsFile, before + 1);
		expect(items[before]).toEqual(expect.objectContaining({ provider: 'buzzbip', eventId: 'evt_independent_1' }));
	});

	it('sends no duplicate after a restart of Node-RED (localfilesystem context store)', async () => {
		const counts = targets.map((t) => lines(t.eventsFile).length);
		await nodeRed!.stop();
		// the record is in the context store's files, as the node's help says
		const contextFiles = execFileSync('grep', ['-rl', 'verifiedWebhooksDedupe', join(userDir, 'context')], { encoding: 'utf8' }).trim().split('\n');
		expect(contextFiles.length).toBe(targets.length);
		await start();
		await waitForFlow();
		for (const t of targets) {
			const suites = fixturesOf(t.provider).suites;
			for (const example of suites.examples) {
				const res = await send(t, example.body);
				expect(res.status).toBe(200);
			}
		}
		// and a new event still goes through
		const fresh = targets.find((t) => t.provider === 'buzzbip')!;
		const body = { id: 'evt_after_restart', type: 'message.received', createdAt: '2026-06-01T14:32:00Z', data: { messageId: 'm2', conversationId: 'c2', contactId: 'k2', channel: 'sms', body: 'again', from: '+100' } };
		expect((await send(fresh, body)).status).toBe(200);
		for (const [index, t] of targets.entries()) await expectLines(t.eventsFile, counts[index] + (t === fresh ? 1 : 0));
		expect(nodeRed!.log().split('\n').filter((line) => /\[error\]/.test(line))).toEqual([]);
	});
});
