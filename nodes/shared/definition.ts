import type { INodeProperties } from 'n8n-workflow';
import type { z } from 'zod/v4';

import type { HeaderBag } from './core/headers';
import type { JsonParseResult } from './core/json';
import type { Verification } from './core/verify';

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
