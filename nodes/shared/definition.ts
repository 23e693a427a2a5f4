import type { INodeProperties } from 'n8n-workflow';
import type { z } from 'zod/v4';

import type { HeaderBag } from './core/headers';
import type { JsonParseResult } from './core/json';
import type { Verification } from './core/verify';
import type { SampleCatalogue } from './sample';

/** What the factory needs to know about one provider. One small file per provider implements it. */
export interface ProviderDefinition<Body = unknown> {
	/** Lower-case provider id, the `provider` field of every item. */
	provider: string;
	displayName: string;
	/** The n8n node name, e.g. `buzzBipTrigger`. */
	nodeName: string;
	/** File name of the node's icon, beside the node file. */
	icon: `${string}.svg`;
	/** One sentence for the node panel. */
	description: string;
	/** Where in the provider's portal the webhook URL goes, shown above the parameters. */
	setupHint: string;
	credential: {
		name: string;
		/** Credential field holding the current secret. */
		secret: string;
		/** Credential field holding the previous secret (accepted during a rotation). */
		previousSecret: string;
		/** Credential field naming the header, for custom-header schemes. */
		headerName?: string;
		/** What the credential form shows for each field (credentials/<Class>.credentials.ts builds it from this). */
		fields?: CredentialForm;
	};
	verification: Verification;
	/** Headers a sender adds besides authentication (ApiRTC's User-Agent). */
	defaultHeaders?: Record<string, string>;
	/** The events a user can pick, value = the provider's own event name. */
	events: Array<{ name: string; value: string; description: string }>;
	/** Every body the provider documents; a body that fails it goes to the Unrecognized output. */
	schema: z.ZodType<Body>;
	/** What `describe` puts in the item's `data`: documents the output in the editor and the README. */
	dataSchema: z.ZodType;
	/** Maps a valid body onto the item's envelope. */
	describe(body: Body, headers?: HeaderBag): DescribedEvent;
	/** Provider-specific filters: node parameters and the test a body must pass. */
	filters?: Array<EventFilter<Body>>;
	/**
	 * For a request that authenticates but only checks the URL (Tracebuzz's test call on save,
	 * Slack's url_verification), the body to answer it with; undefined for every other request.
	 */
	ping?(body: JsonParseResult): Record<string, unknown> | undefined;
	/** Reads the body when it is not (only) JSON; JSON parsed safely by default. */
	parseBody?(text: string, headers: HeaderBag): JsonParseResult;
	/** The body of every 200 answer, when the provider's contract fixes it (Chatzuri). */
	acknowledgement?: Record<string, unknown>;
	/** The provider's own examples, by event (from its documentation); used by docs, tests and `send`. */
	examples: Array<{ title: string; body: unknown }>;
	/** How `send`, the tests and the benchmarks make bodies of this provider's events (registered providers). */
	samples?: SampleRules;
	/**
	 * The samples the trigger's sample webhook sends while the editor listens (nodes/shared/sample.ts);
	 * by default, for a registered provider, one per event from its examples and sample rules.
	 */
	sampleCatalogue?: SampleCatalogue;
}

/** A provider of this package's registry (nodes/shared/providers.ts): a definition with its sample rules. */
export type RegisteredProvider<Body = unknown> = ProviderDefinition<Body> & {
	samples: SampleRules;
	credential: ProviderDefinition['credential'] & { fields: CredentialForm };
};

/** One field of a credential form. */
export interface CredentialField {
	displayName: string;
	description: string;
}

export interface CredentialForm {
	secret: CredentialField;
	previousSecret: CredentialField;
	/** Custom-header schemes: the field naming the header, with its default. */
	headerName?: CredentialField & { default: string };
}

const capitalized = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/**
 * Where a provider's files are, all derived from its definition: the node's folder and class are
 * the node name capitalized (`buzzBipTrigger` → nodes/BuzzBipTrigger/BuzzBipTrigger.node.ts), the
 * credential's class is its name capitalized (`buzzBipApi` → credentials/BuzzBipApi.credentials.ts),
 * the dark icon is the icon with `.dark` before `.svg`. Paths are relative to the repository.
 */
export function providerFiles(definition: Pick<ProviderDefinition, 'provider' | 'nodeName' | 'icon' | 'credential'>) {
	const nodeClass = capitalized(definition.nodeName);
	const credentialClass = capitalized(definition.credential.name);
	const darkIcon = `${definition.icon.slice(0, -'.svg'.length)}.dark.svg`;
	return {
		nodeClass,
		nodeFolder: `nodes/${nodeClass}`,
		nodeFile: `nodes/${nodeClass}/${nodeClass}.node.ts`,
		definitionFile: `nodes/${nodeClass}/${definition.provider}.definition.ts`,
		credentialClass,
		credentialFile: `credentials/${credentialClass}.credentials.ts`,
		icons: { light: definition.icon, dark: darkIcon },
		iconFiles: [`nodes/${nodeClass}/${definition.icon}`, `nodes/${nodeClass}/${darkIcon}`],
		/** The package.json `n8n` entries. */
		distNode: `dist/nodes/${nodeClass}/${nodeClass}.node.js`,
		distCredential: `dist/credentials/${credentialClass}.credentials.js`,
	};
}

/**
 * Where the values that make one sample a new event come from: random ones for `send`, a serial
 * for the tests and benchmarks (same serial, same bytes).
 */
export interface SampleSource {
	/** A string of letters and digits, about `length` long, that no other sample of the run has. */
	token(length: number): string;
	/** A positive integer (below 2^31) that no other sample of the run has. */
	integer(): number;
	/** When the event happened. */
	now: Date;
}

export interface SampleRules {
	/**
	 * Turns a copy of the example closest to `event` into a new `event`: its ids, times and every
	 * field the delivery key depends on made fresh from `source`, so that two samples are two events.
	 */
	fresh(body: Record<string, any>, event: string, source: SampleSource): void; // eslint-disable-line @typescript-eslint/no-explicit-any
	/** A free-text field of one event, padded to make bodies of a given size (benchmarks). */
	text: { event: string; path: string };
	/** Versions of some events that differ in one field (Chatzuri's channels), each one a sample of its own. */
	variants?: { name: string; path: string; events: readonly string[]; values: readonly string[] };
}

export interface DescribedEvent {
	event: string;
	eventId: string | null;
	/**
	 * false when the id comes from something the signature does not cover (an unsigned header):
	 * the delivery key is then the body's, so that a replay with a new id is still a duplicate.
	 */
	eventIdSigned?: boolean;
	occurredAt: string | null;
	data: Record<string, unknown>;
}

export interface EventFilter<Body> {
	parameter: INodeProperties;
	/** `value` is the parameter's current value; an empty selection must let everything through. */
	accepts(value: unknown, body: Body): boolean;
}
