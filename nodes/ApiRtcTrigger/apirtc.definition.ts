import { z } from 'zod/v4';

import { nestDottedKeys } from '../shared/core/json';
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
