/**
 * The five provider triggers in a real n8n 2.41.1, installed from its packed tarball as Community
 * Nodes installs it: every documented example becomes exactly one execution with the item SPEC.md
 * describes; forged requests get 401 and start nothing; duplicates start nothing, also across an
 * n8n restart; unrecognized bodies go to the second output. Requests are made by cli/send.ts's
 * `prepareRequest`, as `n8n-nodes-verified-webhooks send` makes them. Runs on the one n8n of
 * run.e2e.test.ts.
 */
import { prepareRequest, type Tamper } from '../../packages/cli/src/send';
import { ISO_UTC, executionsOf as executionsOfId, expectJsonBody, expectNoNewExecutions, n8n, outputs, waitForExecutions, type SuiteSetup } from './context';
import { FIXTURES, type ProviderFixture, type SeedExample } from './fixtures';
import { uniqueTag, type Execution, type HttpResponse, type N8nHarness, type WorkflowSpec } from './harness';

export interface Target {
	fixture: ProviderFixture;
	workflowId: string;
	credentialId: string;
	webhookId: string;
	nodeName: string;
}

export const TARGETS: Target[] = FIXTURES.map((fixture, index) => ({
	fixture,
	workflowId: `vwE2e${fixture.provider.padEnd(10, 'x')}${index}`.slice(0, 16),
	credentialId: `vwCred${fixture.provider.padEnd(9, 'x')}${index}`.slice(0, 16),
	webhookId: `5e1f0000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
	nodeName: `${fixture.displayName} Trigger`,
}));

/** A workflow with n8n's own Webhook node: proves the harness independently of this package. */
export const CONTROL = { workflowId: 'vwE2eControl0001', path: 'e2e-control' };

/**
 * The Error Workflow of every provider workflow (an Error Trigger alone; n8n runs only a published
 * one): a request that made a trigger throw would run it once.
 */
export const ERROR_WORKFLOW = { workflowId: 'vwE2eErrorWf0001' };

function workflows(): WorkflowSpec[] {
	const specs: WorkflowSpec[] = TARGETS.map((t) => ({
		id: t.workflowId,
		name: `E2E ${t.fixture.displayName}`,
		nodes: [
			{
				id: `${t.webhookId.slice(0, 24)}${'a'.repeat(12)}`,
				name: t.nodeName,
				type: t.fixture.nodeType,
				typeVersion: 2,
				position: [0, 0],
				webhookId: t.webhookId,
				parameters: t.fixture.parameters,
				credentials: { [t.fixture.credentialType]: { id: t.credentialId, name: `E2E ${t.fixture.displayName}` } },
			},
		],
		settings: { errorWorkflow: ERROR_WORKFLOW.workflowId },
	}));
	specs.push({
		id: ERROR_WORKFLOW.workflowId,
		name: 'E2E error workflow',
		nodes: [{ id: '5e1f0000-0000-4000-8000-eeeeeeeeeeee', name: 'Error Trigger', type: 'n8n-nodes-base.errorTrigger', typeVersion: 1, position: [0, 0], parameters: {} }],
	});
	specs.push({
		id: CONTROL.workflowId,
		name: 'E2E control (n8n Webhook node)',
		nodes: [
			{
				id: '5e1f0000-0000-4000-8000-ffffffffffff',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5e1f0000-0000-4000-8000-fffffffffffe',
				parameters: { httpMethod: 'POST', path: CONTROL.path, responseMode: 'onReceived', options: {} },
			},
		],
	});
	return specs;
}

export const webhookPath = (t: Target) => `${t.webhookId}/webhook`;

type Which = 'current' | 'previous' | 'wrong';

/** The request the provider sends for `raw`, signed with the current, previous or a wrong secret. */
export function prepare(t: Target, raw: string, which: Which = 'current', tamper?: Tamper) {
	const secret =
		which === 'current' ? t.fixture.secret : which === 'previous' ? t.fixture.previousSecret : { ...t.fixture.secret, secret: `${t.fixture.secret.secret}-wrong` };
	return prepareRequest(t.fixture.provider, raw, { url: `${n8n().url}/webhook/${webhookPath(t)}`, secret: secret.secret, headerName: secret.headerName, tamper });
}

function sign(t: Target, raw: string, which: Which = 'current'): Record<string, string> {
	return prepare(t, raw, which).headers;
}

export async function deliver(t: Target, body: unknown, which: Which = 'current'): Promise<HttpResponse> {
	const request = prepare(t, JSON.stringify(body), which);
	return n8n().post(webhookPath(t), request.body, request.headers);
}

async function executionsOf(t: Target | string): Promise<Execution[]> {
	return executionsOfId(typeof t === 'string' ? t : t.workflowId);
}

export function providerSetup(): SuiteSetup {
	return {
		workflows: workflows(),
		credentials: TARGETS.map((t) => ({ id: t.credentialId, name: `E2E ${t.fixture.displayName}`, type: t.fixture.credentialType, data: t.fixture.credential })),
		readiness: [
			// An unauthenticated empty POST is answered 401 by the node itself once its workflow is live.
			...TARGETS.map((t) => ({
				path: webhookPath(t),
				probe: (h: N8nHarness) => h.post(webhookPath(t), '{}'),
				ready: (res: HttpResponse) => res.status === 401,
			})),
			{ path: CONTROL.path, probe: (h: N8nHarness) => h.post(CONTROL.path, '{"probe":true}'), ready: (res: HttpResponse) => res.status === 200 && !/starting up/i.test(res.body) },
		],
	};
}

/**
 * The documented example delivered as the provider sends it: answered 200 (Chatzuri:
 * `{"status":"accepted"}`), exactly one successful execution, whose one Event item is what the
 * fixture says (provider, event, eventId, occurredAt, data; no raw body or headers).
 */
export async function expectExampleExecution(t: Target, example: SeedExample): Promise<void> {
	const { fixture } = t;
	const before = (await executionsOf(t)).length;
	const res = await deliver(t, example.body);
	expect(res.status).toBe(200);
	if (fixture.provider === 'chatzuri') expect(res.body).toBe('{"status":"accepted"}');
	const [latest] = await waitForExecutions(t.workflowId, before + 1);
	expect(latest.status).toBe('success');
	const [events, unrecognized = []] = outputs(latest, t.nodeName);
	expect(unrecognized).toHaveLength(0);
	expect(events).toHaveLength(1);
	const item = events[0].json;
	expect(item).toEqual(
		expect.objectContaining({
			provider: fixture.provider,
			event: example.expect.event,
			deliveryKey: expect.any(String),
			data: expect.objectContaining(example.expect.data ?? {}),
		}),
	);
	expect((item.deliveryKey as string).length).toBeGreaterThan(0);
	expect(item.receivedAt).toMatch(ISO_UTC);
	if (example.expect.eventId !== undefined) expect(item.eventId).toBe(example.expect.eventId);
	else expect(item.eventId === null || typeof item.eventId === 'string').toBe(true);
	if (example.expect.occurredAt !== undefined) expect(item.occurredAt).toBe(example.expect.occurredAt);
	else expect(item.occurredAt === null || ISO_UTC.test(String(item.occurredAt))).toBe(true);
	// No raw body or headers unless asked for.
	expect(item).not.toHaveProperty('raw');
	expect(item).not.toHaveProperty('headers');
}

export type Forge = (raw: string) => { body: string; headers: Record<string, string> };

/** The forged requests a trigger must answer 401: a missing header, a wrong secret, and for HMAC a tampered body or signature. */
export function rejectionsOf(t: Target): Array<[string, Forge]> {
	const { fixture } = t;
	const rejections: Array<[string, Forge]> = [
		[
			'a missing authentication header',
			(raw) => {
				const signed = sign(t, raw);
				const authHeader = Object.keys(signed).find((h) => !['user-agent', 'content-type'].includes(h.toLowerCase()))!;
				const headers = { ...signed };
				delete headers[authHeader];
				return { body: raw, headers };
			},
		],
		['a wrong secret', (raw) => ({ body: raw, headers: sign(t, raw, 'wrong') })],
	];
	if (fixture.signsBody) {
		rejections.push(['a tampered body', (raw) => prepare(t, raw, 'current', 'body')]);
		rejections.push(['a tampered signature', (raw) => prepare(t, raw, 'current', 'signature')]);
	}
	return rejections;
}

/** A fresh delivery forged by `forge`: answered 401 with a reason that names no secret, and nothing started. */
export async function expectRejected(t: Target, forge: Forge): Promise<void> {
	const { fixture } = t;
	const before = (await executionsOf(t)).length;
	const { body, headers } = forge(JSON.stringify(fixture.uniqueDelivery(uniqueTag())));
	const res = await n8n().post(webhookPath(t), body, headers);
	expect(res.status).toBe(401);
	const answer = expectJsonBody(res);
	expect(JSON.stringify(answer)).not.toContain(fixture.secret.secret);
	expect(JSON.stringify(answer)).not.toContain(fixture.previousSecret.secret);
	await expectNoNewExecutions(t.workflowId, before);
}

/** A fresh delivery runs once; the same delivery again is answered 200 (Chatzuri: its answer) and starts nothing. */
export async function expectDuplicateStartsNothing(t: Target): Promise<void> {
	const { fixture } = t;
	const body = fixture.uniqueDelivery(uniqueTag());
	const before = (await executionsOf(t)).length;
	expect((await deliver(t, body)).status).toBe(200);
	await waitForExecutions(t.workflowId, before + 1);
	const again = await deliver(t, body);
	expect(again.status).toBe(200);
	if (fixture.provider === 'chatzuri') expect(again.body).toBe('{"status":"accepted"}');
	await expectNoNewExecutions(t.workflowId, before + 1);
}

/** A body the provider would authenticate but that is no event of it: 200, one execution, on the Unrecognized output with the body as received. */
export async function expectUnrecognized(t: Target): Promise<void> {
	const { fixture } = t;
	const before = (await executionsOf(t)).length;
	const res = await deliver(t, fixture.unrecognized);
	expect(res.status).toBe(200);
	if (fixture.provider === 'chatzuri') expect(res.body).toBe('{"status":"accepted"}');
	const [latest] = await waitForExecutions(t.workflowId, before + 1);
	const [events = [], unrecognized = []] = outputs(latest, t.nodeName);
	expect(events).toHaveLength(0);
	expect(unrecognized).toHaveLength(1);
	// the body as received is kept, so nothing is lost
	expect(unrecognized[0].json.raw).toBe(JSON.stringify(fixture.unrecognized));
}

export function providerTests(): void {
	describe('the harness itself (n8n Webhook node, no package code)', () => {
		it('runs a published workflow from a webhook and reads the execution back', async () => {
			const before = (await executionsOf(CONTROL.workflowId)).length;
			const res = await n8n().post(CONTROL.path, JSON.stringify({ hello: 'world' }));
			expect(res.status).toBe(200);
			const [latest] = await waitForExecutions(CONTROL.workflowId, before + 1);
			expect(latest.status).toBe('success');
			expect(outputs(latest, 'Webhook')[0][0].json.body).toEqual({ hello: 'world' });
		});
	});

	describe.each(TARGETS.map((t) => [t.fixture.displayName, t] as const))('%s Trigger in n8n', (_name, t) => {
		const { fixture } = t;

		it.each(fixture.examples.map((e) => [e.title, e] as const))('turns the documented example "%s" into exactly one execution', async (_title, example) => {
			await expectExampleExecution(t, example);
		});

		const rejections = rejectionsOf(t);

		it.each(rejections)('answers 401 to %s and starts nothing', async (_kind, forge) => {
			await expectRejected(t, forge);
		});

		// n8n reads a multipart body itself, before the node: the node cannot read its bytes
		const multipart = { body: '--b\r\nContent-Disposition: form-data; name="id"\r\n\r\nx\r\n--b--\r\n', contentType: 'multipart/form-data; boundary=b' };

		/** Sends a request that must start nothing: what it got, and what it started in 2 s. */
		async function outcomeOf(body: string, headers: Record<string, string>) {
			const before = (await executionsOf(t)).length;
			const errorRuns = (await executionsOf(ERROR_WORKFLOW.workflowId)).length;
			const res = await n8n().post(webhookPath(t), body, headers);
			await new Promise((r) => setTimeout(r, 2000));
			const outcome = {
				clientError: res.status >= 400 && res.status < 500,
				executions: (await executionsOf(t)).length - before,
				errorWorkflowRuns: (await executionsOf(ERROR_WORKFLOW.workflowId)).length - errorRuns,
			};
			return { res, outcome, before };
		}

		it('answers a multipart body without a secret 4xx with a JSON reason: no execution, no Error Workflow run', async () => {
			const { res, outcome, before } = await outcomeOf(multipart.body, { 'content-type': multipart.contentType });
			expect({ status: res.status, ...outcome }).toEqual({ status: res.status, clientError: true, executions: 0, errorWorkflowRuns: 0 });
			expect(expectJsonBody(res)).toEqual({ error: 'unauthorized', reason: expect.any(String) });
			await expectNoNewExecutions(t.workflowId, before);
		});

		it('answers a multipart body with a valid secret (or signature) 4xx with a JSON reason: no execution, no Error Workflow run', async () => {
			const headers: Record<string, string> = { ...sign(t, multipart.body) };
			delete headers['Content-Type'];
			headers['content-type'] = multipart.contentType;
			const { res, outcome, before } = await outcomeOf(multipart.body, headers);
			expect({ status: res.status, ...outcome }).toEqual({ status: res.status, clientError: true, executions: 0, errorWorkflowRuns: 0 });
			const answer = expectJsonBody(res);
			expect(String(answer.reason)).toMatch(/body could not be read/);
			expect(JSON.stringify(answer)).not.toContain(fixture.secret.secret);
			await expectNoNewExecutions(t.workflowId, before);
		});

		it('accepts the previous secret during a rotation', async () => {
			const before = (await executionsOf(t)).length;
			const res = await deliver(t, fixture.uniqueDelivery(uniqueTag()), 'previous');
			expect(res.status).toBe(200);
			await waitForExecutions(t.workflowId, before + 1);
		});

		it('answers a duplicate delivery 200 and starts nothing the second time', async () => {
			await expectDuplicateStartsNothing(t);
		});

		it('sends an unrecognized body to the "Unrecognized" output with 200', async () => {
			await expectUnrecognized(t);
		});
	});

	describe('Chatzuri: one body signed over its re-serialization, replayed with other spellings (F1)', () => {
		const t = TARGETS.find((x) => x.fixture.provider === 'chatzuri')!;
		it('answers every whitespace / escape / number-spelling variant 200 and starts one execution', async () => {
			const body = t.fixture.uniqueDelivery(uniqueTag());
			const canonical = JSON.stringify(body);
			// Chatzuri's own sample: the signature is over JSON.stringify(parsed body)
			const headers = sign(t, canonical);
			const before = (await executionsOf(t)).length;
			const variants = [
				JSON.stringify(body, null, 2),
				`${canonical}\n`,
				// a key spelled with a \u escape
				canonical.replace(/^\{"(.)/, (_m, c: string) => `{"\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
				// the first key repeated: the last value counts, the place stays
				canonical.replace(/^\{"([^"]+)":/, '{"$1":"replayed","$1":'),
			];
			const first = await n8n().post(webhookPath(t), JSON.stringify(body, null, 4), headers);
			expect(first.status).toBe(200);
			await waitForExecutions(t.workflowId, before + 1);
			for (const variant of variants) {
				const res = await n8n().post(webhookPath(t), variant, headers);
				expect(res.status).toBe(200);
				expect(res.body).toBe('{"status":"accepted"}');
			}
			await expectNoNewExecutions(t.workflowId, before + 1);
		});
	});

	describe('Tracebuzz test call on save', () => {
		const t = TARGETS.find((x) => x.fixture.provider === 'tracebuzz')!;
		it('answers an authenticated empty body 200 and starts nothing', async () => {
			const before = (await executionsOf(t)).length;
			const res = await n8n().post(webhookPath(t), '', sign(t, ''));
			expect(res.status).toBe(200);
			await expectNoNewExecutions(t.workflowId, before);
		});
	});

	describe('deduplication across an n8n restart', () => {
		it('remembers every provider\'s deliveries after n8n is stopped and started again', async () => {
			const sent: Array<{ t: Target; body: unknown; count: number }> = [];
			for (const t of TARGETS) {
				const body = t.fixture.uniqueDelivery(uniqueTag());
				const before = (await executionsOf(t)).length;
				expect((await deliver(t, body)).status).toBe(200);
				await waitForExecutions(t.workflowId, before + 1);
				sent.push({ t, body, count: before + 1 });
			}

			await n8n().restart();

			for (const { t, body, count } of sent) {
				const res = await deliver(t, body);
				expect(res.status).toBe(200);
				await expectNoNewExecutions(t.workflowId, count);
			}
			// ...and new deliveries still start their workflow after the restart.
			for (const { t, count } of sent) {
				expect((await deliver(t, t.fixture.uniqueDelivery(uniqueTag()))).status).toBe(200);
				await waitForExecutions(t.workflowId, count + 1);
			}
		});
	});
}
