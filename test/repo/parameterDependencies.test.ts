/**
 * n8n before 2.41 (n8n-workflow's getParameterResolveOrder, 1.100.1 to 2.30.8 and more) cannot
 * activate a workflow holding a node one of whose parameters is shown on a condition that names
 * anything but a parameter of the same level: a field inside a collection
 * (`signature.timestampHeader`) makes it loop until "Could not resolve parameter dependencies. Max
 * iterations reached!", the workflow is not activated, and its webhooks answer 404. That is what
 * Verified Webhook Trigger 3's first notices did on every version but 2.41.1 (the compat stage
 * found it), for node versions 1 and 2 too: n8n resolves the whole list, whatever the version.
 * n8n's special names (`@version`) are skipped by n8n itself.
 */
import type { INodeProperties, INodeType } from 'n8n-workflow';

import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { REGISTERED } from '../helpers/registry';

/** The conditions of a list of parameters (and of the lists inside collections) naming what is not a sibling. */
function foreignConditions(properties: INodeProperties[], where: string): string[] {
	const names = new Set(properties.map((p) => p.name));
	const found: string[] = [];
	for (const property of properties) {
		for (const rule of Object.values(property.displayOptions ?? {})) {
			for (const name of Object.keys(rule ?? {})) {
				if (!name.startsWith('@') && !names.has(name)) found.push(`${where}${property.name}: ${name}`);
			}
		}
		const options = (property.options ?? []) as Array<INodeProperties | { name: string; values?: INodeProperties[] }>;
		if (property.type === 'collection') found.push(...foreignConditions(options as INodeProperties[], `${where}${property.name}.`));
		if (property.type === 'fixedCollection') for (const group of options as Array<{ name: string; values?: INodeProperties[] }>) found.push(...foreignConditions(group.values ?? [], `${where}${property.name}.${group.name}.`));
	}
	return found;
}

const NODES: Array<[string, INodeType]> = [...REGISTERED.map((r) => [r.definition.displayName, r.node] as [string, INodeType]), ['Verified Webhook Trigger', new VerifiedWebhookTrigger()]];

describe('parameters are shown on conditions every supported n8n resolves', () => {
	it.each(NODES)('%s: every displayOptions condition names a parameter of its own level', (_name, node) => {
		expect(node.description.properties.length).toBeGreaterThan(0);
		expect(foreignConditions(node.description.properties, '')).toEqual([]);
	});

	it('the check finds a condition on a field inside a collection', () => {
		const properties: INodeProperties[] = [
			{ displayName: 'Signature', name: 'signature', type: 'collection', default: {}, options: [{ displayName: 'Header', name: 'header', type: 'string', default: '' }] },
			{ displayName: 'Notice', name: 'notice', type: 'notice', default: '', displayOptions: { show: { '@version': [3], 'signature.header': [{ _cnd: { exists: true } }] } } },
		];
		expect(foreignConditions(properties, '')).toEqual(['notice: signature.header']);
	});
});
