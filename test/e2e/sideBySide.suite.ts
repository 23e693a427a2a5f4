/**
 * The all-in-one package and two per-service packages side by side in one real n8n 2.41.1: the
 * per-service tarballs are generated from the provider registry as `npm run release:check` makes
 * them (scripts/release/pack-services.mjs), installed into the run's nodes folder as n8n installs a
 * community package (scripts/release/install-as-n8n.mjs) beside the all-in-one package the harness
 * installed, and n8n is restarted to load them. The all-in-one Chatzuri Trigger, the per-service
 * Chatzuri Trigger (same node name, another package) and the per-service BuzzBip Trigger each get
 * one event, each producing exactly one execution; n8n lists each credential type once, so no
 * package's credential type replaces another's. Runs on the one n8n of run.e2e.test.ts.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { prepareRequest } from '../../packages/cli/src/send';
import { executionsOf, expectJsonBody, n8n, outputs, waitForExecutions } from './context';
import { FIXTURES, type ProviderFixture } from './fixtures';
import { uniqueTag, waitFor, type HttpResponse } from './harness';

const ROOT = path.join(__dirname, '..', '..');

function fixture(provider: string): ProviderFixture {
	const found = FIXTURES.find((f) => f.provider === provider);
	if (!found) throw new Error(`no fixture for ${provider}`);
	return found;
}

interface SideTarget {
	label: string;
	fixture: ProviderFixture;
	nodeType: string;
	credentialType: string;
	/** Each credential has a secret of its own: a delivery signed for one trigger fails at another. */
	secret: string;
	credentialData: Record<string, string>;
	workflowId: string;
	credentialId: string;
	webhookId: string;
	nodeName: string;
}

function target(label: string, provider: string, nodeType: string, credentialType: string, index: number): SideTarget {
	const f = fixture(provider);
	const secret = `e2e-side-${index}-${provider}-secret`;
	const secretField = provider === 'chatzuri' ? 'secretKey' : 'signingSecret';
	return {
		label,
		fixture: f,
		nodeType,
		credentialType,
		secret,
		credentialData: { [secretField]: secret },
		workflowId: `vwE2eSide${index}${provider}`.slice(0, 16).padEnd(16, 'x'),
		credentialId: `vwCredSide${index}${provider}`.slice(0, 16).padEnd(16, 'x'),
		webhookId: `5e1f0000-0000-4000-8000-5d${String(index).padStart(10, '0')}`,
		nodeName: `${f.displayName} Trigger`,
	};
}

export const SIDE_TARGETS: SideTarget[] = [
	target('all-in-one Chatzuri', 'chatzuri', 'n8n-nodes-verified-webhooks.chatzuriTrigger', 'chatzuriApi', 1),
	target('per-service Chatzuri', 'chatzuri', 'n8n-nodes-verified-webhooks-chatzuri.chatzuriTrigger', 'verifiedWebhooksChatzuriApi', 2),
	target('per-service BuzzBip', 'buzzbip', 'n8n-nodes-verified-webhooks-buzzbip.buzzBipTrigger', 'verifiedWebhooksBuzzBipApi', 3),
];

const webhookPath = (t: SideTarget) => `${t.webhookId}/webhook`;

function run(args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60 * 1000 }, (error, stdout, stderr) => {
			if (error) reject(new Error(`node ${args.join(' ')}: ${error.message}\n${stderr}`));
			else resolve(stdout);
		});
	});
}

async function deliver(t: SideTarget, body: unknown, secret = t.secret): Promise<HttpResponse> {
	const request = prepareRequest(t.fixture.provider, JSON.stringify(body), { url: `${n8n().url}/webhook/${webhookPath(t)}`, secret });
	return n8n().post(webhookPath(t), request.body, request.headers);
}

/** Installs the two per-service packages beside the all-in-one one, imports their workflows, restarts n8n. */
async function installSideBySide(): Promise<string[]> {
	const h = n8n();
	const work = path.join(h.userFolder, 'side-by-side');
	fs.rmSync(work, { recursive: true, force: true });
	const tarballs = JSON.parse((await run([path.join(ROOT, 'scripts', 'release', 'pack-services.mjs'), work, 'chatzuri', 'buzzbip'])).trim().split('\n').pop()!) as string[];
	await h.stop();
	await run([path.join(ROOT, 'scripts', 'release', 'install-as-n8n.mjs'), path.join(h.userFolder, '.n8n', 'nodes'), ...tarballs]);
	const credentialsFile = path.join(work, 'credentials.json');
	fs.writeFileSync(credentialsFile, JSON.stringify(SIDE_TARGETS.map((t) => ({ id: t.credentialId, name: `E2E ${t.label}`, type: t.credentialType, data: t.credentialData }))));
	const workflowsFile = path.join(work, 'workflows.json');
	fs.writeFileSync(
		workflowsFile,
		JSON.stringify(
			SIDE_TARGETS.map((t) => ({
				id: t.workflowId,
				name: `E2E side by side: ${t.label}`,
				active: false,
				nodes: [
					{
						id: `${t.webhookId.slice(0, 24)}${'b'.repeat(12)}`,
						name: t.nodeName,
						type: t.nodeType,
						typeVersion: 2,
						position: [0, 0],
						webhookId: t.webhookId,
						parameters: {},
						credentials: { [t.credentialType]: { id: t.credentialId, name: `E2E ${t.label}` } },
					},
				],
				connections: {},
				settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
				pinData: {},
			})),
		),
	);
	await h.cli(['import:credentials', `--input=${credentialsFile}`]);
	await h.cli(['import:workflow', `--input=${workflowsFile}`]);
	for (const t of SIDE_TARGETS) await h.cli(['publish:workflow', `--id=${t.workflowId}`]);
	await h.start();
	for (const t of SIDE_TARGETS) {
		// an unsigned empty POST is answered 401 by the node itself once its workflow is live
		await waitFor(async () => (await h.post(webhookPath(t), '{}')).status === 401, { timeoutMs: 120000, intervalMs: 500, what: `${t.label} webhook to be answered by its node` });
	}
	return tarballs;
}

export function sideBySideTests(): void {
	describe('side by side: the all-in-one package and two per-service packages in one n8n', () => {
		let tarballs: string[] = [];
		beforeAll(async () => {
			tarballs = await installSideBySide();
		}, 15 * 60 * 1000);

		it('n8n loads all three packages, each credential type once', async () => {
			expect(tarballs.map((t) => path.basename(t))).toEqual(['n8n-nodes-verified-webhooks-chatzuri-0.1.0.tgz', 'n8n-nodes-verified-webhooks-buzzbip-0.1.0.tgz']);
			const nodes = await n8n().editorGet<Array<{ name: string }>>('/types/nodes.json');
			for (const t of SIDE_TARGETS) expect(nodes.filter((n) => n.name === t.nodeType)).toHaveLength(1);
			const credentials = await n8n().editorGet<Array<{ name: string }>>('/types/credentials.json');
			for (const name of ['chatzuriApi', 'buzzBipApi', 'verifiedWebhooksChatzuriApi', 'verifiedWebhooksBuzzBipApi']) {
				expect(credentials.filter((c) => c.name === name)).toHaveLength(1);
			}
		});

		it('one event to each trigger: exactly one execution each, with its own item', async () => {
			const tag = uniqueTag();
			const before = await Promise.all(SIDE_TARGETS.map(async (t) => (await executionsOf(t.workflowId)).length));
			expect(before).toEqual([0, 0, 0]);
			for (const [i, t] of SIDE_TARGETS.entries()) {
				const res = await deliver(t, t.fixture.uniqueDelivery(`${tag}${i}`));
				expect(res.status).toBe(200);
				expect(expectJsonBody(res)).toBeDefined();
			}
			for (const t of SIDE_TARGETS) {
				const [execution] = await waitForExecutions(t.workflowId, 1);
				expect(execution.status).toBe('success');
				const [events, unrecognized] = outputs(execution, t.nodeName);
				expect(unrecognized).toEqual([]);
				expect(events).toHaveLength(1);
				expect(events[0].json.provider).toBe(t.fixture.provider);
			}
			// nothing more arrives late
			await new Promise((r) => setTimeout(r, 1500));
			for (const t of SIDE_TARGETS) expect(await executionsOf(t.workflowId)).toHaveLength(1);
		});

		it('each trigger checks against its own package\'s credential: the other Chatzuri\'s secret gets 401', async () => {
			const [allInOne, perService] = SIDE_TARGETS;
			const body = allInOne.fixture.uniqueDelivery(`${uniqueTag()}x`);
			expect((await deliver(allInOne, body, perService.secret)).status).toBe(401);
			expect((await deliver(perService, body, allInOne.secret)).status).toBe(401);
			await new Promise((r) => setTimeout(r, 1500));
			expect(await executionsOf(allInOne.workflowId)).toHaveLength(1);
			expect(await executionsOf(perService.workflowId)).toHaveLength(1);
		});
	});
}
