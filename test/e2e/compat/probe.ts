/**
 * The essentials of one n8n version, end to end, as a script (the groundwork of `npm run
 * test:compat`): `npx tsx test/e2e/compat/probe.ts [<n8n version>] [--port=17100] [--json=out.json]`
 * (after `npm run build`; default version: $N8N_VERSION, else 2.41.1). It installs that n8n
 * (cached), starts it with this package installed as Community Nodes installs it, and checks, each
 * step timed and printed:
 * - the six nodes load: `/types/nodes.json` serves them, Settings → Community nodes lists the
 *   package (`GET /rest/community-packages`) without `failedLoading`;
 * - the BuzzBip documented example, signed as BuzzBip signs, delivered to a published (2.x) or
 *   active (1.x) workflow, is answered 200 and becomes exactly one successful execution with the
 *   item the fixtures describe;
 * - the answer's time and how many executions are listed right after it (a hint at whether n8n
 *   answers before the execution exists, not a proof: the answer and the list race);
 * - a wrong signature is answered 401 and starts nothing; the same delivery again starts nothing.
 * Exits 1 when a check fails; prints one JSON line with the figures.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { prepareRequest } from '../../../packages/cli/src/send';
import { FIXTURES } from '../fixtures';
import { N8nHarness, httpRequest, log, uniqueTag, waitFor, type Execution, type HttpResponse, type WorkflowSpec } from '../harness';

const PACKAGE = 'n8n-nodes-verified-webhooks';
const SIX = ['buzzeasyTrigger', 'tracebuzzTrigger', 'chatzuriTrigger', 'buzzBipTrigger', 'apiRtcTrigger', 'verifiedWebhookTrigger'].map((n) => `${PACKAGE}.${n}`);

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const version = process.argv.slice(2).find((a) => !a.startsWith('--'));

const fixture = FIXTURES.find((f) => f.provider === 'buzzbip')!;
const target = { workflowId: 'vwCompatBuzzBip1', credentialId: 'vwCompatCredBb01', webhookId: '5e1f0000-0000-4000-8000-c0c0c0c0c001', nodeName: 'BuzzBip Trigger' };
const webhookPath = `${target.webhookId}/webhook`;

const workflows: WorkflowSpec[] = [
	{
		id: target.workflowId,
		name: 'Compat BuzzBip',
		nodes: [
			{
				id: '5e1f0000-0000-4000-8000-c0c0c0c0c0aa',
				name: target.nodeName,
				type: fixture.nodeType,
				typeVersion: 2,
				position: [0, 0],
				webhookId: target.webhookId,
				parameters: fixture.parameters,
				credentials: { [fixture.credentialType]: { id: target.credentialId, name: 'Compat BuzzBip' } },
			},
		],
	},
];

interface Check {
	name: string;
	ok: boolean;
	detail?: string;
}

async function main(): Promise<void> {
	const figures: Record<string, unknown> = {};
	const checks: Check[] = [];
	const check = (name: string, ok: boolean, detail?: string) => {
		checks.push({ name, ok, detail });
		log(`compat: ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
	};
	const t0 = Date.now();
	const harness = await N8nHarness.create({
		n8nVersion: version,
		port: Number(arg('port') ?? 17100),
		workRoot: path.join(N8nHarness.defaultWorkRoot, 'compat'),
		workflows,
		credentials: [{ id: target.credentialId, name: 'Compat BuzzBip', type: fixture.credentialType, data: fixture.credential }],
		readiness: [{ path: webhookPath, probe: (h) => h.post(webhookPath, '{}'), ready: (res) => res.status === 401 }],
	});
	figures.n8n = harness.version;
	figures.node = harness.n8n.node.version;
	figures.readyMs = Date.now() - t0;
	try {
		// the six nodes load
		const types = await harness.editorGet<Array<{ name: string }>>('/types/nodes.json');
		const served = SIX.filter((type) => types.some((t) => t.name === type));
		check('/types/nodes.json serves the six nodes', served.length === 6, `${served.length}/6 of ${types.length} node types`);
		const packages = await harness.editorGet<{ data: Array<{ packageName: string; failedLoading?: boolean; installedNodes: Array<{ type: string }> }> }>('/rest/community-packages');
		const listed = packages.data.find((p) => p.packageName === PACKAGE);
		check('Settings → Community nodes lists the package with its six nodes', !!listed && listed.failedLoading !== true && listed.installedNodes.length === 6, listed ? `failedLoading ${listed.failedLoading}, ${listed.installedNodes.length} nodes` : 'not listed');

		// one documented example → one execution, with the answer's timing
		const example = fixture.examples[0];
		const raw = JSON.stringify(example.body);
		const request = prepareRequest('buzzbip', raw, { url: `${harness.url}/webhook/${webhookPath}`, secret: fixture.secret.secret });
		const sent = Date.now();
		const res: HttpResponse = await harness.post(webhookPath, request.body, request.headers);
		const answeredMs = Date.now() - sent;
		const atAnswer = await harness.executions(target.workflowId, { includeData: false, includeRunning: true });
		figures.answerMs = answeredMs;
		figures.executionsListedRightAfterAnswer = atAnswer.length;
		check('the BuzzBip example is answered 200', res.status === 200, `${res.status} ${res.body.slice(0, 120)} in ${answeredMs} ms`);
		const executions = await waitFor(
			async () => {
				const all = await harness.executions(target.workflowId);
				return all.length >= 1 && all.every((e) => !['new', 'running'].includes(e.status)) ? all : undefined;
			},
			{ timeoutMs: 30000, intervalMs: 250, what: 'the execution of the BuzzBip example' },
		).catch(() => [] as Execution[]);
		const item = executions[0]?.data?.resultData.runData[target.nodeName]?.[0]?.data?.main?.[0]?.[0]?.json;
		check('… and becomes exactly one successful execution', executions.length === 1 && executions[0].status === 'success', `${executions.length} execution(s), ${executions.map((e) => e.status).join(',')}`);
		check(
			'… whose item is the documented event',
			!!item && item.provider === 'buzzbip' && item.event === example.expect.event && item.eventId === example.expect.eventId && item.occurredAt === example.expect.occurredAt,
			item ? `${item.provider} ${item.event} ${item.eventId} ${item.occurredAt}` : 'no item',
		);
		
		// a wrong signature: 401, nothing; the same delivery again: nothing
		const forged = prepareRequest('buzzbip', JSON.stringify(fixture.uniqueDelivery(uniqueTag())), { url: '', secret: `${fixture.secret.secret}-wrong` });
		const denied = await harness.post(webhookPath, forged.body, forged.headers);
		const again = await harness.post(webhookPath, request.body, request.headers);
		await new Promise((r) => setTimeout(r, 2000));
		const after = await harness.executions(target.workflowId, { includeData: false, includeRunning: true });
		check('a wrong signature is answered 401', denied.status === 401, String(denied.status));
		check('the same delivery again is answered 200 and the wrong one and it start nothing', again.status === 200 && after.length === 1, `${again.status}, ${after.length} execution(s) in all`);

		// the editor's own settings, for the record of what differs per line
		const settings = await httpRequest(`${harness.url}/rest/settings`);
		const data = (JSON.parse(settings.body) as { data?: { versionCli?: string; userManagement?: { showSetupOnFirstLoad?: boolean } } }).data;
		figures.versionCli = data?.versionCli;
	} finally {
		await harness.stop();
	}
	figures.totalMs = Date.now() - t0;
	const failed = checks.filter((c) => !c.ok);
	const summary = { ...figures, passed: checks.length - failed.length, failed: failed.length, checks };
	process.stdout.write(`${JSON.stringify(summary)}\n`);
	const json = arg('json');
	if (json) fs.writeFileSync(json, JSON.stringify(summary, null, 2) + '\n');
	process.exit(failed.length ? 1 : 0);
}

main().catch((err: Error) => {
	process.stderr.write(`compat: ${err.stack ?? err.message}\n`);
	process.exit(1);
});
