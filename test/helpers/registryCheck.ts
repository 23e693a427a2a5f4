/**
 * The registry check: everything a registered provider needs is there, and nothing in package.json
 * or nodes/ is outside the registry. Each problem is one sentence naming what is missing, so that a
 * provider added by hand (not with `npm run new-provider`) is told exactly what to add.
 * test/providers/registry.test.ts asserts there are none; `npx tsx test/helpers/registryCheck.ts`
 * prints them (the scaffold test runs it in a scratch copy).
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import { isDeepStrictEqual } from 'util';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { buildDescription, credentialTestName, REDIS_CREDENTIAL_TEST } from '../../nodes/shared/createTrigger';
import { credentialType } from '../../nodes/shared/credential';
import { providerFiles, type RegisteredProvider } from '../../nodes/shared/definition';
import { PROVIDERS } from '../../nodes/shared/providers';
import { buildSampleOf, sampleSpecs, serialSource } from '../../packages/cli/src/samples';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const exists = (file: string) => existsSync(join(ROOT, file));

/** The nodes and credentials of the package that are not a provider's. */
export const GENERIC = { node: 'VerifiedWebhookTrigger', credential: 'VerifiedWebhookApi' };

/** The credential every trigger offers for the Redis dedupe store (nodes/shared/createTrigger.ts redisCredentialDescription). */
export const REDIS = { credential: 'VerifiedWebhooksRedisApi' };

/** The most lines a node file has: the stub new-provider writes, plus room for a comment. */
export const MAX_NODE_FILE_LINES = 20;

function load<T>(file: string, name: string): { value?: T; problem?: string } {
	if (!exists(file)) return { problem: `${file} is missing` };
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = (require(join(ROOT, file)) as Record<string, unknown>)[name];
	if (typeof exported !== 'function') return { problem: `${file} does not export the class ${name} (n8n loads only the export named after the file)` };
	return { value: new (exported as new () => T)() };
}

export function providerProblems(id: string, definition: RegisteredProvider, pkg: { nodes: string[]; credentials: string[] }, readme: string): string[] {
	const problems: string[] = [];
	const say = (text: string) => problems.push(`provider "${id}": ${text}`);
	const files = providerFiles(definition);
	if (definition.provider !== id) say(`is registered under "${id}" but its definition says provider "${definition.provider}"`);
	if (!/^[a-z][a-z0-9]*$/.test(id)) say('the id must be lower-case letters and digits');
	if (!exists(files.definitionFile)) say(`${files.definitionFile} is missing`);
	for (const icon of files.iconFiles) if (!exists(icon)) say(`${icon} (icon) is missing`);

	const node = load<INodeType>(files.nodeFile, files.nodeClass);
	if (node.problem) say(node.problem);
	else if (node.value) {
		if (!isDeepStrictEqual(JSON.parse(JSON.stringify(node.value.description)), JSON.parse(JSON.stringify(buildDescription(definition))))) {
			say(`${files.nodeFile}: its description differs from buildDescription(${id}) (the literals icon, subtitle and credentials must be what the definition gives)`);
		}
		const testedBy = node.value.description.credentials?.[0]?.testedBy;
		if (testedBy !== credentialTestName(definition) || typeof node.value.methods?.credentialTest?.[testedBy as string] !== 'function') say(`${files.nodeFile}: no credential test named ${credentialTestName(definition)}`);
		if (typeof node.value.methods?.credentialTest?.[REDIS_CREDENTIAL_TEST] !== 'function') say(`${files.nodeFile}: no credential test named ${REDIS_CREDENTIAL_TEST} (the Redis credential's)`);
		const lines = read(files.nodeFile).trimEnd().split('\n').length;
		if (lines > MAX_NODE_FILE_LINES) say(`${files.nodeFile} has ${lines} lines: a node file is the stub that spreads buildDescription (at most ${MAX_NODE_FILE_LINES})`);
	}

	const credential = load<ICredentialType>(files.credentialFile, files.credentialClass);
	if (credential.problem) say(credential.problem);
	else if (credential.value && !isDeepStrictEqual(JSON.parse(JSON.stringify(credential.value)), JSON.parse(JSON.stringify(credentialType(definition))))) {
		say(`${files.credentialFile}: the class differs from credentialType(${id}) (name, displayName, icon and documentationUrl must be what the definition gives)`);
	}

	if (!pkg.nodes.includes(files.distNode)) say(`package.json n8n.nodes lacks ${files.distNode}`);
	if (!pkg.credentials.includes(files.distCredential)) say(`package.json n8n.credentials lacks ${files.distCredential}`);

	const fixture = `test/fixtures/${id}.ts`;
	if (!exists(fixture)) say(`${fixture} (the document's examples and what the contract and end-to-end suites send) is missing`);
	else {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(join(ROOT, fixture)) as { ALL_EXAMPLES?: unknown[]; suites?: { sample?: unknown; examples?: unknown[] } };
		if (!module.ALL_EXAMPLES?.length) say(`${fixture} exports no ALL_EXAMPLES`);
		if (!module.suites?.sample || !module.suites.examples?.length) say(`${fixture} exports no suites (sample, examples, unrecognized, parameters)`);
	}

	if (!readme.includes(`\n### ${definition.displayName}\n`)) say(`README.md has no "### ${definition.displayName}" section`);
	if (!readme.includes(`<!-- generated:${id}:start -->`) || !readme.includes(`<!-- generated:${id}:end -->`)) say(`README.md has no generated:${id} markers (node scripts/readme.mjs fills them)`);

	// the sample rules make valid events, a new one for every serial
	for (const spec of sampleSpecs(definition)) {
		const bodies = [1, 2].map((n) => buildSampleOf(definition, spec.event, { channel: spec.channel, source: serialSource(n, 'check') }));
		const parsed = bodies.map((body) => definition.schema.safeParse(body));
		if (!parsed.every((result) => result.success)) {
			say(`samples.fresh makes an invalid ${spec.event}${spec.channel ? ` (${spec.channel})` : ''}`);
			continue;
		}
		const events = parsed.map((result) => definition.describe(result.data as never));
		if (events.some((event) => event.event !== spec.event)) say(`samples.fresh does not make a ${spec.event} event of an example`);
		const keys = bodies.map((body, i) => events[i].eventId ?? JSON.stringify(body));
		if (keys[0] === keys[1]) say(`samples.fresh makes the same ${spec.event} event twice: two samples must be two events`);
	}
	return problems;
}

const manifest = () => (JSON.parse(read('package.json')) as { n8n: { nodes: string[]; credentials: string[] } }).n8n;

/** What a registered provider lacks, none when all is in place. */
export function registeredProviderProblems(id: string): string[] {
	return providerProblems(id, PROVIDERS[id], manifest(), read('README.md'));
}

/** Every problem of the registry, none when all is in place. */
export function registryProblems(): string[] {
	return [...Object.keys(PROVIDERS).flatMap(registeredProviderProblems), ...orphanProblems()];
}

/** The other way round: nothing in package.json, nodes/ or credentials/ that is not a provider's. */
export function orphanProblems(): string[] {
	const problems: string[] = [];
	const n8n = manifest();
	const all = Object.values(PROVIDERS).map((definition) => providerFiles(definition));
	const generic = { node: `dist/nodes/${GENERIC.node}/${GENERIC.node}.node.js`, credential: `dist/credentials/${GENERIC.credential}.credentials.js` };
	const redis = `dist/credentials/${REDIS.credential}.credentials.js`;
	if (!n8n.credentials.includes(redis)) problems.push(`package.json n8n.credentials lacks ${redis} (the Redis dedupe store's credential, offered by every trigger)`);
	for (const entry of n8n.nodes) if (entry !== generic.node && !all.some((files) => files.distNode === entry)) problems.push(`package.json n8n.nodes has ${entry}, which no registered provider has (nodes/shared/providers.ts)`);
	for (const entry of n8n.credentials) if (entry !== generic.credential && entry !== redis && !all.some((files) => files.distCredential === entry)) problems.push(`package.json n8n.credentials has ${entry}, which no registered provider has (nodes/shared/providers.ts)`);
	for (const folder of readdirSync(join(ROOT, 'nodes'))) {
		if (folder === 'shared' || folder === GENERIC.node) continue;
		if (!all.some((files) => files.nodeFolder === `nodes/${folder}`)) problems.push(`nodes/${folder} belongs to no registered provider (nodes/shared/providers.ts)`);
	}
	for (const file of readdirSync(join(ROOT, 'credentials'))) {
		if (file === `${GENERIC.credential}.credentials.ts` || file === `${REDIS.credential}.credentials.ts`) continue;
		if (!all.some((files) => files.credentialFile === `credentials/${file}`)) problems.push(`credentials/${file} belongs to no registered provider (nodes/shared/providers.ts)`);
	}
	return problems;
}

if (require.main === module) {
	const problems = registryProblems();
	for (const problem of problems) console.error(problem); // eslint-disable-line no-console
	console.log(problems.length ? `${problems.length} registry problem(s)` : `registry complete: ${Object.keys(PROVIDERS).join(', ')}`); // eslint-disable-line no-console
	process.exitCode = problems.length ? 1 : 0;
}
