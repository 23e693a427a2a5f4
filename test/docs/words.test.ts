import { readFileSync } from 'fs';
import { join } from 'path';

import type { ICredentialType, INodeProperties, INodeType } from 'n8n-workflow';

import { VerifiedWebhookApi } from '../../credentials/VerifiedWebhookApi.credentials';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { credentialOf, REGISTERED } from '../helpers/registry';

/**
 * n8n 2.x's editor says Publish (a published workflow), not Activate / active, and its trigger
 * buttons are "Listen for test event" / "Execute step". What the nodes, the credentials and the
 * README tell a user must use the words the user sees. The one exception: ApiRTC's own console has
 * a checkbox called Activate.
 */
const nodes: Array<[string, INodeType]> = [
	...REGISTERED.map(({ definition, node }): [string, INodeType] => [definition.displayName, node]),
	['Verified Webhook', new VerifiedWebhookTrigger()],
];
const credentials: ICredentialType[] = [...REGISTERED.map(({ definition }) => credentialOf(definition)), new VerifiedWebhookApi()];

/** "active", "activate", "inactive", "activation" in n8n's sense: not ApiRTC's own checkbox. */
const OLD_WORDS = /\b(in)?activ(e|ate|ated|ation)\b/i;
const APIRTC_CHECKBOX = /tick\s+\*{0,2}Activate\*{0,2}/g;

function texts(properties: INodeProperties[]): string[] {
	const out: string[] = [];
	for (const property of properties) {
		out.push(property.displayName, property.description ?? '', property.hint ?? '');
		for (const option of (property.options ?? []) as Array<Partial<INodeProperties> & { name?: string; description?: string; values?: INodeProperties[] }>) {
			out.push(option.name ?? '', option.description ?? '');
			if (option.values) out.push(...texts(option.values));
		}
	}
	return out.filter(Boolean);
}

describe.each(nodes)('%s Trigger: the words of n8n 2.x', (_, node) => {
	const notice = node.description.properties.find((p) => p.name === 'setupNotice');

	it('its setup notice says to publish the workflow and how to use the Test URL', () => {
		expect(notice?.type).toBe('notice');
		expect(notice?.displayName).toMatch(/\bpublish(ed)?\b/i);
		expect(notice?.displayName).toContain('Listen for test event');
		expect(notice?.displayName).toContain('Execute step');
		expect(notice?.displayName).toContain('Test URL');
	});

	it('no text of the node says active / activate (n8n 2.x says publish)', () => {
		const all = [node.description.description, ...texts(node.description.properties)].map((t) => t.replace(APIRTC_CHECKBOX, ''));
		expect(all.filter((t) => OLD_WORDS.test(t))).toEqual([]);
	});
});

describe('credentials: the words of n8n 2.x', () => {
	it.each(credentials.map((c) => [c.displayName, c] as const))('%s: no hint says active / activate', (_, credential) => {
		expect(texts(credential.properties).filter((t) => OLD_WORDS.test(t))).toEqual([]);
	});
});

describe('README: the words of n8n 2.x', () => {
	const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

	it('says publish, not activate (but for ApiRTC\'s own Activate checkbox)', () => {
		const lines = readme
			.replace(APIRTC_CHECKBOX, '')
			.split('\n')
			.filter((line) => OLD_WORDS.test(line));
		expect(lines).toEqual([]);
		expect(readme).toMatch(/\*\*Publish\*\* the workflow/);
		expect(readme).toContain('**Listen for test');
	});

	it('names every node (the six of the package and any provider added since) and the search term that finds them', () => {
		expect(nodes.length).toBeGreaterThanOrEqual(6);
		for (const name of nodes.map(([n]) => `${n} Trigger`)) expect(readme).toContain(`**${name}**`);
		expect(readme).toContain('Search for **Verified Webhooks**');
	});
});
