import { z } from 'zod/v4';

import { DANGEROUS_KEYS } from '../shared/core/json';
import { toIsoUtc } from '../shared/core/time';
import type { RegisteredProvider } from '../shared/definition';
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
 * Sets an own, enumerable, writable property. A plain assignment does exactly that when nothing of
 * that name is on the object or its prototype (the common case, and ~5x cheaper); otherwise
 * (`toString`, a key set before) defineProperty, so that no inherited setter or read-only
 * property is involved. Here, not imported: a call into another module costs a lookup per key.
 */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
	if (key in target) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
	else target[key] = value;
}

const hasOwn = (target: object, key: string) => Object.prototype.hasOwnProperty.call(target, key);

/**
 * The parts of a key that can be nested: at least two, at most MAX_DOTTED_PARTS, none empty and
 * none prototype-reaching; else undefined.
 */
function nestablePath(key: string): string[] | undefined {
	const path = key.split('.');
	if (path.length > MAX_DOTTED_PARTS) return undefined;
	for (let j = 0; j < path.length; j++) {
		const part = path[j];
		if (part === '' || ((part.length === 9 || part.length === 11) && DANGEROUS_KEYS.has(part))) return undefined;
	}
	return path;
}

/**
 * Whether another key of `source` names a place on the path of `key` (`geoloc` for `geoloc.lat`,
 * `a.b` for `a.b.c`) or extends it (`inner`: the dotted places on the paths of the keys of three
 * parts or more).
 */
function collides(source: Record<string, unknown>, key: string, path: string[], inner: Set<string> | undefined): boolean {
	if (inner !== undefined && inner.has(key)) return true;
	let place = path[0];
	if (hasOwn(source, place)) return true;
	for (let j = 1; j < path.length - 1; j++) {
		place = `${place}.${path[j]}`;
		if (hasOwn(source, place)) return true;
	}
	return false;
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
	const out: Record<string, unknown> = {};
	// the keys before the first one that can be nested are copied as they come (all of them, in
	// the common case of no dotted key); from it on, each key's path is read first
	let first = 0;
	let paths: Array<string[] | undefined> | undefined;
	let longest = 0;
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		const path = key.indexOf('.') === -1 ? undefined : nestablePath(key);
		if (path === undefined) {
			if (paths === undefined) put(out, key, source[key]);
			continue;
		}
		if (paths === undefined) {
			paths = new Array<string[] | undefined>(keys.length);
			first = i;
		}
		paths[i] = path;
		if (path.length > longest) longest = path.length;
	}
	if (paths === undefined) return out;
	// only a key of three parts or more can extend a dotted key (`a.b.c` extends `a.b`)
	let inner: Set<string> | undefined;
	if (longest > 2) {
		inner = new Set<string>();
		for (const path of paths) {
			if (path === undefined || path.length < 3) continue;
			let place = path[0];
			for (let j = 1; j < path.length - 1; j++) inner.add((place = `${place}.${path[j]}`));
		}
	}
	for (let i = first; i < keys.length; i++) {
		const key = keys[i];
		const path = paths[i];
		if (path === undefined || collides(source, key, path, inner)) {
			put(out, key, source[key]);
			continue;
		}
		// every place on the path is free or an object made here: no other key names one
		let target = out;
		for (let j = 0; j < path.length - 1; j++) {
			const part = path[j];
			if (!hasOwn(target, part)) put(target, part, {});
			target = target[part] as Record<string, unknown>;
		}
		put(target, path[path.length - 1], source[key]);
	}
	return out;
}

export const apiRtc: RegisteredProvider<ApiRtcEvent> = {
	provider: 'apirtc',
	displayName: 'ApiRTC',
	nodeName: 'apiRtcTrigger',
	icon: 'apirtc.svg',
	description: 'Starts the workflow when ApiRTC (Apizee) sends a ticket, media or conversation event, after checking a custom header',
	setupHint:
		'In the ApiRTC Console, open Company → Company account → Settings → WebHooks: paste this node\'s Production URL, add an HTTP header with the name and value of this credential, and tick Activate.',
	credential: {
		name: 'apiRtcApi', secret: 'headerValue', previousSecret: 'previousHeaderValue', headerName: 'headerName',
		fields: {
			headerName: { displayName: 'Header Name', default: 'X-Webhook-Secret', description: 'In the ApiRTC Console, Company → Company account → Settings → WebHooks, the name of the HTTP header you add. Any case is accepted.' },
			secret: { displayName: 'Header Value', description: 'The secret content of that header, the same in ApiRTC and here. Use a long random value.' },
			previousSecret: { displayName: 'Previous Header Value', description: 'Optional. While you change the value in ApiRTC, requests with this old value are accepted too. Empty it once the rotation is done.' },
		},
	},
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
	samples: {
		fresh: (body, event, source) => {
			const [object, action] = event.split('.');
			body.event = action;
			body.object = object;
			body.time = Math.floor(source.now.getTime() / 1000);
			// conversations have a public UID (8-4-4-4-12), tickets and media an integer
			body.objectId = object === 'conversation' ? source.token(32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-') : source.integer();
		},
		text: { event: 'ticket.update', path: 'props.comment' },
	},
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
