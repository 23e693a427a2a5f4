/**
 * The README of a per-service package (scripts/release/readme.cjs) is cut from README.md: it holds
 * the same generated sections for its one provider (events, fields, example item) and the item's
 * fields, none of another provider's, its own install steps and credential type name, and no link
 * to a section it does not hold.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const renderer = require('../../scripts/release/readme.cjs') as {
	renderReadme(readme: string, service: Record<string, string>, rootPkg: Record<string, unknown>): string;
};

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

function generated(id: string): string {
	const start = `<!-- generated:${id}:start -->`;
	const end = `<!-- generated:${id}:end -->`;
	const from = README.indexOf(start);
	const to = README.indexOf(end);
	expect(from).toBeGreaterThan(0);
	return README.slice(from, to + end.length);
}

const chatzuri = {
	id: 'chatzuri',
	name: 'n8n-nodes-verified-webhooks-chatzuri',
	displayName: 'Chatzuri',
	readmeHeading: '### Chatzuri',
	credentialName: 'chatzuriApi',
	newCredentialName: 'verifiedWebhooksChatzuriApi',
};

describe('a per-service README', () => {
	const text = renderer.renderReadme(README, chatzuri, rootPkg);

	it('holds its provider\'s generated sections and the item\'s, exactly as README.md has them', () => {
		expect(text).toContain(generated('chatzuri'));
		expect(text).toContain(generated('item'));
		for (const other of ['buzzeasy', 'tracebuzz', 'buzzbip', 'apirtc']) expect(text).not.toContain(`<!-- generated:${other}:start -->`);
		expect(text).toMatch(/^## The Chatzuri Trigger\n\n### Chatzuri$/m);
		expect(text).toMatch(/^#### Events$/m);
		expect(text).toMatch(/^#### Example item$/m);
	});

	it('installs its own package and names its own credential type', () => {
		expect(text.startsWith('# n8n-nodes-verified-webhooks-chatzuri\n')).toBe(true);
		expect(text).toContain('```\nn8n-nodes-verified-webhooks-chatzuri\n```');
		expect(text).toContain('**Credential** "Chatzuri Webhook API" (`verifiedWebhooksChatzuriApi`)');
		// the all-in-one's name only where the install note compares the two
		expect(text.split('`chatzuriApi`')).toHaveLength(2);
	});

	it('links only to its own sections, or to the full README on GitHub', () => {
		const anchors = new Set(
			text
				.split('\n')
				.filter((l) => /^#{2,4} /.test(l))
				.map((l) => l.replace(/^#+\s*/, '').toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-')),
		);
		const local = [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
		expect(local.length).toBeGreaterThan(0);
		for (const id of local) expect(anchors.has(id)).toBe(true);
		expect(text).toContain('](#chatzuri)');
	});

	it('fails loudly when README.md lacks a section it takes', () => {
		expect(() => renderer.renderReadme(README.replace('## Deduplication\n', '## Dedup\n'), chatzuri, rootPkg)).toThrow(/no "## Deduplication" section/);
	});
});
