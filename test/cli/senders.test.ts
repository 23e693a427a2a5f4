import { createHmac } from 'crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';

import { main } from '../../packages/cli/src/index';
import { PROVIDERS } from '../../nodes/shared/providers';

/**
 * `send` as each real sender: the signature headers in the sender's own spelling, recomputed here
 * with node:crypto from the documented algorithm (not with the project's verify code), the sender's
 * other headers, and a body that fits the event.
 */

interface Shown {
	url: string;
	headers: Record<string, string>;
	body: string;
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
	const out: string[] = [];
	const errors: string[] = [];
	const status = await main(argv, env, { log: (l) => out.push(l), error: (l) => errors.push(l) });
	return { status, out: out.join('\n'), errors: errors.join('\n') };
}

async function dryRun(argv: string[], secret: string): Promise<Shown> {
	const r = await run(['send', ...argv, '--dry-run', '--json'], { VERIFIED_WEBHOOKS_SECRET: secret });
	expect(r.errors).toBe('');
	expect(r.status).toBe(0);
	const shown = JSON.parse(r.out) as Shown[];
	expect(shown).toHaveLength(1);
	return shown[0];
}

const hmac = (algorithm: string, key: string | Buffer, data: string) => createHmac(algorithm, key).update(data, 'utf8').digest();
const WHSEC = `whsec_${Buffer.from('a-32-byte-key-for-standard-hooks').toString('base64')}`;

describe('send signs exactly as each sender does', () => {
	it('github push --dry-run --json: X-Hub-Signature-256: sha256=<hex> (and X-Hub-Signature: sha1=<hex>) over the form body GitHub sends by default', async () => {
		const secret = 'gh-s3cret';
		const request = await dryRun(['github', 'push'], secret);
		expect(request.headers['X-Hub-Signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
		expect(request.headers['X-Hub-Signature-256']).toBe(`sha256=${hmac('sha256', secret, request.body).toString('hex')}`);
		expect(request.headers['X-Hub-Signature']).toBe(`sha1=${hmac('sha1', secret, request.body).toString('hex')}`);
		expect(Object.keys(request.headers).sort()).toEqual(
			[
				'Content-Type',
				'User-Agent',
				'X-GitHub-Delivery',
				'X-GitHub-Event',
				'X-GitHub-Hook-ID',
				'X-GitHub-Hook-Installation-Target-ID',
				'X-GitHub-Hook-Installation-Target-Type',
				'X-Hub-Signature',
				'X-Hub-Signature-256',
			].sort(),
		);
		expect(request.headers).toMatchObject({ 'Content-Type': 'application/x-www-form-urlencoded', 'X-GitHub-Event': 'push', 'X-GitHub-Hook-Installation-Target-Type': 'repository' });
		expect(request.headers['User-Agent']).toMatch(/^GitHub-Hookshot\/[0-9a-f]+$/);
		expect(request.headers['X-GitHub-Delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		// payload=<url-encoded JSON>, and the JSON is a push
		const form = new URLSearchParams(request.body);
		expect([...form.keys()]).toEqual(['payload']);
		const push = JSON.parse(form.get('payload')!);
		expect(push).toMatchObject({ ref: 'refs/heads/main', pusher: { name: 'octocat' }, repository: { full_name: 'octocat/Hello-World' } });
		expect(push.after).toMatch(/^[0-9a-f]{40}$/);
		expect(push.head_commit.id).toBe(push.after);
		expect(push.commits).toHaveLength(1);
	});

	it('github --content-type json: the JSON itself, Content-Type application/json, signed over it', async () => {
		const request = await dryRun(['github', 'issues', '--content-type', 'json'], 'gh-s3cret');
		expect(request.headers['Content-Type']).toBe('application/json');
		expect(request.headers['X-Hub-Signature-256']).toBe(`sha256=${hmac('sha256', 'gh-s3cret', request.body).toString('hex')}`);
		expect(JSON.parse(request.body)).toMatchObject({ action: 'opened', issue: { state: 'open' } });
	});

	it('github ping is a ping payload (zen, hook_id, hook)', async () => {
		const request = await dryRun(['github', 'ping', '--content-type', 'json'], 'gh-s3cret');
		const ping = JSON.parse(request.body);
		expect(typeof ping.zen).toBe('string');
		expect(ping.hook_id).toBe(Number(request.headers['X-GitHub-Hook-ID']));
		expect(ping.hook).toMatchObject({ id: ping.hook_id, name: 'web', active: true });
		expect(ping).not.toHaveProperty('ref');
	});

	it('slack --dry-run --json: X-Slack-Signature: v0=<hex of "v0:timestamp:body">, X-Slack-Request-Timestamp', async () => {
		const secret = '8f742231b10e8888abcd99yyyzzz85a5';
		const request = await dryRun(['slack', 'app_mention'], secret);
		const timestamp = request.headers['X-Slack-Request-Timestamp'];
		expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
		expect(request.headers['X-Slack-Signature']).toMatch(/^v0=[0-9a-f]{64}$/);
		expect(request.headers['X-Slack-Signature']).toBe(`v0=${hmac('sha256', secret, `v0:${timestamp}:${request.body}`).toString('hex')}`);
		expect(Object.keys(request.headers).sort()).toEqual(['Content-Type', 'User-Agent', 'X-Slack-Request-Timestamp', 'X-Slack-Signature']);
		const body = JSON.parse(request.body);
		expect(body).toMatchObject({ type: 'event_callback', event: { type: 'app_mention' } });
		expect(body.event_id).toMatch(/^Ev/);
	});

	it('stripe: Stripe-Signature t=<timestamp>,v1=<hex of "timestamp.body">; the body is an event of that type', async () => {
		const secret = 'whsec_stripe_signing_secret';
		const request = await dryRun(['stripe', 'invoice.paid'], secret);
		const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(request.headers['Stripe-Signature']);
		expect(match).not.toBeNull();
		expect(match![2]).toBe(hmac('sha256', secret, `${match![1]}.${request.body}`).toString('hex'));
		expect(Object.keys(request.headers).sort()).toEqual(['Content-Type', 'Stripe-Signature', 'User-Agent']);
		expect(request.headers['User-Agent']).toMatch(/^Stripe\/1\.0/);
		expect(JSON.parse(request.body)).toMatchObject({ object: 'event', type: 'invoice.paid', data: { object: { object: 'invoice', status: 'paid' } } });
	});

	it('shopify: X-Shopify-Hmac-Sha256 (base64) and the topic, shop, webhook id, event id, time and API version headers', async () => {
		const secret = 'shpss_client_secret';
		const request = await dryRun(['shopify', 'orders/paid'], secret);
		expect(request.headers['X-Shopify-Hmac-Sha256']).toBe(hmac('sha256', secret, request.body).toString('base64'));
		for (const name of ['X-Shopify-Topic', 'X-Shopify-Shop-Domain', 'X-Shopify-Webhook-Id', 'X-Shopify-Event-Id', 'X-Shopify-Triggered-At', 'X-Shopify-API-Version']) {
			expect(request.headers[name]).toEqual(expect.any(String));
		}
		expect(request.headers['X-Shopify-Topic']).toBe('orders/paid');
		expect(request.headers['X-Shopify-Shop-Domain']).toMatch(/\.myshopify\.com$/);
		expect(Number.isNaN(Date.parse(request.headers['X-Shopify-Triggered-At']))).toBe(false);
		const order = JSON.parse(request.body);
		expect(order).toMatchObject({ financial_status: 'paid', line_items: [expect.objectContaining({ quantity: 1 })] });
		expect(Number.isSafeInteger(order.id)).toBe(true);
		const customer = JSON.parse((await dryRun(['shopify', 'customers/create'], secret)).body);
		expect(customer).toMatchObject({ email: expect.any(String), first_name: 'John' });
		expect(customer).not.toHaveProperty('line_items');
	});

	it('standardWebhooks: webhook-id, webhook-timestamp, webhook-signature v1,<base64 of "id.timestamp.body"> with the whsec_ key', async () => {
		const request = await dryRun(['standardWebhooks', 'user.created'], WHSEC);
		const { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature } = request.headers;
		expect(id).toMatch(/^msg_/);
		const key = Buffer.from(WHSEC.slice('whsec_'.length), 'base64');
		expect(signature).toBe(`v1,${hmac('sha256', key, `${id}.${timestamp}.${request.body}`).toString('base64')}`);
		expect(Object.keys(request.headers).sort()).toEqual(['content-type', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
		expect(JSON.parse(request.body)).toMatchObject({ type: 'user.created', data: { id: expect.any(String) } });
	});
});

describe('send refuses what cannot work, and says why (exit 2)', () => {
	it.each(['buzzeasy', 'tracebuzz', 'apirtc'])('%s --tamper body: a header secret cannot see a changed body, by design', async (provider) => {
		const r = await run(['send', provider, PROVIDERS[provider].events[0].value, '--secret', 'x', '--header-name', 'X-A', '--tamper', 'body', '--url', 'http://127.0.0.1:1']);
		expect(r.status).toBe(2);
		expect(r.errors).toContain('--tamper body cannot be detected');
		expect(r.errors).toContain('by design');
		expect(r.errors).toContain('--tamper signature');
	});

	it('an unknown flag, in the command\'s words with the usage line (not the parser\'s text)', async () => {
		const r = await run(['send', 'github', 'push', '--secret', 'x', '--header', 'X-A']);
		expect(r.status).toBe(2);
		expect(r.errors).toContain('send has no option --header (did you mean --header-name?)');
		expect(r.errors).toContain('Usage: npx verified-webhooks send <provider> <event> --url <url> [options]');
		expect(r.errors).not.toMatch(/positional argument|Unknown option/);
		const missing = await run(['send', 'github', 'push', '--url']);
		expect(missing.status).toBe(2);
		expect(missing.errors).toContain('--url needs a value');
		expect(missing.errors).not.toContain('argument missing');
	});

	it.each([
		['github', 'push', 'whsec_abc', 'not a GitHub one'],
		['buzzbip', 'message.sent', 'whsec_abc', 'not a BuzzBip one'],
		['standardWebhooks', 'user.created', 'plain-text-secret', 'whsec_ followed by base64'],
		['standardWebhooks', 'user.created', 'whsec_not base64!', 'whsec_ followed by base64'],
	])('%s %s with secret %s: a usage error that says what is expected', async (target, event, secret, expected) => {
		const r = await run(['send', target, event, '--dry-run'], { VERIFIED_WEBHOOKS_SECRET: secret });
		expect(r.status).toBe(2);
		expect(r.errors).toContain(expected);
		expect(r.out).toBe('');
	});

	it('list names the default header name of Tracebuzz and ApiRTC', async () => {
		const list = (await run(['list'])).out;
		expect(list).toContain('tracebuzz  (Tracebuzz; custom header (--header-name, default X-Webhook-Secret))');
		expect(list).toContain('apirtc  (ApiRTC; custom header (--header-name, default X-Webhook-Secret))');
	});

	it('Stripe signing secrets are whsec_ too, and are accepted', async () => {
		expect((await run(['send', 'stripe', 'invoice.paid', '--dry-run'], { VERIFIED_WEBHOOKS_SECRET: 'whsec_abc' })).status).toBe(0);
	});

	it('--content-type is GitHub\'s only, form or json', async () => {
		expect((await run(['send', 'stripe', 'invoice.paid', '--content-type', 'form', '--dry-run'], { VERIFIED_WEBHOOKS_SECRET: 'x' })).errors).toContain('--content-type is for github only');
		expect((await run(['send', 'github', 'push', '--content-type', 'xml', '--dry-run'], { VERIFIED_WEBHOOKS_SECRET: 'x' })).errors).toContain('--content-type is form');
	});
});

describe('F14: --tamper signature never carries any part of the secret', () => {
	// every 4 characters in a row hold a ~ or a !, which no signature, id or sample body has
	const SECRET = 'Qx~7vK!p2W~zR9!mJt~L4!hB';
	/** Every substring of the secret of at least 4 characters (covers every prefix, such as the secret minus its last character). */
	const pieces = (secret: string) => Array.from({ length: secret.length - 3 }, (_, i) => secret.slice(i, i + 4));
	const targets: Array<[string, string, string]> = [
		...Object.values(PROVIDERS).map((definition): [string, string, string] => [definition.provider, definition.events[0].value, SECRET]),
		['github', 'push', SECRET],
		['slack', 'message', SECRET],
		['stripe', 'invoice.paid', SECRET],
		['shopify', 'orders/create', SECRET],
		['standardWebhooks', 'user.created', WHSEC],
	];

	it.each(targets)('%s --dry-run: no 4 characters of the secret in a row, anywhere in the output', async (target, event, secret) => {
		const r = await run(['send', target, event, '--header-name', 'X-Hook', '--tamper', 'signature', '--dry-run', '--json'], { VERIFIED_WEBHOOKS_SECRET: secret });
		expect(r.status).toBe(0);
		for (const piece of pieces(secret)) expect(r.out).not.toContain(piece);
		expect(JSON.parse(r.out)[0].headers).not.toEqual(expect.objectContaining({ 'X-Hook': '[secret]' }));
	});

	describe('over HTTP', () => {
		let server: Server;
		let url: string;
		const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
		beforeAll(async () => {
			server = createServer((req, res) => {
				const chunks: Buffer[] = [];
				req.on('data', (chunk: Buffer) => chunks.push(chunk));
				req.on('end', () => {
					received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
					res.writeHead(401, { 'content-type': 'application/json' });
					res.end('{"error":"unauthorized","reason":"authentication header does not match"}');
				});
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/x/webhook`;
		});
		afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

		it.each(targets)('%s: the request that reaches the URL carries no 4 characters of the secret in a row', async (target, event, secret) => {
			received.length = 0;
			const r = await run(['send', target, event, '--header-name', 'X-Hook', '--tamper', 'signature', '--url', url], { VERIFIED_WEBHOOKS_SECRET: secret });
			expect(r.status).toBe(0);
			expect(received).toHaveLength(1);
			const wire = `${JSON.stringify(received[0].headers)}\n${received[0].body}`;
			for (const piece of pieces(secret)) expect(wire).not.toContain(piece);
		});
	});
});

describe('answers explained in n8n 2.x words', () => {
	let server: Server;
	let base: string;
	const answers: Record<string, [number, string]> = {
		'/webhook/mismatch/webhook': [401, '{"error":"unauthorized","reason":"signature mismatch"}'],
		'/webhook/header/webhook': [401, '{"error":"unauthorized","reason":"authentication header does not match"}'],
		'/webhook-test/x/webhook': [404, '{"code":404,"message":"The requested webhook \\"POST x/webhook\\" is not registered."}'],
		'/webhook/x/webhook': [404, '{"code":404,"message":"The requested webhook \\"POST x/webhook\\" is not registered."}'],
	};
	beforeAll(async () => {
		server = createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				const [status, body] = answers[req.url ?? ''] ?? [500, '{}'];
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(body);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	it('a 401 prints the trigger\'s reason and what usually causes it', async () => {
		const r = await run(['send', 'github', 'push', '--secret', 'x', '--url', `${base}/webhook/mismatch/webhook`]);
		expect(r.status).toBe(1);
		expect(r.errors).toContain('401 from the trigger: "signature mismatch"');
		expect(r.errors).toContain("the secret differs from the credential's");
		expect(r.errors).toContain('the body was changed after signing');
		const header = await run(['send', 'tracebuzz', 'newResult', '--secret', 'x', '--url', `${base}/webhook/header/webhook`]);
		expect(header.errors).toContain('"authentication header does not match"');
		expect(header.errors).toContain("--header-name differs from the credential's Header Name");
	});

	it('a 404 from a /webhook-test/ URL: one request per "Execute step" click', async () => {
		const r = await run(['send', 'buzzbip', 'message.sent', '--secret', 'x', '--url', `${base}/webhook-test/x/webhook`]);
		expect(r.status).toBe(1);
		expect(r.errors).toContain('Test URL');
		expect(r.errors).toContain('one request each time you click "Execute step"');
		expect(r.errors).not.toMatch(/activ/i);
	});

	it('a 404 from a /webhook/ URL: the workflow is not published', async () => {
		const r = await run(['send', 'buzzbip', 'message.sent', '--secret', 'x', '--url', `${base}/webhook/x/webhook`]);
		expect(r.status).toBe(1);
		expect(r.errors).toContain('the workflow is not published (n8n 2.x: Publish');
		expect(r.errors).not.toMatch(/activ/i);
	});

	it('--help and the unreachable hint say Publish and Execute step, never Activate', async () => {
		const help = (await run(['--help'])).out;
		expect(help).toContain('Publish');
		expect(help).toContain('"Execute step"');
		expect(help).not.toMatch(/\bactiv/i);
		expect(help).toContain('"Include Own (Agent) Messages" must be on');
		expect(help).toContain('--content-type <type>');
		const unreachable = await run(['send', 'buzzeasy', 'workItem', '--secret', 'x', '--url', 'http://127.0.0.1:1/webhook/x/webhook']);
		expect(unreachable.errors).toContain('published (Publish)');
		expect(unreachable.errors).not.toMatch(/\bactiv/i);
	});
});
