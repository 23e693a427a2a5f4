import { createHmac } from 'crypto';

import { prepareRequest } from '../../packages/cli/src/send';
import { buildPresetSample, findPreset } from '../../packages/cli/src/presets';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { callWebhook } from '../helpers/webhookContext';

/**
 * GitHub's default content type is application/x-www-form-urlencoded: the body is
 * `payload=<url-encoded JSON>`, signed as it travels. The GitHub preset checks the signature over
 * that raw form body and puts the parsed payload in `data`, as GitHub's own libraries do.
 */
const node = new VerifiedWebhookTrigger();
const SECRET = "It's a Secret to Everybody";
const PAYLOAD = { action: 'opened', issue: { number: 1347, title: 'Found a bug' }, repository: { full_name: 'octocat/Hello-World' }, sender: { login: 'octocat' } };

/** A delivery signed as GitHub signs it, built here by hand (not by the project's signing code). */
function githubDelivery(body: string, contentType: string, delivery = '72d3162e-cc78-11e3-81ab-4c9367dc0958') {
	return {
		body,
		headers: {
			'content-type': contentType,
			'user-agent': 'GitHub-Hookshot/044aadd',
			'x-github-event': 'issues',
			'x-github-delivery': delivery,
			'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
		},
	};
}

const deliver = (request: { body: string; headers: Record<string, string> }) => callWebhook(node, request, { credentials: { secret: SECRET }, parameters: { preset: 'github' } });

beforeEach(() => resetDedupeStores());

describe('GitHub preset: form-encoded deliveries (GitHub\'s default content type)', () => {
	it('payload=<url-encoded JSON>, signed over the form body: one item whose data is the parsed payload', async () => {
		const body = `payload=${encodeURIComponent(JSON.stringify(PAYLOAD))}`;
		const call = await deliver(githubDelivery(body, 'application/x-www-form-urlencoded'));
		expect(call.status).toBe(200);
		expect(call.unrecognized).toEqual([]);
		expect(call.events).toHaveLength(1);
		expect(call.events[0]).toMatchObject({ provider: 'github', event: 'issues', eventId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
		expect(call.events[0].data).toEqual(PAYLOAD);
	});

	it('spaces as + and a charset in the content type, as form encoders write them', async () => {
		const body = new URLSearchParams({ payload: JSON.stringify(PAYLOAD) }).toString();
		expect(body).toContain('+');
		const call = await deliver(githubDelivery(body, 'application/x-www-form-urlencoded; charset=utf-8'));
		expect(call.events[0].data).toEqual(PAYLOAD);
	});

	it('the same payload as application/json gives the same data', async () => {
		const call = await deliver(githubDelivery(JSON.stringify(PAYLOAD), 'application/json'));
		expect(call.events[0].data).toEqual(PAYLOAD);
	});

	it('the signature covers the raw form body: a payload changed after signing is refused', async () => {
		const request = githubDelivery(`payload=${encodeURIComponent(JSON.stringify(PAYLOAD))}`, 'application/x-www-form-urlencoded');
		const call = await deliver({ ...request, body: `payload=${encodeURIComponent(JSON.stringify({ ...PAYLOAD, action: 'closed' }))}` });
		expect(call.status).toBe(401);
		expect(call.events).toEqual([]);
	});

	it.each([
		['a payload that is not JSON', 'payload=not%20json', 'the payload field of the form body: body is not valid JSON'],
		['no payload field', 'zen=Keep+it+logically+awesome.', 'form body has no payload field'],
		['two payload fields', 'payload=%7B%7D&payload=%7B%7D', 'form body has more than one payload field'],
	])('%s: authenticated, kept on the Unrecognized output with a reason', async (_name, body, reason) => {
		const call = await deliver(githubDelivery(body, 'application/x-www-form-urlencoded'));
		expect(call.status).toBe(200);
		expect(call.events).toEqual([]);
		expect(call.unrecognized).toHaveLength(1);
		expect(JSON.stringify(call.unrecognized[0])).toContain(reason);
	});

	it.each(['form', 'json'] as const)('send --content-type %s: accepted, data is the payload', async (contentType) => {
		const preset = findPreset('github')!;
		const payload = buildPresetSample(preset, 'push');
		const request = prepareRequest('github', JSON.stringify(payload), { url: 'http://x', secret: SECRET, event: 'push', contentType });
		expect(request.headers['Content-Type']).toBe(contentType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json');
		const call = await callWebhook(node, { body: request.body, headers: request.headers }, { credentials: { secret: SECRET }, parameters: { preset: 'github' } });
		expect(call.status).toBe(200);
		expect(call.events).toHaveLength(1);
		expect(call.events[0]).toMatchObject({ event: 'push', eventId: request.headers['X-GitHub-Delivery'] });
		expect(call.events[0].data).toEqual(payload);
	});
});
