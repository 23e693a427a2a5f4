import { z } from 'zod/v4';

import { DANGEROUS_KEYS, hasOwn, setOwn } from '../shared/core/json';
import { toIsoUtc } from '../shared/core/time';
import type { ProviderDefinition } from '../shared/definition';
import { integer, numeric } from '../shared/fields';

export const OBJECTS = ['ticket', 'media', 'conversation'] as const;
export const ACTIONS = ['create', 'update', 'delete'] as const;
export const TICKET_STATES = ['new', 'open', 'opened', 'invited', 'inprogress', 'updated', 'expired', 'declined', 'rejected', 'done', 'closed'] as const;
export const MEDIA_STATES = ['inprogress', 'uncompleted', 'completed', 'error'] as const;

const objectNames: Record<(typeof OBJECTS)[number], string> = { ticket: 'Ticket', media: 'Media', conversation: 'Conversation' };
const actionNames: Record<(typeof ACTIONS)[number], string> = { create: 'Created', update: 'Updated', delete: 'Deleted' };

/** Documented props; ApiRTC sends nested ones with dotted names (`geoloc.lat`). */
const props = z.looseObject({
	state: z.string().optional().describe('Last recorded state (tickets and media)'),
	'geoloc.lat': numeric.optional().describe('Last recorded latitude (tickets)'),
	'geoloc.lng': numeric.optional().describe('Last recorded longitude (tickets)'),
	'_parent.name': z.string().optional().describe('Parent object: ticket, conference or conversation (media)'),
	'_parent.id': integer.optional().describe('Parent object ID (media)'),
	eventType: z.string().optional().describe('conversationEnded (conversations)'),
	name: z.string().optional().describe('Name of the conversation'),
	finishedAt: z.string().optional().describe('End date of the conversation'),
});

const apiRtcEvent = z.looseObject({
	event: z.enum(ACTIONS).describe('create, update or delete'),
	time: integer.describe('Unix timestamp of the event'),
	object: z.enum(OBJECTS).describe('ticket, media or conversation'),
	objectId: z.union([integer, z.string().min(1)]).describe('Integer for tickets and media, public UID for conversations'),
	props: props.optional().describe('Properties of the object'),
});

export type ApiRtcEvent = z.infer<typeof apiRtcEvent>;

/** The item's data: the body, with dotted props as nested objects. */
const apiRtcData = apiRtcEvent.extend({
	props: z
		.looseObject({
			state: z.string().optional().describe('Last recorded state (tickets and media)'),
			geoloc: z.object({ lat: z.number().optional().describe('Last recorded latitude'), lng: z.number().optional().describe('Last recorded longitude') }).optional().describe('Last recorded position (tickets)'),
			_parent: z.object({ name: z.string().optional().describe('ticket, conference or conversation'), id: z.number().int().optional().describe('Parent object ID') }).optional().describe('Parent object (media)'),
			eventType: z.string().optional().describe('conversationEnded (conversations)'),
			name: z.string().optional().describe('Name of the conversation'),
			finishedAt: z.string().optional().describe('End date of the conversation'),
		})
		.describe('Properties of the object, dotted names nested'),
});

/**
 * A dotted key of more parts than this stays as it came: nesting it would nest the item as deeply
 * (a 10 KB key of 5,000 parts would be 5,000 levels, past what n8n can show).
 */
export const MAX_DOTTED_PARTS = 32;

/**
 * Where the dots of `key` are, when it can be nested: at least one dot, at most
 * MAX_DOTTED_PARTS parts, none empty and none prototype-reaching; else undefined.
 */
function dotsOf(key: string): number[] | undefined {
	let dot = key.indexOf('.');
	if (dot === -1) return undefined;
	const dots: number[] = [];
	let start = 0;
	while (dot !== -1) {
		if (dot === start || dots.length >= MAX_DOTTED_PARTS - 1 || DANGEROUS_KEYS.has(key.slice(start, dot))) return undefined;
		dots.push(dot);
		start = dot + 1;
		dot = key.indexOf('.', start);
	}
	if (start === key.length || DANGEROUS_KEYS.has(key.slice(start))) return undefined;
	return dots;
}

/**
 * `{"geoloc.lat": 1, "geoloc.lng": 2}` → `{geoloc: {lat: 1, lng: 2}}`. Nothing is dropped, whatever
 * the keys and their order: a dotted key stays as it came, beside the others, when another key
 * names a place on its path (`geoloc` beside `geoloc.lat`, `a.b` beside `a.b.c`: both stay) or
 * extends it, or when it has an empty or prototype-reaching part or more than MAX_DOTTED_PARTS
 * parts. Which keys are nested depends only on the set of keys, never on their order; the
 * source and its values are never changed.
 */
export function nestDottedKeys(source: Record<string, unknown>): Record<string, unknown> {
	const keys = Object.keys(source);
	// first, each key's dots, and every place on the path of a key that can be nested
	let dotted: Array<number[] | undefined> | undefined;
	let inner: Set<string> | undefined;
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		if (key.indexOf('.') === -1) continue;
		const dots = dotsOf(key);
		if (dots === undefined) continue;
		dotted ??= new Array<number[] | undefined>(keys.length);
		dotted[i] = dots;
		inner ??= new Set<string>();
		for (const dot of dots) inner.add(key.slice(0, dot));
	}
	const out: Record<string, unknown> = {};
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		const value = source[key];
		const dots = dotted?.[i];
		if (dots === undefined || inner!.has(key) || dots.some((dot) => hasOwn(source, key.slice(0, dot)))) {
			setOwn(out, key, value);
			continue;
		}
		// every place on the path is free or an object made here: no other key names one
		let target = out;
		let start = 0;
		for (const dot of dots) {
			const part = key.slice(start, dot);
			if (!hasOwn(target, part)) setOwn(target, part, {});
			target = target[part] as Record<string, unknown>;
			start = dot + 1;
		}
		setOwn(target, key.slice(start), value);
	}
	return out;
}

export const apiRtc: ProviderDefinition<ApiRtcEvent> = {
	provider: 'apirtc',
	displayName: 'ApiRTC',
	nodeName: 'apiRtcTrigger',
	icon: 'apirtc.svg',
	description: 'Starts the workflow when ApiRTC (Apizee) sends a ticket, media or conversation event, after checking a custom header',
	setupHint:
		'In the ApiRTC Console, open Company → Company account → Settings → WebHooks: paste this node\'s Production URL, add an HTTP header with the name and value of this credential, and tick Activate.',
	credential: { name: 'apiRtcApi', secret: 'headerValue', previousSecret: 'previousHeaderValue', headerName: 'headerName' },
	verification: { type: 'header', header: null },
	defaultHeaders: { 'User-Agent': 'Cloud Apizee' },
	events: OBJECTS.flatMap((object) =>
		ACTIONS.map((action) => ({
			name: `${objectNames[object]} ${actionNames[action]}`,
			value: `${object}.${action}`,
			description: `A ${object} was ${actionNames[action].toLowerCase()}`,
		})),
	),
	schema: apiRtcEvent,
	dataSchema: apiRtcData,
	describe: (body) => ({
		event: `${body.object}.${body.event}`,
		eventId: null,
		occurredAt: toIsoUtc(body.time),
		data: { ...body, props: nestDottedKeys(body.props ?? {}) },
	}),
	filters: [
		{
			parameter: {
				displayName: 'Objects',
				name: 'objects',
				type: 'multiOptions',
				options: OBJECTS.map((value) => ({ name: objectNames[value], value })),
				default: [],
				description: 'Only events about these objects start the workflow. None selected: every object.',
			},
			accepts: (value, body) => !Array.isArray(value) || value.length === 0 || value.includes(body.object),
		},
		{
			parameter: {
				displayName: 'States',
				name: 'states',
				type: 'multiOptions',
				options: [...new Set([...TICKET_STATES, ...MEDIA_STATES])].map((value) => ({ name: value, value })),
				default: [],
				description: 'Only events whose object is in one of these states start the workflow (ticket and media states). None selected: any state, and events without one.',
			},
			accepts: (value, body) =>
				!Array.isArray(value) || value.length === 0 || (typeof body.props?.state === 'string' && value.includes(body.props.state)),
		},
	],
	examples: [
		{ title: 'Ticket updated', body: { event: 'update', time: 1575976413, object: 'ticket', objectId: 100, props: { state: 'invited' } } },
		{
			title: 'Conversation ended',
			body: { event: 'update', time: 1632144306, object: 'conversation', objectId: '734e3a7b-eb17-4d3f-901d-bcff178b', props: { eventType: 'conversationEnded', name: 'TEST', finishedAt: '2021-09-20T13:25:06+00:00' } },
		},
		{ title: 'Ticket with location', body: { event: 'update', time: 1575976500, object: 'ticket', objectId: 100, props: { state: 'inprogress', 'geoloc.lat': 47.866675, 'geoloc.lng': -3.865805 } } },
		{ title: 'Media completed', body: { event: 'update', time: 1575977000, object: 'media', objectId: 2001, props: { state: 'completed', '_parent.name': 'ticket', '_parent.id': 100 } } },
	],
};
