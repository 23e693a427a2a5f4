/**
 * Why a graceful stop (SIGTERM) of a receiving `n8n webhook` process waits on "N active
 * executions" until n8n's 30 s limit (issue 17). Not part of the suite (it takes ~6 min); run it
 * with `npx tsx test/queue/stopProbe.ts` after `npm run build` (the queue stage's prepare must
 * have installed Postgres and Redis). One n8n 2.41.1 in queue mode (main, worker, one webhook
 * process, JSON logs at debug level), two workflows: BuzzBip Trigger → No Operation and n8n's own
 * Webhook node (onReceived) → No Operation. Each run sends 200 requests at 20 in flight to the
 * webhook process, waits until the worker has finished every execution, then stops the webhook
 * process and reads its log: the executions it added to ActiveExecutions and never removed
 * ("stuck"), by workflow, and how soon the worker finished them after they were enqueued.
 * Runs: Webhook node alone, BuzzBip alone, both mixed, then BuzzBip alone with
 * N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED=1000. Figures to test/queue/.work/stop-probe.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { sendRequest, type PreparedRequest } from '../../packages/cli/src/send';
import { httpRequest } from '../../scripts/n8n/http';
import { QueueCluster, type QueueMember } from '../../scripts/n8n/queue';
import { FIXTURES } from '../e2e/fixtures';
import { buildLoadEvents } from '../e2e/loadEvents';
import { startPostgres, startRedis } from './services';

const WORK = path.join(__dirname, '.work', 'stop-probe');
const fixture = FIXTURES.find((f) => f.provider === 'buzzbip')!;
const REQUESTS = Number(process.env.PROBE_REQUESTS ?? 200);
const IN_FLIGHT = 20;
const TRIGGER = { workflowId: 'vwProbeBuzzBip01', webhookId: '5e1f0000-0000-4000-8000-0000000b0001' };
const CONTROL = { workflowId: 'vwProbeWebhook01', webhookId: '5e1f0000-0000-4000-8000-0000000b0002', path: 'probe-control' };

const noOp = (id: string) => ({ id, name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [260, 0], parameters: {} });

interface LogLine {
	message?: string;
	timestamp?: string;
	metadata?: { executionId?: string; jobId?: string; timestamp?: string };
}

function readLog(file: string, from: number): LogLine[] {
	return fs
		.readFileSync(file, 'utf8')
		.slice(from)
		.split('\n')
		.filter((l) => l.startsWith('{'))
		.map((l) => {
			try {
				return JSON.parse(l) as LogLine;
			} catch {
				return {};
			}
		});
}

async function pool(total: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(Array.from({ length: Math.min(limit, total) }, async () => {
		while (next < total) await task(next++);
	}));
}

(async () => {
	fs.mkdirSync(WORK, { recursive: true });
	const postgres = await startPostgres(path.join(WORK, 'postgres'), { from: 17900, to: 17919 });
	const redis = await startRedis(path.join(WORK, 'redis'), { from: 17920, to: 17939 });
	let cluster: QueueCluster | undefined;
	const results: unknown[] = [];
	try {
		cluster = await QueueCluster.create({
			workDir: path.join(WORK, 'n8n'),
			ports: { from: 17940, to: 17999 },
			postgres,
			redis,
			webhookProcesses: 1,
			env: { N8N_LOG_FORMAT: 'json' },
			roleEnv: { webhook: { N8N_LOG_LEVEL: 'debug' }, worker: { N8N_LOG_LEVEL: 'info' } },
			credentials: [{ id: 'vwProbeCredBzBp1', name: 'Probe BuzzBip', type: fixture.credentialType, data: fixture.credential }],
			workflows: [
				{
					id: TRIGGER.workflowId,
					name: 'Probe BuzzBip',
					nodes: [
						{ id: '5e1f0000-0000-4000-8000-0000000c0001', name: 'BuzzBip Trigger', type: fixture.nodeType, typeVersion: 2, position: [0, 0], webhookId: TRIGGER.webhookId, parameters: fixture.parameters, credentials: { [fixture.credentialType]: { id: 'vwProbeCredBzBp1', name: 'Probe BuzzBip' } } },
						noOp('5e1f0000-0000-4000-8000-0000000c0002'),
					],
					connections: { 'BuzzBip Trigger': { main: [[{ node: 'No Operation', type: 'main', index: 0 }], []] } },
				},
				{
					id: CONTROL.workflowId,
					name: 'Probe Webhook node',
					nodes: [
						{ id: '5e1f0000-0000-4000-8000-0000000c0003', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: CONTROL.webhookId, parameters: { httpMethod: 'POST', path: CONTROL.path, responseMode: 'onReceived', options: {} } },
						noOp('5e1f0000-0000-4000-8000-0000000c0004'),
					],
					connections: { Webhook: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
				},
			],
			ready: async (url) => {
				const res = await httpRequest(`${url}/webhook/${TRIGGER.webhookId}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
				const control = await httpRequest(`${url}/webhook/${CONTROL.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ready":true}' });
				return res.status === 401 && control.status === 200;
			},
		});
		const q = cluster;
		const hook: QueueMember = q.webhooks[0];
		let serial = 0;
		const run = async (label: string, mix: 'control' | 'trigger' | 'mixed', env: Record<string, string> = {}) => {
			if (JSON.stringify(env) !== JSON.stringify(hook.extraEnv)) {
				await q.stopMember(hook, 40000);
				hook.extraEnv = env;
				await q.start(hook);
			}
			const logFrom = fs.statSync(hook.logFile).size;
			const workerFrom = fs.statSync(q.worker.logFile).size;
			const events = buildLoadEvents([fixture], () => `${hook.url}/webhook/${TRIGGER.webhookId}/webhook`, REQUESTS, `p${Date.now().toString(36)}`, serial);
			serial += REQUESTS;
			const started = Date.now();
			const statuses: Record<string, number> = {};
			await pool(REQUESTS, IN_FLIGHT, async (i) => {
				const useControl = mix === 'control' || (mix === 'mixed' && i % 2 === 1);
				const request: PreparedRequest = useControl ? { url: `${hook.url}/webhook/${CONTROL.path}`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ i, label }) } : events[i].request;
				const r = await sendRequest(request, 60000);
				statuses[r.status] = (statuses[r.status] ?? 0) + 1;
			});
			const sendMs = Date.now() - started;
			// every execution finished (the worker is done) before the stop
			for (let i = 0; i < 120; i++) {
				const running = [...(await q.executions(TRIGGER.workflowId, {})), ...(await q.executions(CONTROL.workflowId, {}))].filter((e) => ['new', 'running'].includes(e.status));
				if (!running.length) break;
				await new Promise((r) => setTimeout(r, 1000));
			}
			await new Promise((r) => setTimeout(r, 3000));
			const lines = readLog(hook.logFile, logFrom);
			const added = new Set<string>();
			const enqueuedAt = new Map<string, number>();
			for (const line of lines) {
				if (line.message === 'Execution added') added.add(line.metadata!.executionId!);
				if (line.message === 'Execution removed') added.delete(line.metadata!.executionId!);
				const enqueued = line.message?.match(/^Enqueued execution (\d+)/);
				if (enqueued) enqueuedAt.set(enqueued[1], Date.parse(line.metadata?.timestamp ?? line.timestamp ?? ''));
			}
			const finishedAt = new Map<string, number>();
			for (const line of readLog(q.worker.logFile, workerFrom)) {
				const id = line.message?.match(/^Worker finished execution (\d+)/)?.[1];
				if (id) finishedAt.set(id, Date.parse(line.metadata?.timestamp ?? line.timestamp ?? ''));
			}
			const stuck = [...added];
			const byWorkflow: Record<string, number> = {};
			for (const id of stuck) {
				const execution = await q.api<{ workflowId: string; status: string }>(`/executions/${id}`);
				const name = execution.workflowId === TRIGGER.workflowId ? 'BuzzBip Trigger' : execution.workflowId === CONTROL.workflowId ? 'Webhook node' : execution.workflowId;
				byWorkflow[`${name} (${execution.status})`] = (byWorkflow[`${name} (${execution.status})`] ?? 0) + 1;
			}
			const lag = (ids: string[]) =>
				ids
					.map((id) => (finishedAt.get(id) ?? NaN) - (enqueuedAt.get(id) ?? NaN))
					.filter(Number.isFinite)
					.sort((a, b) => a - b);
			const stuckLag = lag(stuck);
			const allLag = lag([...enqueuedAt.keys()]);
			const median = (xs: number[]) => (xs.length ? xs[Math.floor(xs.length / 2)] : NaN);
			const stop = await q.stopMember(hook, 40000);
			const result = {
				label,
				env,
				statuses,
				sendMs,
				enqueued: enqueuedAt.size,
				stuck: stuck.length,
				stuckIds: stuck,
				stuckByWorkflow: byWorkflow,
				enqueueToWorkerFinishedMs: { stuckMedian: median(stuckLag), stuckMax: stuckLag[stuckLag.length - 1], allMedian: median(allLag), allMin: allLag[0] },
				stop,
			};
			results.push(result);
			process.stdout.write(`${JSON.stringify(result)}\n`);
			await q.start(hook);
		};
		await run('Webhook node alone', 'control');
		await run('BuzzBip Trigger alone', 'trigger');
		await run('mixed', 'mixed');
		await run('BuzzBip Trigger alone, keep last 1000 completed jobs', 'trigger', { N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: '1000' });
	} finally {
		fs.writeFileSync(path.join(WORK, '..', 'stop-probe.json'), JSON.stringify(results, null, 2));
		await cluster?.stop();
		await redis.stop();
		await postgres.stop();
	}
})().catch((err) => {
	process.stderr.write(`${err.stack ?? err}\n`);
	process.exit(1);
});
