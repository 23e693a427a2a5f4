/**
 * What the end-to-end suite sends, for every provider of the registry: every example payload of the
 * providers' webhook documents (test/fixtures/<provider>.ts, each naming its document and section),
 * with the item each must become. The examples are kept apart from the nodes' own `examples` on
 * purpose: a mistake copied into a provider definition must not also be the yardstick it is
 * measured with. Which providers, their node and credential types and the credential's fields come
 * from the registry; a registered provider without its fixture module fails (test/fixtures/index.ts).
 */
import { buildSample, sampleSpecs, serialSource } from '../../packages/cli/src/samples';
import { PROVIDERS } from '../../nodes/shared/providers';
import { fixturesOf, type SeedExample } from '../fixtures';
import { e2eTarget, type E2eTarget } from '../../scripts/providers';

export type { SeedExample } from '../fixtures';
export type ProviderId = string;

export interface ProviderFixture extends E2eTarget {
	/** Whether the scheme signs the body (HMAC): only then can a tampered body be detected. */
	signsBody: boolean;
	/** Node parameters of the end-to-end workflow. */
	parameters: Record<string, unknown>;
	examples: SeedExample[];
	/** A body that is no event of this provider, but that it would authenticate. */
	unrecognized: Record<string, unknown>;
	/** A fresh valid delivery with a unique key, for the duplicate and rejection tests. */
	uniqueDelivery(tag: string): Record<string, unknown>;
}

const TAG_NUMBER = (tag: string) => 100000 + (parseInt(tag.replace(/\D/g, '').slice(-6) || '0', 10) % 800000);

export const FIXTURES: ProviderFixture[] = Object.values(PROVIDERS).map((definition) => {
	const suites = fixturesOf(definition.provider).suites;
	const [spec] = sampleSpecs(definition);
	return {
		...e2eTarget(definition, 'e2e', suites.headerName),
		signsBody: definition.verification.type === 'hmac',
		parameters: suites.parameters,
		examples: suites.examples,
		unrecognized: suites.unrecognized,
		// the provider's own sample rules, with the tag as the serial source
		uniqueDelivery: (tag) => buildSample(definition.provider, spec.event, { channel: spec.channel, source: serialSource(TAG_NUMBER(tag), tag) }),
	};
});
