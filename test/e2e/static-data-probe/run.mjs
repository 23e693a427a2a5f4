#!/usr/bin/env node
/**
 * Re-checks STATIC-DATA-FINDINGS.md on the runtime's n8n ($N8N_VERSION, else 2.41.1): installs the probe trigger of
 * ./package into a fresh n8n, sends one delivery per strategy, stops n8n and prints each workflow's
 * saved static data (from `n8n export:workflow`). Run: node test/e2e/static-data-probe/run.mjs
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadRuntime } from '../../../scripts/n8n/load.mjs';

// the runtime is TypeScript, loaded through tsx (a dev dependency: run `npm ci` first)
const { ensureN8n, httpRequest, installPackageTarball, npmCliPath, run, runN8nCli, startN8n, waitFor, waitForHealthy } = loadRuntime();

const here = path.dirname(fileURLToPath(import.meta.url));
const n8n = await ensureN8n();
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-probe-'));
await run(process.execPath, [npmCliPath(), 'pack', path.join(here, 'package'), '--pack-destination', userFolder, '--loglevel=error'], { quiet: true });
await installPackageTarball(userFolder, path.join(userFolder, 'n8n-nodes-sdprobe-0.0.1.tgz'));
const options = { port: Number(process.env.PROBE_PORT || 5695), userFolder, encryptionKey: 'static-data-probe' };

// [strategy, static data non-empty before the delivery]
const cases = [
	['plain', true],
	['noWebhookResponse', true],
	['finish', true],
	['execute', true],
	['plain', false],
	['finish', false],
];
const workflows = cases.map(([strategy, primed], i) => ({
	id: `sdProbeWorkflow${i}`,
	name: `${strategy}, static data ${primed ? 'non-empty' : 'empty'} before`,
	active: false,
	nodes: [
		{
			id: `0000000${i}-0000-4000-8000-000000000000`,
			name: 'Probe',
			type: 'n8n-nodes-sdprobe.sdProbeTrigger',
			typeVersion: 1,
			position: [0, 0],
			webhookId: `0000000${i}-1111-4000-8000-000000000000`,
			parameters: { strategy },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
	pinData: {},
}));
fs.writeFileSync(path.join(userFolder, 'workflows.json'), JSON.stringify(workflows));
await runN8nCli(n8n, ['import:workflow', `--input=${path.join(userFolder, 'workflows.json')}`], options);
for (const w of workflows) await runN8nCli(n8n, ['publish:workflow', `--id=${w.id}`], options);

const handle = startN8n(n8n, { ...options, logFile: path.join(userFolder, 'n8n.log') });
try {
	await waitForHealthy(handle);
	const post = (w, body) =>
		httpRequest(`${handle.url}/webhook/${w.nodes[0].webhookId}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	for (const w of workflows) await waitFor(async () => (await post(w, { ping: true })).status === 200, { timeoutMs: 60000, what: `webhook of ${w.name}` });
	for (const [i, w] of workflows.entries()) if (cases[i][1]) await post(w, { prime: 'before' });
	for (const w of workflows) {
		const res = await post(w, { mark: 'delivery' });
		console.log(`delivery to "${w.name}": ${res.status} ${res.body.slice(0, 40)}`);
	}
	await new Promise((r) => setTimeout(r, 4000)); // let the executions finish
} finally {
	await handle.stop();
}
const exported = path.join(userFolder, 'export.json');
await runN8nCli(n8n, ['export:workflow', '--all', `--output=${exported}`], options);
console.log('\nstatic data saved after the restart (mark = the delivery\'s write was saved):');
for (const w of JSON.parse(fs.readFileSync(exported, 'utf8')).sort((a, b) => a.id.localeCompare(b.id))) {
	const saved = w.staticData?.['node:Probe'] ?? {};
	console.log(`  ${w.name.padEnd(42)} ${saved.mark === 'delivery' ? 'SAVED    ' : 'NOT SAVED'} ${JSON.stringify(w.staticData)}`);
}
fs.rmSync(userFolder, { recursive: true, force: true });
