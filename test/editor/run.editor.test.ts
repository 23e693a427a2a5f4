/**
 * The editor as a person meets it: ONE real n8n 2.41.1 with the package (scripts/n8n/harness.ts)
 * and ONE headless Debian chromium (/usr/bin/chromium, installed by scripts/stages/editor.mjs)
 * driven by playwright-core. Signs in as the env-managed owner through the sign-in form, then for
 * each of the six triggers: found in the node creator by its display name with the package's own
 * icon. Screenshots of each step: test/e2e/.work/editor/<run>/*.png. See README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';
import type { INodeType } from 'n8n-workflow';

import { N8nHarness as ToolingHarness } from '../../scripts/n8n/harness';
import { REPO_ROOT } from '../../scripts/n8n/exec';
import { DEFAULT_OWNER } from '../../scripts/n8n/process';
import { FIXTURES } from '../e2e/fixtures';
import { REGISTERED } from '../helpers/registry';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';

class EditorHarness extends ToolingHarness {
	static override defaultWorkRoot = path.join(REPO_ROOT, 'test', 'e2e', '.work', 'editor-n8n');
}

const PORT = Number(process.env.EDITOR_N8N_PORT || 15500);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test', 'e2e', '.work', 'editor', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
jest.setTimeout(3 * 60 * 1000);

/** The six triggers: the registry's five providers and the Verified Webhook Trigger, as their classes describe them. */
const TRIGGERS: INodeType[] = [...REGISTERED.map((r) => r.node), new VerifiedWebhookTrigger()];

/** The icon files a node names (`file:x.svg`, light and dark). */
function iconFiles(node: INodeType): string[] {
	const icon = node.description.icon as string | { light: string; dark: string } | undefined;
	const names = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
	return names.map((n) => n.replace(/^file:/, ''));
}

const WEBHOOK_PATH = '5e1f0000-0000-4000-8000-ed0000000002/webhook';

let harness: EditorHarness | undefined;
let browser: Browser | undefined;
let page: Page;

async function shot(name: string): Promise<string> {
	const file = path.join(SHOTS, `${name}.png`);
	await page.screenshot({ path: file });
	return file;
}

beforeAll(async () => {
	fs.mkdirSync(SHOTS, { recursive: true });
	const first = FIXTURES[0];
	harness = await EditorHarness.create({
		port: PORT,
		workflows: [
			{
				id: 'vwEditorWf000001',
				name: `Editor ${first.displayName}`,
				nodes: [{ id: '5e1f0000-0000-4000-8000-ed0000000001', name: `${first.displayName} Trigger`, type: first.nodeType, typeVersion: 2, position: [0, 0], webhookId: '5e1f0000-0000-4000-8000-ed0000000002', parameters: first.parameters, credentials: { [first.credentialType]: { id: 'vwEditorCred0001', name: 'Editor credential' } } }],
			},
		],
		credentials: [{ id: 'vwEditorCred0001', name: 'Editor credential', type: first.credentialType, data: first.credential }],
		// the editor's API answers once the webhooks do (before that, POST /rest/login is a 404)
		readiness: [{ path: WEBHOOK_PATH, probe: (h) => h.post(WEBHOOK_PATH, '{}'), ready: (res) => res.status === 401 }],
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

	describe.each(TRIGGERS.map((node) => [node.description.displayName, node] as const))('%s', (displayName, node) => {
		it('is found in the node creator by its name, with the package\'s own icon', async () => {
			// a page of its own (the same signed-in context): no "save changes?" question left by the previous one
			const previous = page;
			page = await previous.context().newPage();
			await previous.close();
			await page.goto(`${harness!.url}/workflow/new`);
			await page.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-add-first-step-button"]').first().click({ timeout: 60000 });
			const search = page.locator('[data-test-id="node-creator-search-bar"]');
			await search.fill(displayName);
			const name = page.locator('[data-test-id="node-creator-item-name"]', { hasText: displayName }).first();
			await name.waitFor({ timeout: 30000 });
			await shot(`${node.description.name}-01-node-creator`);
			const icon = name.locator('xpath=ancestor::*[.//img][1]').locator('img').first();
			const src = (await icon.getAttribute('src')) ?? '';
			const files = iconFiles(node);
			expect(files.length).toBeGreaterThan(0);
			expect(files.some((file) => src.endsWith(file) || src.includes(`/${file}`))).toBe(true);
			// the image is served, and is the package's own file
			const served = await page.request.get(new URL(src, harness!.url).href);
			expect(served.status()).toBe(200);
			expect(await served.text()).toContain('<svg');
		});
	});
});
