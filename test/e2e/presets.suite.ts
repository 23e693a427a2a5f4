/**
 * The Verified Webhook Trigger in the real n8n, with the GitHub and Standard Webhooks presets and a
 * custom HMAC scheme: a correctly signed request becomes exactly one execution with the item's
 * provider, event and eventId taken where that sender puts them; a tampered request gets 401 and
 * starts nothing; a redelivery with the same delivery id (X-GitHub-Delivery, webhook-id, the custom
 * id header) gets 200 and starts nothing. Preset requests are made by cli/send.ts's `prepareRequest`
 * with the preset's id as provider and bodies from cli/presets.ts; the custom scheme is signed here
 * with node:crypto, independently of the package.
 */
import { createHmac, randomUUID } from 'node:crypto';

import { main } from '../../packages/cli/src/index';
import { BODY_KEY_PATTERN } from '../../nodes/shared/core/deliveryKey';
import { buildPresetSample, findPreset } from '../../packages/cli/src/presets';
import { prepareRequest, type PrepareOptions, type PreparedRequest } from '../../packages/cli/src/send';
import { ISO_UTC, executionsOf, expectJsonBody, expectNoNewExecutions, n8n, outputs, send, waitForExecutions, type SuiteSetup } from './context';
import type { HttpResponse, N8nHarness } from './harness';

const NODE_TYPE = 'n8n-nodes-verified-webhooks.verifiedWebhookTrigger';
const NODE_NAME = 'Verified Webhook Trigger';

export interface PresetTarget {
	id: 'github' | 'standardWebhooks' | 'custom';
	title: string;
	workflowId: string;
	credentialId: string;
	webhookId: string;
	parameters: Record<string, unknown>;
	secret: string;
	previousSecret: string;
}

const STANDARD_SECRET = `whsec_${Buffer.from('e2e standard webhooks signing key 0123').toString('base64')}`;
const STANDARD_PREVIOUS = `whsec_${Buffer.from('e2e standard webhooks previous key 4567').toString('base64')}`;

export const PRESET_TARGETS: PresetTarget[] = [
	{ id: 'github', title: 'GitHub', parameters: { preset: 'github' }, secret: 'e2e-github-webhook-secret', previousSecret: 'e2e-github-previous-secret' },
	{ id: 'standardWebhooks', title: 'Standard Webhooks', parameters: { preset: 'standardWebhooks' }, secret: STANDARD_SECRET, previousSecret: STANDARD_PREVIOUS },
	{
		id: 'custom',
		title: 'Custom HMAC',
		parameters: {
			preset: 'custom',
			scheme: 'hmac',
			algorithm: 'sha256',
			encoding: 'hex',
			signatureHeader: 'X-Acme-Signature',
			signaturePrefix: 'sha256=',
			signedPayload: 'rawBody',
			eventIdSource: 'header',
			eventIdField: 'X-Acme-Delivery',
			eventNameSource: 'body',
			eventNameField: 'type',
		},
		secret: 'e2e-custom-secret',
		previousSecret: 'e2e-custom-previous',
	},
].map((t, index) => ({
	...(t as Omit<PresetTarget, 'workflowId' | 'credentialId' | 'webhookId'>),
	workflowId: `vwE2ePreset${t.id.slice(0, 4)}${index}`.padEnd(16, 'x').slice(0, 16),
	credentialId: `vwCredPreset${t.id.slice(0, 3)}${index}`.padEnd(16, 'x').slice(0, 16),
	webhookId: `5e1f0000-0000-4000-8000-1000000000${String(index + 1).padStart(2, '0')}`,
}));

const webhookPath = (t: PresetTarget) => `${t.webhookId}/webhook`;

export function presetSetup(): SuiteSetup {
	return {
		workflows: PRESET_TARGETS.map((t) => ({
			id: t.workflowId,
			name: `E2E Verified Webhook (${t.title})`,
			nodes: [
				{
					id: `${t.webhookId.slice(0, 24)}${'b'.repeat(12)}`,
					name: NODE_NAME,
					type: NODE_TYPE,
					// version 1 on purpose: workflows made before version 2 (the default since) keep working
					typeVersion: 1,
					position: [0, 0],
					webhookId: t.webhookId,
					parameters: t.parameters,
					credentials: { verifiedWebhookApi: { id: t.credentialId, name: `E2E Verified Webhook (${t.title})` } },
				},
			],
		})),
		credentials: PRESET_TARGETS.map((t) => ({
			id: t.credentialId,
			name: `E2E Verified Webhook (${t.title})`,
			type: 'verifiedWebhookApi',
			data: { secret: t.secret, previousSecret: t.previousSecret },
		})),
		readiness: PRESET_TARGETS.map((t) => ({
			path: webhookPath(t),
			probe: (h: N8nHarness) => h.post(webhookPath(t), '{}'),
			ready: (res: HttpResponse) => res.status === 401,
		})),
	};
}

interface Delivery {
	request: PreparedRequest;
	event: string;
	eventId: string;
	occurredAt?: string;
}

type Signing = { which?: 'current' | 'previous'; tamper?: PrepareOptions['tamper']; timestamp?: number; id?: string };

/** A genuine delivery of `t`'s sender, and the event name and id the item must carry. */
export function delivery(t: PresetTarget, signing: Signing = {}): Delivery {
	const url = `${n8n().url}/webhook/${webhookPath(t)}`;
	const secret = signing.which === 'previous' ? t.previousSecret : t.secret;
	if (t.id === 'github') {
		const event = 'pull_request';
		// unique per delivery: a GitHub delivery is keyed on its signed body (X-GitHub-Delivery is unsigned)
		const body = JSON.stringify({ ...buildPresetSample(findPreset('github')!, event), e2eDelivery: randomUUID() });
		const request = prepareRequest('github', body, { url, secret, event, tamper: signing.tamper });
		return { request, event, eventId: request.headers['X-GitHub-Delivery'] };
	}
	if (t.id === 'standardWebhooks') {
		const event = 'invoice.paid';
		const body = JSON.stringify(buildPresetSample(findPreset('standardWebhooks')!, event));
		const request = prepareRequest('standardWebhooks', body, { url, secret, event, tamper: signing.tamper, timestamp: signing.timestamp, id: signing.id });
		const seconds = Number(request.headers['webhook-timestamp']);
		return { request, event, eventId: request.headers['webhook-id'], occurredAt: new Date(seconds * 1000).toISOString() };
	}
	// custom: X-Acme-Signature: sha256=<hex HMAC-SHA256 of the raw body>, id in X-Acme-Delivery
	const event = 'order.created';
	const id = signing.id ?? `dlv_${randomUUID()}`;
	const body = JSON.stringify({ type: event, order: { id: randomUUID(), total: 12.5 } });
	const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
	const headers = { 'Content-Type': 'application/json', 'X-Acme-Delivery': id, 'X-Acme-Signature': signature };
	let sent = body;
	if (signing.tamper === 'body') sent = body.replace(/}$/, ',"tampered":true}');
	if (signing.tamper === 'signature') headers['X-Acme-Signature'] = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
	return { request: { url, method: 'POST', headers, body: sent }, event, eventId: id };
}

/** Sends a delivery expected to start its workflow once, and checks the item. */
export async function expectOneExecution(t: PresetTarget, d: Delivery): Promise<void> {
	const before = (await executionsOf(t.workflowId)).length;
	const res = await send(d.request);
	expect(res.status).toBe(200);
	expect(expectJsonBody(res)).toEqual({ status: 'received' });
	const [latest] = await waitForExecutions(t.workflowId, before + 1);
	expect(latest.status).toBe('success');
	const [events, unrecognized = []] = outputs(latest, NODE_NAME);
	expect(unrecognized).toHaveLength(0);
	expect(events).toHaveLength(1);
	const item = events[0].json;
	expect(item).toEqual(
		expect.objectContaining({
			provider: t.id,
			event: d.event,
			eventId: d.eventId,
			// GitHub's X-GitHub-Delivery and the custom X-Acme-Delivery are not signed: the key is the body's
			deliveryKey: t.id === 'standardWebhooks' ? d.eventId : expect.stringMatching(BODY_KEY_PATTERN),
			data: JSON.parse(d.request.body),
		}),
	);
	expect(item.receivedAt).toMatch(ISO_UTC);
	if (d.occurredAt) expect(item.occurredAt).toBe(d.occurredAt);
	// nothing of the secret anywhere in the item
	expect(JSON.stringify(item)).not.toContain(t.secret);
}

/** A delivery with its body or its signature changed: 401 `unauthorized` naming no secret, nothing started. */
export async function expectTamperedRejected(t: PresetTarget, tamper: 'body' | 'signature'): Promise<void> {
	const before = (await executionsOf(t.workflowId)).length;
	const res = await send(delivery(t, { tamper }).request);
	expect(res.status).toBe(401);
	const answer = expectJsonBody(res);
	expect(answer.error).toBe('unauthorized');
	expect(JSON.stringify(answer)).not.toContain(t.secret);
	await expectNoNewExecutions(t.workflowId, before);
}

/** A delivery runs once; the same request again (and a Standard Webhooks retry re-signed with the same webhook-id) is 200 `duplicate` and starts nothing. */
export async function expectRedeliveryStartsNothing(t: PresetTarget): Promise<void> {
	const first = delivery(t);
	await expectOneExecution(t, first);
	const count = (await executionsOf(t.workflowId)).length;
	// byte for byte the same request
	const again = await send(first.request);
	expect(again.status).toBe(200);
	expect(expectJsonBody(again)).toEqual({ status: 'duplicate' });
	// a retry as the sender makes it, signed again: Standard Webhooks signs a new timestamp with
	// the same webhook-id. (A GitHub or custom redelivery is the same request: covered above.)
	if (t.id === 'standardWebhooks') {
		const retry = delivery(t, { id: first.eventId, timestamp: Math.floor(Date.now() / 1000) + 1 });
		expect(retry.request.headers).not.toEqual(first.request.headers);
		const retried = await send(retry.request);
		expect(retried.status).toBe(200);
		expect(expectJsonBody(retried)).toEqual({ status: 'duplicate' });
	}
	await expectNoNewExecutions(t.workflowId, count);
}

export function presetTests(): void {
	describe.each(PRESET_TARGETS.map((t) => [t.title, t] as const))('Verified Webhook Trigger (%s) in n8n', (_title, t) => {
		it('turns a correctly signed request into exactly one execution with provider, event and eventId', async () => {
			await expectOneExecution(t, delivery(t));
		});

		it('accepts the previous secret during a rotation', async () => {
			await expectOneExecution(t, delivery(t, { which: 'previous' }));
		});

		it.each([['body'], ['signature']] as const)('answers 401 to a tampered %s and starts nothing', async (tamper) => {
			await expectTamperedRejected(t, tamper);
		});

		it('answers a redelivery with the same delivery id 200 and starts nothing', async () => {
			await expectRedeliveryStartsNothing(t);
		});

		if (t.id !== 'standardWebhooks') {
			it('answers a replay of the signed body with a new, or no, unsigned delivery id (and another event name) 200 duplicate and starts nothing (F3, F5)', async () => {
				const first = delivery(t);
				await expectOneExecution(t, first);
				const count = (await executionsOf(t.workflowId)).length;
				const idHeader = t.id === 'github' ? 'X-GitHub-Delivery' : 'X-Acme-Delivery';
				const renamed: Record<string, string> = { ...first.request.headers, [idHeader]: randomUUID() };
				if (t.id === 'github') renamed['X-GitHub-Event'] = 'release';
				const withoutId: Record<string, string> = { ...first.request.headers };
				delete withoutId[idHeader];
				for (const headers of [renamed, withoutId]) {
					const replay = await send({ ...first.request, headers });
					expect(replay.status).toBe(200);
					expect(expectJsonBody(replay)).toEqual({ status: 'duplicate' });
				}
				await expectNoNewExecutions(t.workflowId, count);
			});
		}

		if (t.id === 'standardWebhooks') {
			it('answers 401 to a signature whose timestamp is outside the 5-minute tolerance', async () => {
				const before = (await executionsOf(t.workflowId)).length;
				const res = await send(delivery(t, { timestamp: Math.floor(Date.now() / 1000) - 3600 }).request);
				expect(res.status).toBe(401);
				await expectNoNewExecutions(t.workflowId, before);
			});
		}
	});

	describe('Verified Webhook Trigger (GitHub), form-encoded as GitHub sends by default, in n8n', () => {
		const t = PRESET_TARGETS.find((target) => target.id === 'github')!;

		/** One execution whose item carries the delivery's event and id, and the parsed payload as data. */
		async function expectPayloadExecution(before: number, event: string, eventId: string, payload: unknown): Promise<void> {
			const [latest] = await waitForExecutions(t.workflowId, before + 1);
			expect(latest.status).toBe('success');
			const [events, unrecognized = []] = outputs(latest, NODE_NAME);
			expect(unrecognized).toHaveLength(0);
			expect(events).toHaveLength(1);
			expect(events[0].json).toEqual(expect.objectContaining({ provider: 'github', event, eventId, data: payload }));
		}

		it('a form-encoded delivery signed as GitHub signs it (over payload=<url-encoded JSON>) is one execution whose data is the parsed payload', async () => {
			const payload = buildPresetSample(findPreset('github')!, 'push');
			const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
			const id = randomUUID();
			const headers = {
				'Content-Type': 'application/x-www-form-urlencoded',
				'User-Agent': 'GitHub-Hookshot/044aadd',
				'X-GitHub-Event': 'push',
				'X-GitHub-Delivery': id,
				// signed here with node:crypto, over the form body as it travels
				'X-Hub-Signature-256': `sha256=${createHmac('sha256', t.secret).update(body).digest('hex')}`,
			};
			const before = (await executionsOf(t.workflowId)).length;
			const res = await send({ url: `${n8n().url}/webhook/${webhookPath(t)}`, method: 'POST', headers, body });
			expect(res.status).toBe(200);
			expect(expectJsonBody(res)).toEqual({ status: 'received' });
			await expectPayloadExecution(before, 'push', id, payload);
		});

		it('send github issues (form, its default) is one execution whose data is the payload', async () => {
			const lines: string[] = [];
			const before = (await executionsOf(t.workflowId)).length;
			const status = await main(['send', 'github', 'issues', '--url', `${n8n().url}/webhook/${webhookPath(t)}`, '--json'], { VERIFIED_WEBHOOKS_SECRET: t.secret }, { log: (l) => lines.push(l), error: (l) => lines.push(l) });
			expect(lines.join('\n')).not.toContain('Error');
			expect(status).toBe(0);
			const [latest] = await waitForExecutions(t.workflowId, before + 1);
			const [events] = outputs(latest, NODE_NAME);
			expect(events).toHaveLength(1);
			expect(events[0].json).toEqual(expect.objectContaining({ provider: 'github', event: 'issues', data: expect.objectContaining({ action: 'opened', issue: expect.objectContaining({ state: 'open' }) }) }));
		});
	});
}
