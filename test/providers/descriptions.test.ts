import { existsSync } from 'fs';
import { join } from 'path';

import type { INodeType } from 'n8n-workflow';

import { ApiRtcTrigger } from '../../nodes/ApiRtcTrigger/ApiRtcTrigger.node';
import { BuzzBipTrigger } from '../../nodes/BuzzBipTrigger/BuzzBipTrigger.node';
import { BuzzeasyTrigger } from '../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node';
import { ChatzuriTrigger } from '../../nodes/ChatzuriTrigger/ChatzuriTrigger.node';
import { TracebuzzTrigger } from '../../nodes/TracebuzzTrigger/TracebuzzTrigger.node';
import { buildDescription, credentialTestName, createTriggerNode } from '../../nodes/shared/createTrigger';
import type { ProviderDefinition } from '../../nodes/shared/definition';
import { PROVIDERS } from '../../nodes/shared/providers';

/**
 * Each node file spells its description out as a literal so that n8n's lint and scanner can read it;
 * the definition stays the single source: the literal must be exactly what the factory builds from it.
 */
const nodes: Array<[string, INodeType, ProviderDefinition]> = [
	['Buzzeasy', new BuzzeasyTrigger(), PROVIDERS.buzzeasy],
	['Tracebuzz', new TracebuzzTrigger(), PROVIDERS.tracebuzz],
	['Chatzuri', new ChatzuriTrigger(), PROVIDERS.chatzuri],
	['BuzzBip', new BuzzBipTrigger(), PROVIDERS.buzzbip],
	['ApiRTC', new ApiRtcTrigger(), PROVIDERS.apirtc],
];

describe.each(nodes)('%s Trigger node file', (_, node, definition) => {
	it('declares exactly the description its definition gives', () => {
		expect(node.description).toEqual(buildDescription(definition));
	});

	it('has the credential test its testedBy names', () => {
		const testedBy = node.description.credentials?.[0].testedBy;
		expect(testedBy).toBe(credentialTestName(definition));
		expect(typeof node.methods?.credentialTest?.[testedBy as string]).toBe('function');
	});

	it('has the same webhook lifecycle as a factory-made node (manual setup: all true)', async () => {
		const made = new (createTriggerNode(definition))();
		for (const method of ['checkExists', 'create', 'delete'] as const) {
			expect(await node.webhookMethods?.default?.[method]?.call({} as never)).toBe(true);
			expect(await made.webhookMethods?.default?.[method]?.call({} as never)).toBe(true);
		}
	});

	it.each(['light', 'dark'] as const)('has its %s icon beside the node file', (theme) => {
		const icon = String((node.description.icon as Record<string, string>)[theme]).replace(/^file:/, '');
		const folder = `${node.description.name.charAt(0).toUpperCase()}${node.description.name.slice(1)}`;
		expect(existsSync(join(__dirname, '..', '..', 'nodes', folder, icon))).toBe(true);
	});
});
