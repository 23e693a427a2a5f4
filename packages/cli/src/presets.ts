import { createHmac, randomBytes, randomInt, randomUUID } from 'crypto';

import { signWith } from '../../../nodes/shared/core/sign';
import { PRESETS, type Preset } from '../../../nodes/VerifiedWebhookTrigger/presets';
import { GITHUB_REPOSITORY, GITHUB_SENDER } from '../../../nodes/VerifiedWebhookTrigger/samples';

/** Example event names per preset, for `list` and as defaults; any name the sender uses works. */
export const PRESET_EVENTS: Record<string, string[]> = {
	github: ['push', 'pull_request', 'issues', 'ping'],
	stripe: ['payment_intent.succeeded', 'invoice.paid', 'customer.created'],
	slack: ['message', 'app_mention', 'reaction_added'],
	shopify: ['orders/create', 'orders/paid', 'customers/create'],
	standardWebhooks: ['invoice.paid', 'user.created'],
};

/** How GitHub encodes the body: its default `application/x-www-form-urlencoded` (`payload=…`), or JSON. */
export type GitHubContentType = 'form' | 'json';
export const GITHUB_DEFAULT_CONTENT_TYPE: GitHubContentType = 'form';

export function findPreset(id: string): Preset | undefined {
	return PRESETS.find((preset) => preset.value.toLowerCase() === id.toLowerCase());
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const id62 = (length: number) => Array.from({ length }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[randomInt(62)]).join('');

/** The hook that sends, as in X-GitHub-Hook-ID and a ping's `hook`. */
const GITHUB_HOOK_ID = 292430182;

function githubSample(event: string, now: Date): Record<string, unknown> {
	const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
	const number = randomInt(1, 10_000);
	switch (event) {
		case 'push': {
			const before = hex(20);
			const after = hex(20);
			const commit = {
				id: after,
				tree_id: hex(20),
				distinct: true,
				message: 'Update README.md',
				timestamp: iso,
				url: `https://github.com/octocat/Hello-World/commit/${after}`,
				author: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
				committer: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
				added: [],
				removed: [],
				modified: ['README.md'],
			};
			return {
				ref: 'refs/heads/main',
				before,
				after,
				repository: GITHUB_REPOSITORY,
				pusher: { name: 'octocat', email: 'octocat@github.com' },
				sender: GITHUB_SENDER,
				created: false,
				deleted: false,
				forced: false,
				base_ref: null,
				compare: `https://github.com/octocat/Hello-World/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
				commits: [commit],
				head_commit: commit,
			};
		}
		case 'ping':
			return {
				zen: 'Keep it logically awesome.',
				hook_id: GITHUB_HOOK_ID,
				hook: {
					type: 'Repository',
					id: GITHUB_HOOK_ID,
					name: 'web',
					active: true,
					events: ['push', 'pull_request'],
					config: { content_type: 'form', insecure_ssl: '0', url: 'https://your-n8n/webhook/<id>/webhook' },
					updated_at: iso,
					created_at: iso,
				},
				repository: GITHUB_REPOSITORY,
				sender: GITHUB_SENDER,
			};
		case 'pull_request':
			return {
				action: 'opened',
				number,
				pull_request: {
					id: randomInt(1, 2 ** 31),
					number,
					state: 'open',
					title: 'Amazing new feature',
					user: GITHUB_SENDER,
					body: 'Please pull these awesome changes in!',
					created_at: iso,
					updated_at: iso,
					html_url: `https://github.com/octocat/Hello-World/pull/${number}`,
					head: { ref: 'new-topic', sha: hex(20) },
					base: { ref: 'main', sha: hex(20) },
					merged: false,
					draft: false,
				},
				repository: GITHUB_REPOSITORY,
				sender: GITHUB_SENDER,
			};
		case 'issues':
			return {
				action: 'opened',
				issue: {
					id: randomInt(1, 2 ** 31),
					number,
					title: 'Found a bug',
					user: GITHUB_SENDER,
					state: 'open',
					labels: [],
					body: "I'm having a problem with this.",
					created_at: iso,
					updated_at: iso,
					html_url: `https://github.com/octocat/Hello-World/issues/${number}`,
				},
				repository: GITHUB_REPOSITORY,
				sender: GITHUB_SENDER,
			};
		default:
			// any other event: the fields every repository event carries
			return { action: 'created', repository: GITHUB_REPOSITORY, sender: GITHUB_SENDER };
	}
}

function stripeObject(type: string, seconds: number): Record<string, unknown> {
	const [kind] = type.split('.');
	switch (kind) {
		case 'payment_intent':
			return { id: `pi_${id62(24)}`, object: 'payment_intent', amount: 2000, amount_received: 2000, currency: 'eur', status: 'succeeded', customer: `cus_${id62(14)}`, created: seconds, livemode: false, metadata: {} };
		case 'invoice':
			return { id: `in_${id62(24)}`, object: 'invoice', amount_due: 2000, amount_paid: 2000, currency: 'eur', customer: `cus_${id62(14)}`, status: 'paid', paid: true, created: seconds, livemode: false, metadata: {} };
		case 'customer':
			return { id: `cus_${id62(14)}`, object: 'customer', email: 'jenny.rosen@example.com', name: 'Jenny Rosen', created: seconds, livemode: false, metadata: {} };
		default:
			return { id: `obj_${id62(24)}`, object: kind, created: seconds, livemode: false, metadata: {} };
	}
}

function slackEvent(event: string, seconds: number): Record<string, unknown> {
	const ts = `${seconds}.${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
	switch (event) {
		case 'message':
			return { type: 'message', channel: 'C2147483705', user: 'U2147483697', text: 'Hello world', ts, event_ts: ts, channel_type: 'channel' };
		case 'app_mention':
			return { type: 'app_mention', user: 'U061F7AUR', text: '<@U0LAN0Z89> is it everything a river should be?', ts, channel: 'C0LAN2Q65', event_ts: ts };
		case 'reaction_added':
			return { type: 'reaction_added', user: 'U024BE7LH', reaction: 'thumbsup', item_user: 'U0G9QF9C6', item: { type: 'message', channel: 'C0G9QF9GZ', ts: `${seconds - 60}.000200` }, event_ts: ts };
		default:
			return { type: event, user: 'U2147483697', event_ts: ts };
	}
}

function shopifySample(topic: string, now: Date): Record<string, unknown> {
	const iso = now.toISOString().replace(/\.\d{3}Z$/, '+00:00');
	const orderId = 5_000_000_000_000 + randomInt(0, 2 ** 40);
	const customer = { id: 7_000_000_000_000 + randomInt(0, 2 ** 40), email: 'john@example.com', first_name: 'John', last_name: 'Smith', created_at: iso, updated_at: iso, currency: 'USD' };
	if (topic.startsWith('customers/')) return { ...customer, admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`, orders_count: 0, state: 'disabled', verified_email: true };
	if (topic.startsWith('orders/')) {
		return {
			id: orderId,
			admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
			name: `#${randomInt(1000, 10_000)}`,
			email: 'jon@example.com',
			created_at: iso,
			updated_at: iso,
			currency: 'USD',
			financial_status: topic === 'orders/paid' ? 'paid' : 'pending',
			total_price: '403.00',
			subtotal_price: '393.00',
			total_tax: '0.00',
			line_items: [{ id: 13_000_000_000_000 + randomInt(0, 2 ** 40), title: 'IPod Nano - 8GB', quantity: 1, price: '199.00', sku: 'IPOD2008PINK' }],
			customer,
		};
	}
	return { id: randomInt(1, 2 ** 31), admin_graphql_api_id: `gid://shopify/Resource/${randomInt(1, 2 ** 31)}`, created_at: iso, updated_at: iso };
}

/** A realistic body for a preset's event (fresh ids each time), with the event name where that sender puts it. */
export function buildPresetSample(preset: Preset, event: string, now = new Date()): Record<string, unknown> {
	const seconds = Math.floor(now.getTime() / 1000);
	switch (preset.value) {
		case 'github':
			return githubSample(event, now);
		case 'stripe':
			return {
				id: `evt_${id62(24)}`,
				object: 'event',
				api_version: '2024-06-20',
				created: seconds,
				data: { object: stripeObject(event, seconds) },
				livemode: false,
				pending_webhooks: 1,
				request: { id: `req_${id62(14)}`, idempotency_key: randomUUID() },
				type: event,
			};
		case 'slack':
			return {
				token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
				team_id: 'T061EG9RZ',
				api_app_id: 'A0FFV41KK',
				event: slackEvent(event, seconds),
				type: 'event_callback',
				event_id: `Ev${id62(10).toUpperCase()}`,
				event_time: seconds,
				authorizations: [{ enterprise_id: null, team_id: 'T061EG9RZ', user_id: 'U0LAN0Z89', is_bot: true, is_enterprise_install: false }],
				is_ext_shared_channel: false,
				event_context: `4-${id62(40)}`,
			};
		case 'shopify':
			return shopifySample(event, now);
		default:
			// Standard Webhooks: type, timestamp, data, as in the specification's example
			return { type: event, timestamp: now.toISOString(), data: { id: randomUUID(), object: event.split('.')[0] } };
	}
}

export interface PresetSendOptions {
	secret: string;
	event: string;
	/** GitHub: how the body is encoded (GitHub's default: form). */
	contentType?: GitHubContentType;
	/** For timestamped schemes: the Unix time to sign (now by default). */
	timestamp?: number;
	/** Standard Webhooks: the message id (random by default). */
	id?: string;
}

/** The bytes GitHub sends for a JSON payload: the JSON itself, or `payload=<url-encoded JSON>`. */
export function githubBody(json: string, contentType: GitHubContentType = GITHUB_DEFAULT_CONTENT_TYPE): string {
	return contentType === 'form' ? new URLSearchParams({ payload: json }).toString() : json;
}

/**
 * Every header the sender sends with `body` (already encoded as it travels), in the sender's own
 * spelling, signatures included: what `--dry-run` prints is what the sender would send.
 */
export function presetHeaders(preset: Preset, body: string, options: PresetSendOptions): Record<string, string> {
	const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
	const signed = signWith(preset.verification, body, { secret: options.secret }, { timestamp, id: options.id, withPrefix: true });
	switch (preset.value) {
		case 'github':
			return {
				'Content-Type': options.contentType === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
				'User-Agent': `GitHub-Hookshot/${hex(4).slice(0, 7)}`,
				'X-GitHub-Delivery': randomUUID(),
				'X-GitHub-Event': options.event,
				'X-GitHub-Hook-ID': String(GITHUB_HOOK_ID),
				'X-GitHub-Hook-Installation-Target-ID': String(GITHUB_REPOSITORY.id),
				'X-GitHub-Hook-Installation-Target-Type': 'repository',
				// the legacy SHA-1 signature GitHub still sends beside the SHA-256 one
				'X-Hub-Signature': `sha1=${createHmac('sha1', options.secret).update(body).digest('hex')}`,
				...signed,
			};
		case 'stripe':
			return { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', ...signed };
		case 'slack':
			return { 'Content-Type': 'application/json', 'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', ...signed };
		case 'shopify':
			return {
				'Content-Type': 'application/json',
				'User-Agent': 'Shopify-Captain-Hook',
				'X-Shopify-API-Version': '2024-07',
				'X-Shopify-Event-Id': randomUUID(),
				...signed,
				'X-Shopify-Shop-Domain': 'example.myshopify.com',
				'X-Shopify-Topic': options.event,
				'X-Shopify-Triggered-At': new Date(timestamp * 1000).toISOString().replace(/\.(\d{3})Z$/, `.$1${String(randomInt(0, 1_000_000)).padStart(6, '0')}Z`),
				'X-Shopify-Webhook-Id': randomUUID(),
			};
		default:
			return { 'content-type': 'application/json', ...signed };
	}
}
