import { readFileSync } from 'fs';
import { join } from 'path';

import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import type { ProviderDefinition } from '../../nodes/shared/definition';
import { optionsCollection } from '../../nodes/shared/options';
import { outputJsonSchema } from '../../nodes/shared/outputSchema';
import { PROVIDERS } from '../../nodes/shared/providers';
import { createTriggerNode } from '../../nodes/shared/createTrigger';
import { bodyKey } from '../../nodes/shared/core/deliveryKey';
import { deliver } from '../helpers/contract';

/** The renderer scripts/readme.mjs uses with dist/ (tooling's, scripts/docs); here it runs on the TypeScript sources. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const render = require('../../scripts/docs/render.cjs') as {
	RECEIVED_AT_PLACEHOLDER: string;
	renderAll(providers: typeof PROVIDERS, schema: typeof outputJsonSchema, key: typeof bodyKey): Record<string, string>;
	readSection(readme: string, id: string): string | undefined;
	updateReadme(readme: string, sections: Record<string, string>): string;
	exampleItem(definition: ProviderDefinition, key: typeof bodyKey, receivedAt?: string): Record<string, unknown>;
};

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const sections = render.renderAll(PROVIDERS, outputJsonSchema, bodyKey);
const definitions = Object.values(PROVIDERS) as ProviderDefinition[];

/** The hand-written part of a provider's README section: from its heading to the next provider's. */
function providerSection(definition: ProviderDefinition): string {
	const start = README.indexOf(`### ${definition.displayName}\n`);
	expect(start).toBeGreaterThanOrEqual(0);
	const ends = ['\n### ', '\n## '].map((heading) => README.indexOf(heading, start + 1)).filter((i) => i >= 0);
	return README.slice(start, ends.length ? Math.min(...ends) : undefined);
}

describe('README.md', () => {
	it('has a generated section for the item and for each registered provider (the five of the contract among them)', () => {
		expect(Object.keys(sections)).toEqual(['item', ...Object.keys(PROVIDERS)]);
		expect(Object.keys(sections)).toEqual(expect.arrayContaining(['item', 'buzzeasy', 'tracebuzz', 'chatzuri', 'buzzbip', 'apirtc']));
		for (const id of Object.keys(sections)) expect(render.readSection(README, id)).toBeDefined();
	});

	it.each(Object.keys(sections))('has the %s section generated from the current schemas (run `npm run build && node scripts/readme.mjs`)', (id) => {
		expect(render.readSection(README, id)).toBe(sections[id]);
	});

	it('is entirely up to date', () => {
		expect(render.updateReadme(README, sections)).toBe(README);
	});

	it.each(definitions.map((d) => [d.displayName, d] as const))('shows the item %s emits for its first example, exactly', async (_, definition) => {
		resetDedupeStores();
		const node = new (createTriggerNode(definition))();
		const call = await deliver(node, definition, definition.examples[0].body);
		expect(call.events).toHaveLength(1);
		const emitted = { ...call.events[0], receivedAt: render.RECEIVED_AT_PLACEHOLDER };
		// same fields, same values, same order as the JSON the README shows
		expect(JSON.stringify(emitted)).toBe(JSON.stringify(render.exampleItem(definition, bodyKey)));
		expect(sections[definition.provider]).toContain(JSON.stringify(emitted, null, 2));
	});

	it.each(definitions.map((d) => [d.displayName, d] as const))('documents the %s credential fields and filters', (_, definition) => {
		const section = providerSection(definition);
		const { secret, previousSecret, headerName } = definition.credential;
		for (const field of [secret, previousSecret, headerName].filter(Boolean)) expect(section).toContain(`\`${field}\``);
		expect(section).toContain(`\`${definition.credential.name}\``);
		for (const filter of definition.filters ?? []) expect(section).toContain(filter.parameter.displayName);
	});

	it('documents every option a trigger offers', () => {
		for (const option of optionsCollection('X').options as Array<{ displayName: string }>) {
			expect(README).toContain(`**${option.displayName}**`);
		}
	});
});
