import { randomBytes, randomInt } from 'crypto';

import { ApiRtcApi } from '../../../credentials/ApiRtcApi.credentials';
import { TracebuzzApi } from '../../../credentials/TracebuzzApi.credentials';
import { DANGEROUS_KEYS, isPlainObject } from '../../../nodes/shared/core/json';
import type { ProviderDefinition } from '../../../nodes/shared/definition';
import { PROVIDERS } from '../../../nodes/shared/providers';

export interface SampleOptions {
	/** Chatzuri: the channel of a message.received event. */
	channel?: string;
	/** Dotted paths to set in the body, e.g. `{ 'payload.message': 'Hi' }`. */
	overrides?: Record<string, unknown>;
	now?: Date;
}

export class SampleError extends Error {}

/** The credentials whose Header Name has a default: that default is the default of --header-name. */
const HEADER_CREDENTIALS = [new TracebuzzApi(), new ApiRtcApi()];

/** The Header Name a credential of this name starts with (Tracebuzz, ApiRTC: `X-Webhook-Secret`). */
export function defaultHeaderName(credentialName: string, field = 'headerName'): string | undefined {
	const credential = HEADER_CREDENTIALS.find((candidate) => candidate.name === credentialName);
	const value = credential?.properties.find((property) => property.name === field)?.default;
	return typeof value === 'string' && value !== '' ? value : undefined;
}

export function providerIds(): string[] {
	return Object.keys(PROVIDERS);
}

export function getProvider(provider: string): ProviderDefinition {
	const id = provider.toLowerCase();
	const definition = Object.prototype.hasOwnProperty.call(PROVIDERS, id) ? PROVIDERS[id] : undefined;
	if (!definition) throw new SampleError(`unknown provider "${provider}". Known providers: ${providerIds().join(', ')} (run "list" to see their events)`);
	return definition;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** Buzzeasy writes seven fractional digits. */
const buzzeasyTime = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(randomInt(0, 10_000)).padStart(4, '0')}Z`);

/** Fresh ids and timestamps for one provider's body, so that each sample is a new event. */
const freshen: Record<string, (body: Record<string, any>, event: string, now: Date) => void> = {
	buzzeasy: (body, _event, now) => {
		body.id = hex(16);
		body.createdAt = buzzeasyTime(new Date(now.getTime() - 120_000));
		body.closedAt = buzzeasyTime(now);
		body.customerId = hex(16);
		body.primaryConversationId = hex(16);
	},
	tracebuzz: (body, event, now) => {
		body.event = event;
		body.timestamp = seconds(now);
		if (event === 'newResult') {
			body.uniqueId = body.resultId = randomInt(1, 2 ** 31);
			body.caseId = randomInt(1, 2 ** 31);
		} else if (event === 'caseClosed') {
			body.caseId = randomInt(1, 2 ** 31);
			body.resultId = randomInt(1, 2 ** 31);
		} else {
			body.oldPersonId = randomInt(1, 2 ** 31);
			body.newPersonId = randomInt(1, 2 ** 31);
		}
	},
	chatzuri: (body) => {
		if (isPlainObject(body.payload)) body.payload.conversationId = `conv_${hex(6)}`;
	},
	buzzbip: (body, event, now) => {
		body.id = `evt_${hex(6)}`;
		body.type = event;
		body.createdAt = now.toISOString().replace('.000Z', 'Z');
		// BuzzBip documents the data of message.received only; the others carry their ids
		const [kind] = event.split('.');
		const contactId = `cnt_${hex(6)}`;
		const conversationId = `conv_${hex(6)}`;
		if (kind === 'message' && isPlainObject(body.data)) Object.assign(body.data, { messageId: `msg_${hex(6)}`, conversationId, contactId });
		else if (kind === 'conversation') body.data = { conversationId, contactId, channel: 'whatsapp' };
		else if (kind === 'contact') body.data = { contactId, channel: 'whatsapp', from: '+21612345678' };
		else body.data = { workflowId: `wf_${hex(6)}`, contactId };
	},
	apirtc: (body, event, now) => {
		const [object, action] = event.split('.');
		body.event = action;
		body.object = object;
		body.time = seconds(now);
		body.objectId = object === 'conversation' ? `${hex(4)}-${hex(2)}-${hex(2)}-${hex(2)}-${hex(6)}` : randomInt(1, 1_000_000);
	},
};

/** The provider's own documented example closest to the event (and channel) asked for. */
function template(definition: ProviderDefinition, event: string, channel?: string): Record<string, unknown> {
	const candidates = definition.examples.map((example) => example.body as Record<string, unknown>);
	const describedEvent = (body: Record<string, unknown>) => definition.describe(definition.schema.parse(body)).event;
	const sameEvent = candidates.filter((body) => describedEvent(body) === event);
	const [object] = event.split('.');
	const chosen =
		sameEvent.find((body) => channel === undefined || body.channel === channel) ??
		sameEvent[0] ??
		candidates.find((body) => body.object === object) ??
		candidates[0];
	return structuredClone(chosen);
}

/** Sets a dotted path, creating objects on the way; never through a prototype-changing key. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
	const parts = path.split('.');
	if (parts.some((part) => part === '' || DANGEROUS_KEYS.has(part))) throw new SampleError(`cannot set "${path}": empty or reserved key`);
	let node = target;
	for (const part of parts.slice(0, -1)) {
		if (!isPlainObject(node[part])) node[part] = {};
		node = node[part] as Record<string, unknown>;
	}
	node[parts[parts.length - 1]] = value;
}

/** A realistic body for a provider's event, with fresh ids and timestamps. */
export function buildSample(provider: string, event: string, options: SampleOptions = {}): Record<string, unknown> {
	const definition = getProvider(provider);
	const known = definition.events.map((e) => e.value);
	if (!known.includes(event)) throw new SampleError(`unknown ${definition.displayName} event "${event}". Known events: ${known.join(', ')}`);
	const channelFilter = definition.filters?.find((filter) => filter.parameter.name === 'channels');
	const channels = (channelFilter?.parameter.options ?? []).map((option) => (option as { value: string }).value);
	if (options.channel !== undefined && !channels.includes(options.channel)) {
		throw new SampleError(channels.length ? `unknown channel "${options.channel}". Known channels: ${channels.join(', ')}` : `${definition.displayName} events have no channel`);
	}
	const body = template(definition, event, options.channel);
	if (options.channel !== undefined) body.channel = options.channel;
	freshen[definition.provider]?.(body, event, options.now ?? new Date());
	for (const [path, value] of Object.entries(options.overrides ?? {})) setPath(body, path, value);
	return body;
}

/** Every provider with its events (and Chatzuri's channels), for `list`. */
export function catalogue() {
	return Object.values(PROVIDERS).map((definition) => ({
		provider: definition.provider,
		displayName: definition.displayName,
		authentication:
			definition.verification.type === 'hmac'
				? `${definition.verification.signatureHeader}: HMAC-${definition.verification.algorithm.toUpperCase()} (${definition.verification.encoding.join(' or ')})`
				: definition.verification.header
					? `${definition.verification.header} header`
					: `custom header (--header-name, default ${defaultHeaderName(definition.credential.name, definition.credential.headerName) ?? 'none'})`,
		events: definition.events.map((event) => ({ value: event.value, name: event.name })),
		channels: (definition.filters?.find((filter) => filter.parameter.name === 'channels')?.parameter.options ?? []).map((option) => (option as { value: string }).value),
	}));
}
