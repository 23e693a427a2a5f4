/**
 * What the suites of one end-to-end run share: the one n8n (set by run.e2e.test.ts before any test
 * runs) and the helpers that send to it and read its executions back.
 */
import { sendRequest, type PreparedRequest, type SendResult } from '../../packages/cli/src/send';
import { waitFor, type Execution, type HttpResponse, type N8nHarness, type WorkflowSpec, type CredentialSpec } from './harness';

/** What a suite adds to the run: its workflows, credentials and the webhooks to wait for. */
export interface SuiteSetup {
	workflows: WorkflowSpec[];
	credentials: CredentialSpec[];
	readiness: Array<{ path: string; probe: (harness: N8nHarness) => Promise<HttpResponse>; ready: (res: HttpResponse) => boolean }>;
}

let current: N8nHarness | undefined;

export function setHarness(harness: N8nHarness | undefined): void {
	current = harness;
}

/** The run's n8n; throws when its start failed (every test then fails with that reason). */
export function n8n(): N8nHarness {
	if (!current) throw new Error('n8n did not start (see the error of beforeAll)');
	return current;
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** The production URL of a webhook of the running n8n. */
export const webhookUrl = (webhookPath: string) => `${n8n().url}/webhook/${webhookPath}`;

/** Sends a request made by cli/send.ts's `prepareRequest`; a network failure is status 0. */
export function send(request: PreparedRequest): Promise<SendResult> {
	return sendRequest(request);
}

export async function executionsOf(workflowId: string): Promise<Execution[]> {
	return n8n().executions(workflowId);
}

/** Waits until the workflow has `count` finished executions and returns them, newest first. */
export async function waitForExecutions(workflowId: string, count: number): Promise<Execution[]> {
	return waitFor(
		async () => {
			const all = await executionsOf(workflowId);
			if (all.length > count) throw new Error(`expected ${count} executions, found ${all.length}`);
			const settled = all.every((e) => !['new', 'running'].includes(e.status));
			return all.length === count && settled ? all : undefined;
		},
		{ timeoutMs: 30000, intervalMs: 250, what: `${count} executions of ${workflowId}` },
	);
}

/**
 * Asserts that requests answered so far started nothing: n8n creates an execution before it runs
 * it, so one that exists shows up as new/running or, a moment later, finished. (Unfinished ones
 * come from `executions(…, { includeRunning })`, which reads them where each n8n line lists them:
 * 1.x's public API answers `status=running` with a 400.)
 */
export async function expectNoNewExecutions(workflowId: string, before: number): Promise<void> {
	await new Promise((r) => setTimeout(r, 1500));
	const all = await n8n().executions(workflowId, { includeData: false, includeRunning: true });
	expect(all.filter((e) => ['new', 'running'].includes(e.status))).toHaveLength(0);
	expect(all).toHaveLength(before);
}

/** The outputs of the trigger node's one run in an execution: [Event items, Unrecognized items]. */
export function outputs(execution: Execution, nodeName: string): Array<Array<{ json: Record<string, unknown> }>> {
	const runs = execution.data?.resultData.runData[nodeName];
	expect(runs).toBeDefined();
	expect(runs).toHaveLength(1);
	return (runs![0].data?.main ?? []).map((items) => items ?? []);
}

export function expectJsonBody(res: { headers?: Record<string, unknown>; body: string }): Record<string, unknown> {
	if (res.headers) expect(String(res.headers['content-type'])).toMatch(/json/);
	return JSON.parse(res.body) as Record<string, unknown>;
}
