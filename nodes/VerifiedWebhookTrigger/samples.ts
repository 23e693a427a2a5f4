import { DANGEROUS_KEYS, isPlainObject } from '../shared/core/json';
import type { SampleCatalogue, SampleDelivery } from '../shared/sample';
import type { Source } from './presets';

/**
 * The samples of the Verified Webhook Trigger's senders, from each sender's documented examples
 * (GitHub's webhook events and payloads, Stripe's event object, Slack's Events API envelope,
 * Shopify's webhook headers and order payload, the Standard Webhooks specification's example),
 * with the headers that carry the event's name and id where the sender puts them there.
 */

/** GitHub's example repository and sender, as its webhook documentation shows them (also `send`'s). */
export const GITHUB_REPOSITORY = {
	id: 1296269,
	node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
	name: 'Hello-World',
	full_name: 'octocat/Hello-World',
	private: false,
	owner: { login: 'octocat', id: 1, type: 'User' },
	html_url: 'https://github.com/octocat/Hello-World',
	default_branch: 'main',
};
export const GITHUB_SENDER = { login: 'octocat', id: 1, node_id: 'MDQ6VXNlcjE=', type: 'User', site_admin: false };
const GITHUB_COMMIT = {
	id: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
	tree_id: 'f9d2a07e9488b91af2641b26b9407fe22a451433',
	distinct: true,
	message: 'Update README.md',
	timestamp: '2026-06-01T14:32:00Z',
	url: 'https://github.com/octocat/Hello-World/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
	author: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
	committer: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
	added: [],
	removed: [],
	modified: ['README.md'],
};

const github = (event: string, body: Record<string, unknown>): SampleDelivery => ({
	body,
	headers: {
		'Content-Type': 'application/json',
		'User-Agent': 'GitHub-Hookshot/044aadd',
		'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
		'X-GitHub-Event': event,
		'X-GitHub-Hook-ID': '292430182',
	},
});

const GITHUB: Record<string, () => SampleDelivery> = {
	push: () =>
		github('push', {
			ref: 'refs/heads/main',
			before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
			after: GITHUB_COMMIT.id,
			repository: GITHUB_REPOSITORY,
			pusher: { name: 'octocat', email: 'octocat@github.com' },
			sender: GITHUB_SENDER,
			created: false,
			deleted: false,
			forced: false,
			base_ref: null,
			compare: 'https://github.com/octocat/Hello-World/compare/6113728f27ae...0d1a26e67d8f',
			commits: [GITHUB_COMMIT],
			head_commit: GITHUB_COMMIT,
		}),
	pull_request: () =>
		github('pull_request', {
			action: 'opened',
			number: 1347,
			pull_request: {
				id: 1,
				number: 1347,
				state: 'open',
				title: 'Amazing new feature',
				user: GITHUB_SENDER,
				body: 'Please pull these awesome changes in!',
				created_at: '2026-06-01T14:32:00Z',
				updated_at: '2026-06-01T14:32:00Z',
				html_url: 'https://github.com/octocat/Hello-World/pull/1347',
				head: { ref: 'new-topic', sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e' },
				base: { ref: 'main', sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e' },
				merged: false,
				draft: false,
			},
			repository: GITHUB_REPOSITORY,
			sender: GITHUB_SENDER,
		}),
	issues: () =>
		github('issues', {
			action: 'opened',
			issue: {
				id: 1,
				number: 1347,
				title: 'Found a bug',
				user: GITHUB_SENDER,
				state: 'open',
				labels: [],
				body: "I'm having a problem with this.",
				created_at: '2026-06-01T14:32:00Z',
				updated_at: '2026-06-01T14:32:00Z',
				html_url: 'https://github.com/octocat/Hello-World/issues/1347',
			},
			repository: GITHUB_REPOSITORY,
			sender: GITHUB_SENDER,
		}),
	ping: () =>
		github('ping', {
			zen: 'Keep it logically awesome.',
			hook_id: 292430182,
			hook: { type: 'Repository', id: 292430182, name: 'web', active: true, events: ['push', 'pull_request'], config: { content_type: 'json', insecure_ssl: '0', url: 'https://your-n8n/webhook/<id>/webhook' } },
			repository: GITHUB_REPOSITORY,
			sender: GITHUB_SENDER,
		}),
};

const stripe = (type: string, object: Record<string, unknown>, created: number): SampleDelivery => ({
	body: {
		id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy',
		object: 'event',
		api_version: '2024-06-20',
		created,
		data: { object },
		livemode: false,
		pending_webhooks: 1,
		request: { id: 'req_6Q1uoj3hk3nDnW', idempotency_key: null },
		type,
	},
	headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
});

const STRIPE: Record<string, (now: Date) => SampleDelivery> = {
	'payment_intent.succeeded': (now) =>
		stripe('payment_intent.succeeded', { id: 'pi_3NG8Dt2eZvKYlo2C0dRNDr8h', object: 'payment_intent', amount: 2000, amount_received: 2000, currency: 'eur', status: 'succeeded', customer: 'cus_NffrFeUfNV2Hib', created: seconds(now), livemode: false, metadata: {} }, seconds(now)),
	'invoice.paid': (now) =>
		stripe('invoice.paid', { id: 'in_1MtHbELkdIwHu7ixl4OzzPMv', object: 'invoice', amount_due: 2000, amount_paid: 2000, currency: 'eur', customer: 'cus_NffrFeUfNV2Hib', status: 'paid', paid: true, created: seconds(now), livemode: false, metadata: {} }, seconds(now)),
	'customer.created': (now) =>
		stripe('customer.created', { id: 'cus_NffrFeUfNV2Hib', object: 'customer', email: 'jenny.rosen@example.com', name: 'Jenny Rosen', created: seconds(now), livemode: false, metadata: {} }, seconds(now)),
};

const slack = (event: Record<string, unknown>, now: Date): SampleDelivery => ({
	body: {
		team_id: 'T061EG9RZ',
		api_app_id: 'A0FFV41KK',
		event,
		type: 'event_callback',
		event_id: 'Ev0PV52K25',
		event_time: seconds(now),
		authorizations: [{ enterprise_id: null, team_id: 'T061EG9RZ', user_id: 'U0LAN0Z89', is_bot: true, is_enterprise_install: false }],
		is_ext_shared_channel: false,
	},
	headers: { 'Content-Type': 'application/json', 'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' },
});

const SLACK: Record<string, (now: Date) => SampleDelivery> = {
	message: (now) => slack({ type: 'message', channel: 'C2147483705', user: 'U2147483697', text: 'Hello world', ts: `${seconds(now)}.000200`, event_ts: `${seconds(now)}.000200`, channel_type: 'channel' }, now),
	app_mention: (now) => slack({ type: 'app_mention', user: 'U061F7AUR', text: '<@U0LAN0Z89> is it everything a river should be?', ts: `${seconds(now)}.000200`, channel: 'C0LAN2Q65', event_ts: `${seconds(now)}.000200` }, now),
	reaction_added: (now) => slack({ type: 'reaction_added', user: 'U024BE7LH', reaction: 'thumbsup', item_user: 'U0G9QF9C6', item: { type: 'message', channel: 'C0G9QF9GZ', ts: '1360782400.498405' }, event_ts: `${seconds(now)}.000200` }, now),
};

const SHOPIFY_CUSTOMER = { id: 706405506930370000, email: 'john@example.com', first_name: 'John', last_name: 'Smith', currency: 'USD' };
const shopify = (topic: string, body: Record<string, unknown>, now: Date): SampleDelivery => ({
	body,
	headers: {
		'Content-Type': 'application/json',
		'User-Agent': 'Shopify-Captain-Hook',
		'X-Shopify-API-Version': '2024-07',
		'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
		'X-Shopify-Shop-Domain': 'example.myshopify.com',
		'X-Shopify-Topic': topic,
		'X-Shopify-Triggered-At': now.toISOString(),
		'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
	},
});

const SHOPIFY: Record<string, (now: Date) => SampleDelivery> = {
	'orders/create': (now) =>
		shopify(
			'orders/create',
			{
				id: 820982911946154500,
				admin_graphql_api_id: 'gid://shopify/Order/820982911946154508',
				name: '#9999',
				email: 'jon@example.com',
				created_at: now.toISOString(),
				updated_at: now.toISOString(),
				currency: 'USD',
				financial_status: 'voided',
				total_price: '403.00',
				subtotal_price: '393.00',
				total_tax: '0.00',
				line_items: [{ id: 866550311766439000, title: 'IPod Nano - 8GB', quantity: 1, price: '199.00', sku: 'IPOD2008PINK' }],
				customer: SHOPIFY_CUSTOMER,
			},
			now,
		),
	'customers/create': (now) =>
		shopify('customers/create', { ...SHOPIFY_CUSTOMER, admin_graphql_api_id: 'gid://shopify/Customer/706405506930370084', created_at: now.toISOString(), updated_at: now.toISOString(), orders_count: 0, state: 'disabled', verified_email: true }, now),
};

const standard = (type: string, data: Record<string, unknown>, now: Date): SampleDelivery => ({
	body: { type, timestamp: now.toISOString(), data },
	headers: { 'Content-Type': 'application/json', 'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', 'webhook-timestamp': String(seconds(now)) },
});

const STANDARD_WEBHOOKS: Record<string, (now: Date) => SampleDelivery> = {
	'contact.created': (now) => standard('contact.created', { id: '1f81eb52-5198-4599-803e-771906343485', type: 'contact', email: 'jane@example.com', name: 'Jane Doe' }, now),
	'invoice.paid': (now) => standard('invoice.paid', { id: 'inv_2KWPBgLlAfxdpx2AI54pPJ85f4W', type: 'invoice', amount: 2000, currency: 'EUR' }, now),
};

function seconds(now: Date): number {
	return Math.floor(now.getTime() / 1000);
}

function catalogue(builders: Record<string, (now: Date) => SampleDelivery>): SampleCatalogue {
	return {
		events: Object.keys(builders).map((value) => ({ value, name: value })),
		build: (event, now) => builders[event](now),
	};
}

/** The samples of each preset, by its value (presets.ts). */
export const PRESET_SAMPLES: Record<string, SampleCatalogue> = {
	github: catalogue(GITHUB),
	stripe: catalogue(STRIPE),
	slack: catalogue(SLACK),
	shopify: catalogue(SHOPIFY),
	standardWebhooks: catalogue(STANDARD_WEBHOOKS),
};

/** Sets a dotted path in a plain object, creating objects on the way; never through a prototype-changing key. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
	const parts = path.split('.');
	if (parts.some((part) => part === '' || DANGEROUS_KEYS.has(part))) return;
	let node = target;
	for (const part of parts.slice(0, -1)) {
		if (!isPlainObject(node[part])) node[part] = {};
		node = node[part] as Record<string, unknown>;
	}
	node[parts[parts.length - 1]] = value;
}

/**
 * The sample of a custom scheme: a generic JSON event, with its name and id where the scheme reads
 * them (a header or a body field), so that the item shows them where a real delivery would.
 */
export function customSamples(eventName: Source[] | undefined, eventId: Source[] | undefined): SampleCatalogue {
	const event = eventName?.length ? 'sample.event' : 'webhook';
	return {
		events: [{ value: event, name: event }],
		build: (_event, now) => {
			const body: Record<string, unknown> = {
				id: 'evt_0001',
				type: event,
				createdAt: now.toISOString(),
				data: { message: 'A sample delivery: the fields of your sender\'s events appear here once it sends one' },
			};
			const headers: Record<string, string> = { 'Content-Type': 'application/json' };
			for (const [sources, value] of [
				[eventName, event],
				[eventId, 'sample-0001'],
			] as const) {
				const source = sources?.[0];
				if (!source) continue;
				if ('header' in source) headers[source.header] = value;
				else setPath(body, source.body, value);
			}
			return { body, headers };
		},
	};
}
