import { z } from 'zod/v4';

import { toIsoUtc } from '../shared/core/time';
import { isPlainObject } from '../shared/core/json';
import type { RegisteredProvider } from '../shared/definition';
import { integer } from '../shared/fields';

export const MESSAGE_TYPES: Record<number, string> = {
	1: 'page',
	2: 'post',
	3: 'comment',
	4: 'privateMessage',
	5: 'ad',
	6: 'systemMessage',
};

const newResult = z.looseObject({
	event: z.literal('newResult'),
	searchId: integer.describe('The identifier of the search profile'),
	uniqueId: integer.describe('The identifier of the message'),
	resultId: integer.describe('The identifier of the message, same as uniqueId'),
	personId: integer.describe('The person this conversation is about'),
	caseId: integer.describe('The case identifier inside the conversation'),
	handlerId: integer.describe('Identifier of the current case handler'),
	sourceId: integer.describe('The identifier of the channel used'),
	connectionId: integer.describe('The channel configured for the account'),
	typeId: integer.describe('1 page, 2 post, 3 comment, 4 private message, 5 ad, 6 system message'),
	own: integer.describe('0 customer, 1 agent'),
	timestamp: integer.describe('Unix timestamp of the event'),
});

const caseClosed = z.looseObject({
	event: z.literal('caseClosed'),
	searchId: integer.describe('The identifier of the search profile'),
	caseId: integer.describe('The case identifier inside the conversation'),
	externalCaseId: integer.nullable().describe('Case identifier for external systems, or null'),
	reasonId: integer.nullable().describe('Why the person started this case, or null'),
	personId: integer.describe('The person this conversation is about'),
	externalPersonId: z.union([z.literal(false), integer]).nullable().describe('Person identifier for external systems; false (none) becomes null'),
	agentId: integer.describe('The agent of the case'),
	resultId: integer.describe('The message that was used'),
	connectionId: integer.describe('The channel configured for the account'),
	timestamp: integer.describe('Unix timestamp of the event'),
});

const profileMerged = z.looseObject({
	event: z.literal('profileMerged'),
	oldPersonId: integer.describe('The personId before'),
	newPersonId: integer.describe('The personId now'),
	timestamp: integer.describe('Unix timestamp of the event'),
});

const tracebuzzEvent = z.discriminatedUnion('event', [newResult, caseClosed, profileMerged]);

/** The item's data: the body, plus readable names beside the codes. */
const tracebuzzData = z.discriminatedUnion('event', [
	newResult.extend({
		type: z.enum(['page', 'post', 'comment', 'privateMessage', 'ad', 'systemMessage', 'unknown']).describe('typeId as a name: page, post, comment, privateMessage, ad, systemMessage'),
		author: z.enum(['customer', 'agent', 'unknown']).describe('own as a name: customer (0) or agent (1)'),
	}),
	caseClosed.extend({ externalPersonId: integer.nullable().describe('Person identifier for external systems, or null') }),
	profileMerged,
]);
export type TracebuzzEvent = z.infer<typeof tracebuzzEvent>;

function normalize(body: TracebuzzEvent): Record<string, unknown> {
	if (body.event === 'newResult') {
		// Object.assign, not a spread with extra keys: V8 copies that one much slower
		return Object.assign({}, body, {
			type: MESSAGE_TYPES[body.typeId] ?? 'unknown',
			author: body.own === 1 ? 'agent' : body.own === 0 ? 'customer' : 'unknown',
		});
	}
	if (body.event === 'caseClosed') {
		return Object.assign({}, body, { externalPersonId: body.externalPersonId === false ? null : body.externalPersonId });
	}
	return { ...body };
}

export const tracebuzz: RegisteredProvider<TracebuzzEvent> = {
	provider: 'tracebuzz',
	displayName: 'Tracebuzz',
	nodeName: 'tracebuzzTrigger',
	icon: 'tracebuzz.svg',
	description: 'Starts the workflow when Tracebuzz sends a webhook event, after checking its custom header',
	setupHint:
		'In Tracebuzz, open Profile → Webhooks: paste this node\'s Production URL as the URL, pick the event types, and set Custom header name and Custom header content to the values of this credential. Tracebuzz calls the URL when you save there: publish the workflow first.',
	credential: {
		name: 'tracebuzzApi', secret: 'headerValue', previousSecret: 'previousHeaderValue', headerName: 'headerName',
		fields: {
			headerName: { displayName: 'Header Name', default: 'X-Webhook-Secret', description: 'In Tracebuzz, Profile → Webhooks → Custom header name. Any case is accepted.' },
			secret: { displayName: 'Header Value', description: 'The secret content of that header, the same in Tracebuzz and here. Use a long random value.' },
			previousSecret: { displayName: 'Previous Header Value', description: 'Optional. While you change the value in Tracebuzz, requests with this old value are accepted too. Empty it once the rotation is done.' },
		},
	},
	verification: { type: 'header', header: null },
	events: [
		{ name: 'New Message', value: 'newResult', description: 'A new customer message (and agent messages when own messages are included)' },
		{ name: 'Case Closed', value: 'caseClosed', description: 'An agent closed a case' },
		{ name: 'Profile Merged', value: 'profileMerged', description: 'A person\'s ID changed, e.g. from anonymous to registered' },
	],
	schema: tracebuzzEvent,
	dataSchema: tracebuzzData,
	describe: (body) => ({
		event: body.event,
		eventId: null,
		occurredAt: toIsoUtc(body.timestamp),
		data: normalize(body),
	}),
	filters: [
		{
			parameter: {
				displayName: 'Include Own (Agent) Messages',
				name: 'includeOwnMessages',
				type: 'boolean',
				default: false,
				description: 'Whether New Message events written by your own agents (own = 1) start the workflow too. Tracebuzz only sends them when "Include own message" is ticked there as well.',
			},
			accepts: (value, body) => value === true || body.event !== 'newResult' || body.own !== 1,
		},
	],
	// the call Tracebuzz makes when a webhook is saved: authenticated, with an empty body or a
	// JSON object that names no event (a body that does not parse is not a ping: it is kept)
	ping: (parsed) =>
		(parsed.ok ? isPlainObject(parsed.value) && parsed.value.event === undefined : parsed.reason === 'empty body') ? { status: 'ok', ping: true } : undefined,
	samples: {
		fresh: (body, event, source) => {
			body.event = event;
			body.timestamp = Math.floor(source.now.getTime() / 1000);
			if (event === 'newResult') {
				body.uniqueId = body.resultId = source.integer();
				body.caseId = source.integer();
			} else if (event === 'caseClosed') {
				body.caseId = source.integer();
				body.resultId = source.integer();
			} else {
				body.oldPersonId = source.integer();
				body.newPersonId = source.integer();
			}
		},
		text: { event: 'caseClosed', path: 'note' },
	},
	examples: [
		{
			title: 'New incoming message',
			body: { event: 'newResult', searchId: 11111, uniqueId: 11111, resultId: 11111, personId: 11111, caseId: 11111, handlerId: 0, sourceId: 14, connectionId: 111, typeId: 4, own: 0, timestamp: 1663831826 },
		},
		{
			title: 'Include own message',
			body: { event: 'newResult', searchId: 11111, uniqueId: 11111, resultId: 11111, personId: 11111, caseId: 11111, handlerId: 0, sourceId: 14, connectionId: 111, typeId: 4, own: 1, timestamp: 1663831826 },
		},
		{
			title: 'Case closed',
			body: { event: 'caseClosed', searchId: 11111, caseId: 11111111, externalCaseId: null, reasonId: 111111, personId: 11111111, externalPersonId: false, agentId: 1, resultId: 1111111, connectionId: 111, timestamp: 1663845416 },
		},
		{
			title: 'Changes in personID',
			body: { event: 'profileMerged', oldPersonId: 1, newPersonId: 1, timestamp: 1663845416 },
		},
	],
};
