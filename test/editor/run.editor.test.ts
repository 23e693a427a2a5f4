/**
 * The editor as a person meets it: ONE real n8n 2.41.1 with the package (scripts/n8n/harness.ts)
 * and ONE headless Debian chromium (/usr/bin/chromium, installed by scripts/stages/editor.mjs)
 * driven by playwright-core. Signs in as the env-managed owner through the sign-in form, then for
 * each of the six triggers, in a workflow of its own (the trigger, then an Edit Fields node on its
 * Event output): found in the node creator with the package's own icon; its parameters and its
 * credential form render with their labels; a wrongly signed request to the Test URL while the
 * editor listens shows its reason in the editor; opening the Test URL while the editor listens
 * (the sample webhook) gives the next node the event's fields to map; an Unrecognized delivery on
 * the Production URL is marked in the executions list. Screenshots of each step:
 * test/e2e/.work/editor/<run>/*.png. See README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { ICredentialType, INodeProperties, INodeType } from 'n8n-workflow';

import { N8nHarness as ToolingHarness, type Execution } from '../../scripts/n8n/harness';
import { REPO_ROOT } from '../../scripts/n8n/exec';
import { DEFAULT_OWNER } from '../../scripts/n8n/process';
import { PACKAGE_NAME } from '../../scripts/providers';
import { prepareRequest } from '../../packages/cli/src/send';
import { FIXTURES } from '../e2e/fixtures';
import { credentialOf, REGISTERED } from '../helpers/registry';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { VerifiedWebhookApi } from '../../credentials/VerifiedWebhookApi.credentials';

class EditorHarness extends ToolingHarness {
	static override defaultWorkRoot = path.join(REPO_ROOT, 'test', 'e2e', '.work', 'editor-n8n');
}

const PORT = Number(process.env.EDITOR_N8N_PORT || 15500);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test', 'e2e', '.work', 'editor', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
jest.setTimeout(3 * 60 * 1000);

/** One trigger in its workflow: what the editor shows of it and how its sender signs. */
interface Target {
	node: INodeType;
	credential: ICredentialType;
	/** The node's name on the canvas (its default name). */
	nodeName: string;
	workflowId: string;
	webhookId: string;
	credentialId: string;
	credentialData: Record<string, string>;
	/** The signing secret (or API key) in the credential: never shown outside its form. */
	secret: string;
	parameters: Record<string, unknown>;
	/** The request the sender makes for `raw`, its signature (or secret header) replaced by a wrong one. */
	forged(raw: string): { body: string; headers: Record<string, string> };
	/** The request the sender makes for `raw`, correctly signed. */
	signed(raw: string): { body: string; headers: Record<string, string> };
	/** A body the trigger authenticates that is no event of its sender. */
	unrecognized: Record<string, unknown>;
	/** What the trigger answers it: the sender's fixed answer (Chatzuri's), else status unrecognized. */
	unrecognizedAnswer: Record<string, unknown>;
}

const vwt = new VerifiedWebhookTrigger();
/** The Verified Webhook Trigger with one of the package's providers as its sender (BuzzBip: it has an Unrecognized output). */
const VWT_SENDER = FIXTURES.find((f) => f.provider === 'buzzbip')!;
const VWT_SECRET = 'editor-verified-webhook-secret';

const TARGETS: Target[] = [
	...REGISTERED.map(({ node, definition }, index): Target => {
		const fixture = FIXTURES.find((f) => f.provider === definition.provider)!;
		const request = (raw: string, tamper?: 'signature') =>
			prepareRequest(fixture.provider, raw, { url: 'http://editor.invalid/', secret: fixture.secret.secret, headerName: fixture.secret.headerName, tamper });
		return {
			node,
			credential: credentialOf(definition),
			nodeName: node.description.defaults.name!,
			workflowId: `vwEditorWf${String(index).padStart(6, '0')}`,
			webhookId: `5e1f0000-0000-4000-8000-ed00000000${String(index + 1).padStart(2, '0')}`,
			credentialId: `vwEditorCred${String(index).padStart(4, '0')}`,
			credentialData: fixture.credential,
			secret: fixture.secret.secret,
			parameters: fixture.parameters,
			forged: (raw) => request(raw, 'signature'),
			signed: (raw) => request(raw),
			unrecognized: fixture.unrecognized,
			unrecognizedAnswer: definition.acknowledgement ?? { status: 'unrecognized' },
		};
	}),
	{
		node: vwt,
		credential: new VerifiedWebhookApi(),
		nodeName: vwt.description.defaults.name!,
		workflowId: 'vwEditorWfVwt001',
		webhookId: '5e1f0000-0000-4000-8000-ed00000000ff',
		credentialId: 'vwEditorCredVwt1',
		credentialData: { secret: VWT_SECRET, previousSecret: `${VWT_SECRET}-previous` },
		secret: VWT_SECRET,
		parameters: { preset: VWT_SENDER.provider },
		forged: (raw) => prepareRequest(VWT_SENDER.provider, raw, { url: 'http://editor.invalid/', secret: VWT_SECRET, tamper: 'signature' }),
		signed: (raw) => prepareRequest(VWT_SENDER.provider, raw, { url: 'http://editor.invalid/', secret: VWT_SECRET }),
		unrecognized: VWT_SENDER.unrecognized,
		unrecognizedAnswer: { status: 'unrecognized' },
	},
];


/** The icon files a node names (`file:x.svg`, light and dark). */
function iconFiles(node: INodeType): string[] {
	const icon = node.description.icon as string | { light: string; dark: string } | undefined;
	const names = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
	return names.map((n) => n.replace(/^file:/, ''));
}

/** The labels a form shows whatever else is set: properties without displayOptions, notices and hidden ones aside. */
function alwaysShownLabels(properties: INodeProperties[]): string[] {
	return properties.filter((p) => !p.displayOptions && p.type !== 'notice' && p.type !== 'hidden').map((p) => p.displayName);
}

/**
 * The name the node creator gives a trigger: n8n 2.41's node creator lists a trigger with
 * trigger actions (an Events parameter of several options) without " Trigger"
 * ("Tracebuzz"; its actions are the events), any other under its display name ("Buzzeasy Trigger").
 */
function creatorNames(node: INodeType): string[] {
	const name = node.description.displayName;
	return [name, name.replace(' Trigger', '')];
}

const EDIT_FIELDS = 'Edit Fields';

/** A label as n8n renders it: the text alone, or followed by the required-field asterisk. */
function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function labelText(label: string): RegExp {
	return new RegExp(`^\\s*${escapeRegExp(label)}\\s*\\*?\\s*$`);
}

let harness: EditorHarness | undefined;
let browser: Browser | undefined;
let page: Page;

async function shot(name: string, on: Page = page): Promise<string> {
	const file = path.join(SHOTS, `${name}.png`);
	await on.screenshot({ path: file });
	return file;
}

/** Runs a step; on failure saves `<name>-FAILED.png` first, so that what the page showed is kept. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		await shot(`${name}-FAILED`).catch(() => undefined);
		throw error;
	}
}

/** A page of its own (the same signed-in context): no "save changes?" question left by the previous one. */
async function freshPage(): Promise<Page> {
	const previous = page;
	page = await previous.context().newPage();
	await previous.close();
	return page;
}

function ndv(): Locator {
	return page.locator('[data-test-id="ndv"]');
}

async function openWorkflow(t: Target): Promise<void> {
	await freshPage();
	await page.goto(`${harness!.url}/workflow/${t.workflowId}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60000 });
}

async function openNode(name: string): Promise<Locator> {
	await page.locator('[data-test-id="canvas-node"]').filter({ hasText: name }).first().dblclick();
	await ndv().waitFor({ timeout: 30000 });
	return ndv();
}

async function closeNdv(): Promise<void> {
	await page.keyboard.press('Escape');
	await ndv().waitFor({ state: 'hidden', timeout: 15000 });
}

/** Clicks the trigger's execute button in its panel ("Listen for test event") and waits until n8n listens. */
async function listen(): Promise<void> {
	await ndv().locator('[data-test-id="node-execute-button"]').first().click();
	await ndv().getByText(/stop listening/i).first().waitFor({ timeout: 30000 });
}

const testPath = (t: Target) => `webhook-test/${t.webhookId}/webhook`;

async function post(pathname: string, request: { body: string; headers: Record<string, string> }): Promise<{ status: number; body: string }> {
	const res = await fetch(`${harness!.url}/${pathname}`, { method: 'POST', body: request.body, headers: request.headers });
	return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
	fs.mkdirSync(SHOTS, { recursive: true });
	const [firstTarget] = TARGETS;
	harness = await EditorHarness.create({
		port: PORT,
		workflows: TARGETS.map((t) => ({
			id: t.workflowId,
			name: `Editor ${t.nodeName}`,
			nodes: [
				{
					id: `${t.webhookId.slice(0, 24)}${'c'.repeat(12)}`,
					name: t.nodeName,
					type: `${PACKAGE_NAME}.${t.node.description.name}`,
					typeVersion: t.node.description.defaultVersion ?? 1,
					position: [0, 0],
					webhookId: t.webhookId,
					parameters: t.parameters,
					credentials: { [t.credential.name]: { id: t.credentialId, name: `Editor ${t.nodeName}` } },
				},
				{ id: `${t.webhookId.slice(0, 24)}${'d'.repeat(12)}`, name: EDIT_FIELDS, type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [300, 0], parameters: { assignments: { assignments: [] }, options: {} } },
			],
			connections: { [t.nodeName]: { main: [[{ node: EDIT_FIELDS, type: 'main', index: 0 }], []] } },
		})),
		credentials: TARGETS.map((t) => ({ id: t.credentialId, name: `Editor ${t.nodeName}`, type: t.credential.name, data: t.credentialData })),
		// the editor's API answers once the webhooks do (before that, POST /rest/login is a 404)
		readiness: [{ path: `${firstTarget.webhookId}/webhook`, probe: (h) => h.post(`${firstTarget.webhookId}/webhook`, '{}'), ready: (res) => res.status === 401 }],
	});
	browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
	page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
}, 20 * 60 * 1000);

afterAll(async () => {
	await browser?.close().catch(() => undefined);
	await harness?.stop();
}, 60 * 1000);

describe('the editor in a real browser', () => {
	it('signs the owner in through the sign-in form', async () => {
		await page.goto(`${harness!.url}/signin`);
		const form = page.locator('[data-test-id="signin-form"]');
		await form.waitFor({ timeout: 60000 });
		await form.locator('input[type="email"], input[name="emailOrLdapLoginId"]').first().fill(DEFAULT_OWNER.email);
		await form.locator('input[type="password"]').first().fill(DEFAULT_OWNER.password);
		await shot('00-signin');
		await page.locator('[data-test-id="form-submit-button"]').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60000 });
		await shot('01-signed-in');
		expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
	});

	describe.each(TARGETS.map((t) => [t.node.description.displayName, t] as const))('%s', (displayName, t) => {
		const id = t.node.description.name;

		it('is found in the node creator by its name, with the package\'s own icon and description', async () => {
			await freshPage();
			await page.goto(`${harness!.url}/workflow/new`);
			await page.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-add-first-step-button"]').first().click({ timeout: 60000 });
			await page.locator('[data-test-id="node-creator-search-bar"]').fill(displayName);
			const names = creatorNames(t.node);
			const name = page.locator('[data-test-id="node-creator-item-name"]').filter({ hasText: new RegExp(`^\\s*(${names.join('|')})\\s*$`) }).first();
			await step(`${id}-01-node-creator`, () => name.waitFor({ timeout: 30000 }));
			await shot(`${id}-01-node-creator`);
			const item = name.locator('xpath=ancestor::*[.//img][1]');
			await expect(item.locator('[data-test-id="node-creator-item-description"]').first().innerText()).resolves.toBe(t.node.description.description);
			const src = (await item.locator('img').first().getAttribute('src')) ?? '';
			const files = iconFiles(t.node);
			expect(files.length).toBeGreaterThan(0);
			expect(files.some((file) => src.endsWith(file) || src.includes(`/${file}`))).toBe(true);
			// the image is served, and is the package's own file
			const served = await page.request.get(new URL(src, harness!.url).href);
			expect(served.status()).toBe(200);
			expect(await served.text()).toContain('<svg');
		});

		it('shows its parameters and its credential form with their labels', async () => {
			await openWorkflow(t);
			const panel = await step(`${id}-02-parameters`, () => openNode(t.nodeName));
			const labels = alwaysShownLabels(t.node.description.properties);
			expect(labels.length).toBeGreaterThan(0);
			for (const label of labels) await step(`${id}-02-parameters`, () => panel.getByText(labelText(label)).first().waitFor({ timeout: 15000 }));
			await shot(`${id}-02-parameters`);
			// the credential the node uses, opened for editing from the node
			await step(`${id}-03-credential`, async () => {
				await panel.locator('[data-test-id="node-credentials-select"]').first().waitFor({ timeout: 15000 });
				await panel.locator('[data-test-id="credential-edit-button"]').first().click();
			});
			const modal = page.locator('[data-test-id="editCredential-modal"]');
			await step(`${id}-03-credential`, () => modal.waitFor({ timeout: 30000 }));
			const credentialLabels = alwaysShownLabels(t.credential.properties);
			expect(credentialLabels.length).toBeGreaterThan(0);
			for (const label of credentialLabels) await step(`${id}-03-credential`, () => modal.getByText(labelText(label)).first().waitFor({ timeout: 15000 }));
			await shot(`${id}-03-credential`);
		});

		it('shows the reason of a wrongly signed test request while it listens', async () => {
			await openWorkflow(t);
			await openNode(t.nodeName);
			await step(`${id}-04-listening`, () => listen());
			await shot(`${id}-04-listening`);
			const raw = JSON.stringify(t.unrecognized);
			// n8n answers 404 until the test webhook is registered (nothing consumed): a few tries
			let res = await post(testPath(t), t.forged(raw));
			for (let i = 0; i < 20 && res.status === 404; i++) {
				await new Promise((resolve) => setTimeout(resolve, 500));
				res = await post(testPath(t), t.forged(raw));
			}
			expect(res.status).toBe(401);
			const { reason } = JSON.parse(res.body) as { reason: string };
			expect(reason).toEqual(expect.any(String));
			await step(`${id}-05-refused`, () => ndv().getByText(reason).first().waitFor({ timeout: 30000 }));
			await shot(`${id}-05-refused`);
			expect(await ndv().innerText()).not.toContain(t.secret);
		});

		it('gives the next node the fields of an event before any real event (the Test URL opened while it listens)', async () => {
			await openWorkflow(t);
			await openNode(t.nodeName);
			await step(`${id}-06-sample`, () => listen());
			// a person opens the Test URL in a browser tab
			const tab = await page.context().newPage();
			// n8n answers 404 (JSON) until the test webhook is registered: a few tries. The trigger's own
			// 404 (no sample) is an HTML page and fails at once.
			let opened = await tab.goto(`${harness!.url}/${testPath(t)}`);
			for (let i = 0; i < 20 && opened?.status() === 404 && /json/.test(opened.headers()['content-type'] ?? ''); i++) {
				await new Promise((resolve) => setTimeout(resolve, 500));
				opened = await tab.goto(`${harness!.url}/${testPath(t)}`);
			}
			expect({ status: opened?.status(), body: opened?.status() === 200 ? '' : await opened?.text() }).toEqual({ status: 200, body: '' });
			await shot(`${id}-06-sample-page`, tab);
			await tab.close();
			await step(`${id}-06-sample`, () => ndv().getByText('sample', { exact: false }).first().waitFor({ timeout: 30000 }));
			await shot(`${id}-06-sample`);
			await closeNdv();
			const next = await openNode(EDIT_FIELDS);
			for (const field of ['event', 'eventId', 'receivedAt', 'sample']) {
				await step(`${id}-07-mapping`, () => next.getByText(field, { exact: true }).first().waitFor({ timeout: 15000 }));
			}
			// mapped: eventId dragged from the input onto Fields to Set gives an assignment {{ $json.eventId }} with the sample's value
			await step(`${id}-07-mapping`, async () => {
				await next.getByText('eventId', { exact: true }).first().dragTo(next.getByText('Drag input fields here').first());
				await next.getByText(/\{\{\s*\$json\.eventId\s*\}\}/).first().waitFor({ timeout: 15000 });
			});
			await shot(`${id}-07-mapping`);
		});

		it('marks an Unrecognized delivery in the executions list', async () => {
			const before = await harness!.executions(t.workflowId, { includeData: false });
			const res = await post(`webhook/${t.webhookId}/webhook`, t.signed(JSON.stringify(t.unrecognized)));
			expect(res.status).toBe(200);
			expect(JSON.parse(res.body)).toEqual(t.unrecognizedAnswer);
			// the execution it started, and the reason on its item (what the editor must show)
			let execution: Execution | undefined;
			for (let i = 0; i < 60 && !execution; i++) {
				execution = (await harness!.executions(t.workflowId, { afterId: before.length ? Number(before[0].id) : undefined })).find((e) => e.mode === 'webhook' && e.finished);
				if (!execution) await new Promise((resolve) => setTimeout(resolve, 500));
			}
			expect(execution).toBeDefined();
			const [, unknown = []] = execution!.data!.resultData.runData[t.nodeName][0].data!.main;
			expect(unknown).toHaveLength(1);
			const reason = String(unknown![0].json.reason);
			// custom data on the execution (n8n's community edition shows it only with the AdvancedExecutionFilters licence)
			const details = await harness!.editorGet<{ data: { customData?: Record<string, string> } }>(`/rest/executions/${execution!.id}`);
			expect(details.data.customData).toEqual({ unrecognized: reason });
			const label = t.node.description.outputNames![1];
			await freshPage();
			await page.goto(`${harness!.url}/workflow/${t.workflowId}/executions/${execution!.id}`);
			const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: t.nodeName }).first();
			await step(`${id}-08-executions`, async () => {
				// the preview's canvas (its output labels show on hover only)
				await node.waitFor({ timeout: 60000 });
			});
			await shot(`${id}-08-executions`);
			await node.dblclick();
			await step(`${id}-09-unrecognized`, async () => {
				await ndv().waitFor({ timeout: 30000 });
				await ndv().getByText(`${label} Branch (1 item)`).first().waitFor({ timeout: 15000 });
				// the warning above the output names the reason
				await ndv().getByText(new RegExp(escapeRegExp(reason))).first().waitFor({ timeout: 15000 });
			});
			await shot(`${id}-09-unrecognized`);
		});
	});
});
