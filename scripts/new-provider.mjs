#!/usr/bin/env node
/**
 * `npm run new-provider -- <id> "<Display Name>"`: scaffolds a provider trigger that the whole
 * project picks up from the registry: its definition (a placeholder schema, event and example to
 * replace with the provider's documented ones), the thin node and credential files, both icons,
 * the registry line (nodes/shared/providers.ts), the package.json `n8n` entries, its test fixtures
 * (test/fixtures/<id>.ts) and its README section (generated tables filled in). Refuses a bad or
 * existing id or name with exit status 2, before writing anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { serviceEntry, serviceManifest } from './release/services.mjs';
import { credentialFile, names, nodeFile } from './provider-files.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = (relative) => path.join(ROOT, relative);
const read = (relative) => readFileSync(file(relative), 'utf8');

function refuse(message) {
	console.error(`new-provider: ${message}`);
	console.error('Usage: npm run new-provider -- <id> "<Display Name>"   e.g. npm run new-provider -- zebra "Zebra"');
	process.exit(2);
}

const [id, displayName, ...rest] = process.argv.slice(2);
if (!id || !displayName || rest.length) refuse('give exactly an id and a display name');
if (!/^[a-z][a-z0-9]{1,29}$/.test(id)) refuse(`the id "${id}" must be 2 to 30 lower-case letters and digits, starting with a letter (it is the item's provider field)`);
if (!/^[A-Z][A-Za-z0-9]*( [A-Za-z0-9]+)*$/.test(displayName) || displayName.length > 40) {
	refuse(`the display name "${displayName}" must start with a capital letter and hold only letters, digits and single spaces (at most 40 characters)`);
}
const n = names(id, displayName);
const providersFile = 'nodes/shared/providers.ts';
const registry = read(providersFile);
const readme = read('README.md');
const manifest = JSON.parse(read('package.json'));
const taken = [
	[new RegExp(`^\\t${id}(: \\w+)?,?$`, 'm').test(registry), `the id "${id}" is already registered in ${providersFile}`],
	[new RegExp(`import \\{ ${n.camel} \\}|: ${n.camel},?$|^\\t${n.camel},?$`, 'm').test(registry), `a definition named ${n.camel} is already registered in ${providersFile}`],
	[existsSync(file(`nodes/${n.nodeClass}`)), `nodes/${n.nodeClass} already exists`],
	[existsSync(file(`credentials/${n.credentialClass}.credentials.ts`)), `credentials/${n.credentialClass}.credentials.ts already exists`],
	[existsSync(file(`test/fixtures/${id}.ts`)), `test/fixtures/${id}.ts already exists`],
	[readme.includes(`\n### ${displayName}\n`) || readme.includes(`<!-- generated:${id}:start -->`), `README.md already has a ${displayName} section`],
];
for (const [clash, message] of taken) if (clash) refuse(message);

const ID = id.toUpperCase();
const signatureHeader = `X-${n.nodeClass.replace(/Trigger$/, '')}-Signature`;

const definition = `import { z } from 'zod/v4';

import { toIsoUtc } from '../shared/core/time';
import type { RegisteredProvider } from '../shared/definition';

// Scaffolded by npm run new-provider: replace the placeholders (events, schema, example, texts,
// verification) with what ${displayName}'s webhook document says.

/** The events a user can pick, value = ${displayName}'s own event name. */
export const ${ID}_EVENTS = [{ name: 'Example Event', value: 'example.event', description: 'Placeholder: an event ${displayName} sends' }] as const;

type ${n.nodeClass.replace(/Trigger$/, '')}EventType = (typeof ${ID}_EVENTS)[number]['value'];
const eventTypes = ${ID}_EVENTS.map((event) => event.value) as [${n.nodeClass.replace(/Trigger$/, '')}EventType, ...${n.nodeClass.replace(/Trigger$/, '')}EventType[]];

/** Placeholder: the fields of an event's data. */
const eventData = z.looseObject({
	message: z.string().optional().describe('Placeholder: a text field of the event'),
});

const envelope = z.looseObject({
	id: z.string().min(1).describe('Event ID, the same on every retry'),
	type: z.enum(eventTypes).describe('Event type'),
	createdAt: z.string().refine((value) => toIsoUtc(value) !== null, 'not an ISO 8601 date').describe('When the event happened'),
	data: eventData.describe('The event\\'s payload'),
});

export type ${n.nodeClass.replace(/Trigger$/, '')}Event = z.infer<typeof envelope>;

export const ${n.camel}: RegisteredProvider<${n.nodeClass.replace(/Trigger$/, '')}Event> = {
	provider: '${id}',
	displayName: '${displayName}',
	nodeName: '${n.nodeName}',
	icon: '${n.icon}',
	description: 'Starts the workflow when ${displayName} sends a webhook event, after checking its ${signatureHeader}',
	setupHint: 'Placeholder: in ${displayName}, open the webhook settings, paste this node\\'s Production URL and copy the signing secret into this credential.',
	credential: {
		name: '${n.credentialName}',
		secret: 'signingSecret',
		previousSecret: 'previousSigningSecret',
		fields: {
			secret: { displayName: 'Signing Secret', description: 'Shown by ${displayName} when you save a webhook. ${displayName} signs every request with it (HMAC-SHA256 in the ${signatureHeader} header).' },
			previousSecret: { displayName: 'Previous Signing Secret', description: 'Optional. While you roll the secret in ${displayName}, requests signed with this old secret are accepted too. Empty it once the rotation is done.' },
		},
	},
	verification: { type: 'hmac', algorithm: 'sha256', signatureHeader: '${signatureHeader}', encoding: ['hex'], prefix: 'sha256=', signedPayload: 'rawBody' },
	events: [...${ID}_EVENTS],
	schema: envelope,
	dataSchema: eventData,
	describe: (body) => ({ event: body.type, eventId: body.id, occurredAt: toIsoUtc(body.createdAt), data: { ...body.data } }),
	samples: {
		fresh: (body, event, source) => {
			body.id = \`evt_\${source.token(12)}\`;
			body.type = event;
			body.createdAt = source.now.toISOString().replace(/\\.\\d{3}Z$/, 'Z');
		},
		text: { event: 'example.event', path: 'data.message' },
	},
	examples: [{ title: 'Example event', body: { id: 'evt_0001', type: 'example.event', createdAt: '2026-06-01T14:32:00Z', data: { message: 'Hello' } } }],
};
`;

const fixtures = `/**
 * ${displayName}'s webhook document, transcribed. Scaffolded by npm run new-provider: replace the
 * placeholder with the document's own examples, each naming its document and section.
 */
import type { DocumentExample, SuiteFixtures } from './types';

const provider = '${displayName}';
const document = 'Placeholder: the title of ${displayName}\\'s webhook document';

/** An \`example.event\` event. */
export const exampleEvent: DocumentExample = {
	provider,
	document,
	section: 'Placeholder: the section the example sits under',
	body: { id: 'evt_0001', type: 'example.event', createdAt: '2026-06-01T14:32:00Z', data: { message: 'Hello' } },
};

/** Every example of the document, in the order it gives them. */
export const ALL_EXAMPLES: DocumentExample[] = [exampleEvent];

/** What the contract and end-to-end suites send and expect. */
export const suites: SuiteFixtures = {
	sample: exampleEvent.body,
	examples: [
		{
			title: 'Example event',
			body: exampleEvent.body,
			expect: { event: 'example.event', eventId: 'evt_0001', occurredAt: '2026-06-01T14:32:00.000Z', data: { message: 'Hello' } },
		},
	],
	unrecognized: { id: 'evt_unknown', type: 'not.an.event', createdAt: '2026-06-01T14:32:00Z', data: {} },
	parameters: {},
};
`;

const icon = (background, foreground) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60"><circle cx="30" cy="30" r="28" fill="${background}"/><text x="30" y="40" font-family="Arial, sans-serif" font-size="28" font-weight="bold" text-anchor="middle" fill="${foreground}">${displayName.charAt(0)}</text></svg>
`;

const section = `### ${displayName}

The **${displayName} Trigger** starts the workflow on ${displayName}'s webhook events.
**In ${displayName}** (placeholder: where its webhook settings are), paste the trigger's Production
URL and copy the signing secret ${displayName} shows into the credential.

**Credential** "${displayName} Webhook API" (\`${n.credentialName}\`):

- **Signing Secret** (\`signingSecret\`): the webhook's signing secret.
- **Previous Signing Secret** (\`previousSigningSecret\`, optional): accepted too while you roll the
  secret.

**Authentication**: the \`${signatureHeader}\` header (name in any case) must be the hex HMAC-SHA256
of the raw request body with the signing secret, with or without a \`sha256=\` prefix.

<!-- generated:${id}:start -->
<!-- generated:${id}:end -->

`;

// everything is computed and checked: now write
const nodeFolder = `nodes/${n.nodeClass}`;
const written = [];
const write = (relative, text) => {
	mkdirSync(path.dirname(file(relative)), { recursive: true });
	writeFileSync(file(relative), text);
	written.push(relative);
};
write(`${nodeFolder}/${id}.definition.ts`, definition);
write(`${nodeFolder}/${n.nodeClass}.node.ts`, nodeFile(n));
write(`${nodeFolder}/${n.icon}`, icon('#2e7d32', '#ffffff'));
write(`${nodeFolder}/${n.darkIcon}`, icon('#a5d6a7', '#1b1b1b'));
write(`credentials/${n.credentialClass}.credentials.ts`, credentialFile(n));
write(`test/fixtures/${id}.ts`, fixtures);

const imports = [...registry.matchAll(/^import \{ \w+ \} from '\.\.\/\w+\/\w+\.definition';$/gm)];
const lastImport = imports[imports.length - 1];
const importLine = `import { ${n.camel} } from '../${n.nodeClass}/${id}.definition';`;
let nextRegistry = `${registry.slice(0, lastImport.index + lastImport[0].length)}\n${importLine}${registry.slice(lastImport.index + lastImport[0].length)}`;
const close = nextRegistry.lastIndexOf('\n};');
nextRegistry = `${nextRegistry.slice(0, close)}\n\t${id === n.camel ? id : `${id}: ${n.camel}`},${nextRegistry.slice(close)}`;
write(providersFile, nextRegistry);

// the generic Verified Webhook Trigger stays last
const insert = (list, entry) => {
	const generic = list.findIndex((item) => item.includes('VerifiedWebhook'));
	list.splice(generic < 0 ? list.length : generic, 0, entry);
};
insert(manifest.n8n.nodes, `dist/${nodeFolder}/${n.nodeClass}.node.js`);
insert(manifest.n8n.credentials, `dist/credentials/${n.credentialClass}.credentials.js`);
write('package.json', `${JSON.stringify(manifest, null, 2)}\n`);

// the committed package.json of its per-service package (scripts/release/manifests.mjs explains why)
const service = serviceEntry({ id, displayName, nodeName: n.nodeName, nodeClass: n.nodeClass, credentialName: n.credentialName, readmeHeading: `### ${displayName}` }, n.credentialClass);
write(`packages/${service.name}/package.json`, `${JSON.stringify(serviceManifest(manifest, service), null, 2)}\n`);

// its row in the README's Install table of per-service packages, before the generic package's
const genericRow = '\n| Verified Webhook Trigger (';
const installRow = `\n| ${displayName} | \`${service.name}\` | \`${service.newCredentialName}\` |`;
const rowAt = readme.indexOf(genericRow);
const readmeWithRow = rowAt < 0 ? readme : `${readme.slice(0, rowAt)}${installRow}${readme.slice(rowAt)}`;

const anchor = '\n## Verified Webhook Trigger\n';
const at = readmeWithRow.indexOf(anchor);
write('README.md', at < 0 ? `${readmeWithRow.trimEnd()}\n\n${section}` : `${readmeWithRow.slice(0, at + 1)}${section}${readmeWithRow.slice(at + 1)}`);
// the generated tables, from the sources
execFileSync(process.execPath, [file('scripts/readme.mjs'), '--source'], { cwd: ROOT, stdio: 'inherit' });

console.log(`Scaffolded provider "${id}" (${displayName}):\n${written.map((entry) => `  ${entry}`).join('\n')}`);
console.log(`Next: replace the placeholders in ${nodeFolder}/${id}.definition.ts, test/fixtures/${id}.ts and the README section with what ${displayName} documents, then run npm run lint and SKIP_E2E=1 npm test.`);
