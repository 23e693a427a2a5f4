/**
 * The registry is the one list of providers (nodes/shared/providers.ts): the check that each
 * registered provider has all it needs (files, package.json entries, fixtures, README section,
 * sample rules) and that nothing lies outside it, and what replaced the five spelled-out node
 * descriptions: the thin node and credential files must give exactly what the definition builds.
 */
import type { INodeProperties } from 'n8n-workflow';

import { createTriggerNode, triggerDescription } from '../../nodes/shared/createTrigger';
import { credentialProperties } from '../../nodes/shared/credential';
import type { RegisteredProvider } from '../../nodes/shared/definition';
import { PROVIDERS } from '../../nodes/shared/providers';
import { VerifiedWebhookApi } from '../../credentials/VerifiedWebhookApi.credentials';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { CREDENTIAL } from '../../nodes/VerifiedWebhookTrigger/verifiedWebhook.definition';
import { credentialOf, REGISTERED } from '../helpers/registry';
import { orphanProblems, providerProblems, registeredProviderProblems, registryProblems } from '../helpers/registryCheck';

describe('the registry', () => {
	it.each(Object.keys(PROVIDERS))('%s: has everything a provider needs (files, package.json entries, fixtures, README section, sample rules)', (id) => {
		expect(registeredProviderProblems(id)).toEqual([]);
	});

	it('has nothing outside it: every node and credential in package.json, nodes/ and credentials/ is a provider\'s (or the Verified Webhook Trigger\'s)', () => {
		expect(orphanProblems()).toEqual([]);
		expect(registryProblems()).toEqual([]);
	});

	it('holds the five providers of the contract', () => {
		expect(Object.keys(PROVIDERS)).toEqual(expect.arrayContaining(['buzzeasy', 'tracebuzz', 'chatzuri', 'buzzbip', 'apirtc']));
	});

	it('names what a provider lacks (a provider registered by hand, with no files)', () => {
		const ghost = { ...PROVIDERS.buzzbip, provider: 'ghost', displayName: 'Ghost', nodeName: 'ghostTrigger', icon: 'ghost.svg', credential: { ...PROVIDERS.buzzbip.credential, name: 'ghostApi' } } as RegisteredProvider;
		const problems = providerProblems('ghost', ghost, { nodes: [], credentials: [] }, '');
		for (const missing of [
			'nodes/GhostTrigger/ghost.definition.ts is missing',
			'nodes/GhostTrigger/ghost.svg (icon) is missing',
			'nodes/GhostTrigger/ghost.dark.svg (icon) is missing',
			'nodes/GhostTrigger/GhostTrigger.node.ts is missing',
			'credentials/GhostApi.credentials.ts is missing',
			'package.json n8n.nodes lacks dist/nodes/GhostTrigger/GhostTrigger.node.js',
			'package.json n8n.credentials lacks dist/credentials/GhostApi.credentials.js',
			'test/fixtures/ghost.ts (the document\'s examples and what the contract and end-to-end suites send) is missing',
			'README.md has no "### Ghost" section',
		]) {
			expect(problems).toContain(`provider "ghost": ${missing}`);
		}
	});

	it('names a sample rule that makes the same event twice', () => {
		const stale = { ...PROVIDERS.buzzbip, samples: { ...PROVIDERS.buzzbip.samples, fresh: () => undefined } } as RegisteredProvider;
		const manifest = { nodes: ['dist/nodes/BuzzBipTrigger/BuzzBipTrigger.node.js'], credentials: ['dist/credentials/BuzzBipApi.credentials.js'] };
		expect(providerProblems('buzzbip', stale, manifest, '\n### BuzzBip\n<!-- generated:buzzbip:start --><!-- generated:buzzbip:end -->')).toContain('provider "buzzbip": samples.fresh makes the same message.received event twice: two samples must be two events');
	});
});

describe.each(REGISTERED.map((entry) => [entry.definition.displayName, entry] as const))('%s Trigger node and credential files', (_, { node, definition }) => {
	it('has the same webhook lifecycle as a factory-made node (manual setup: all true)', async () => {
		const made = new (createTriggerNode(definition))();
		for (const method of ['checkExists', 'create', 'delete'] as const) {
			expect(await node.webhookMethods?.default?.[method]?.call({} as never)).toBe(true);
			expect(await made.webhookMethods?.default?.[method]?.call({} as never)).toBe(true);
		}
	});

	it('masks the secrets in the credential form, and only those', () => {
		const properties = credentialOf(definition).properties as INodeProperties[];
		const masked = properties.filter((property) => property.typeOptions?.password === true).map((property) => property.name);
		expect(masked).toEqual([definition.credential.secret, definition.credential.previousSecret]);
		expect(properties.map((property) => property.name)).toEqual([definition.credential.headerName, definition.credential.secret, definition.credential.previousSecret].filter(Boolean));
		expect(properties.find((property) => property.name === definition.credential.secret)?.required).toBe(true);
	});
});

describe('the Verified Webhook Trigger', () => {
	it('declares what every trigger of the package declares, with its own literals', () => {
		const { description } = new VerifiedWebhookTrigger();
		const base = triggerDescription({
			displayName: 'Verified Webhook Trigger',
			name: 'verifiedWebhookTrigger',
			description: description.description,
			icon: { light: 'file:verifiedwebhook.svg', dark: 'file:verifiedwebhook.dark.svg' },
			subtitle: description.subtitle!,
			credential: CREDENTIAL.name,
			properties: description.properties,
			sender: 'the sender',
		});
		// version 3 (GitHub by default, grouped custom settings) beside 1 and 2
		expect(description).toEqual({ ...base, version: [1, 2, 3], defaultVersion: 3 });
		expect(description.subtitle).toMatch(/^=\{\{.*\$parameter\["preset"\].*\}\}$/);
	});

	it('has its credential form from CREDENTIAL', () => {
		expect(new VerifiedWebhookApi().properties).toEqual(credentialProperties(CREDENTIAL));
	});

	it('asks for the header name for exactly the providers whose header the user names', () => {
		const { properties } = new VerifiedWebhookTrigger().description;
		const named = properties.find((property) => property.name === 'headerName' && property.displayOptions?.show?.preset?.[0] !== 'custom');
		expect(named?.displayOptions?.show?.preset).toEqual(Object.values(PROVIDERS).filter((p) => p.verification.type === 'header' && p.verification.header === null).map((p) => p.provider));
		expect(named?.displayOptions?.show?.preset).toEqual(expect.arrayContaining(['tracebuzz', 'apirtc']));
	});
});
