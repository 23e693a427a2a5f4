/**
 * The `send` command itself (packages/cli/dist/index.js, as `npx verified-webhooks send` runs it)
 * against the real n8n: one execution per event sent, and `--repeat 5` still one.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

import { executionsOf, waitForExecutions, webhookUrl } from './context';
import { TARGETS, webhookPath } from './providers.suite';

const CLI = path.join(__dirname, '..', '..', 'packages', 'cli', 'dist', 'index.js');

function runSend(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
			resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
		});
	});
}

export function cliTests(): void {
	describe('the send command against the real n8n', () => {
		it.each(TARGETS.map((t) => [t.fixture.provider, t] as const))('%s: send starts one execution, --repeat 5 of another event still one', async (_, t) => {
			const before = (await executionsOf(t.workflowId)).length;
			const env: Record<string, string> = { VERIFIED_WEBHOOKS_SECRET: t.fixture.secret.secret };
			if (t.fixture.secret.headerName) env.VERIFIED_WEBHOOKS_HEADER_NAME = t.fixture.secret.headerName;
			const event = t.fixture.provider === 'buzzeasy' ? 'workItem' : t.fixture.provider === 'tracebuzz' ? 'caseClosed' : t.fixture.provider === 'apirtc' ? 'ticket.update' : 'message.received';
			const url = webhookUrl(webhookPath(t));

			const once = await runSend(['send', t.fixture.provider, event, '--url', url, '--json'], env);
			expect(once.stderr).toBe('');
			expect(once.code).toBe(0);
			expect(JSON.parse(once.stdout).summary.byStatus).toEqual({ 200: 1 });

			const repeated = await runSend(['send', t.fixture.provider, event, '--url', url, '--repeat', '5', '--concurrency', '5', '--json'], env);
			expect(repeated.code).toBe(0);
			expect(JSON.parse(repeated.stdout).summary.byStatus).toEqual({ 200: 5 });

			const runs = await waitForExecutions(t.workflowId, before + 2);
			expect(runs.slice(0, 2).every((e) => e.status === 'success')).toBe(true);

			const tampered = await runSend(['send', t.fixture.provider, event, '--url', url, '--tamper', 'signature'], env);
			expect(tampered.code).toBe(0); // 401 is what --tamper expects
			await new Promise((r) => setTimeout(r, 1500));
			expect(await executionsOf(t.workflowId)).toHaveLength(before + 2);
		});
	});
}
