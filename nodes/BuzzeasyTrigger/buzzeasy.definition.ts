import { z } from 'zod/v4';

import { toIsoUtc } from '../shared/core/time';
import type { RegisteredProvider } from '../shared/definition';

/** Buzzeasy's "Work item schema" (draft-07); extra fields are kept rather than refused. */
const workItem = z.looseObject({
	id: z.string().min(1).describe('Unique identifier of the work item'),
	mediaType: z.string().describe('Voice | Email | Webchat | Messaging | Lookup'),
	isOutbound: z.boolean().describe('Whether the work item was outbound'),
	createdAt: z.string().describe('Work item creation time, UTC ISO 8601 (7 fractional digits)'),
	closedAt: z.string().nullable().describe('Work item close time, UTC ISO 8601'),
	agent: z
		.looseObject({
			id: z.string().describe('Unique identifier of the agent'),
			name: z.string().nullish().describe('Agent name'),
			email: z.string().nullish().describe('Agent mail address'),
			phone: z.string().nullish().describe('Agent phone number'),
		})
		.describe('The agent who handled the work item'),
	customerIdentifier: z.string().nullish().describe('Phone number or email address of the customer'),
	customerId: z.string().nullish().describe('Unique identifier of the customer in Buzzeasy'),
	primaryConversationId: z.string().nullish().describe('The conversation which triggered the work item'),
	completionCode: z.string().nullish().describe('Result code selected by the agent'),
	notes: z.string().nullish().describe('Notes provided by the agent'),
	result: z.string().describe('Handled | Abandoned | Missed | Failed | Cancelled | Rejected'),
});

export type BuzzeasyWorkItem = z.infer<typeof workItem>;

export const buzzeasy: RegisteredProvider<BuzzeasyWorkItem> = {
	provider: 'buzzeasy',
	displayName: 'Buzzeasy',
	nodeName: 'buzzeasyTrigger',
	icon: 'buzzeasy.svg',
	description: 'Starts the workflow when Buzzeasy sends a work item, after checking its x-api-key header',
	setupHint:
		'In the Buzzeasy portal, open Integration → Service Hooks: enter the same API key as in this credential, paste this node\'s Production URL as the callback URL of each event you want, and switch the event on.',
	credential: {
		name: 'buzzeasyApi', secret: 'apiKey', previousSecret: 'previousApiKey',
		fields: {
			secret: { displayName: 'API Key', description: 'A secret you choose, entered in the Buzzeasy portal under Integration → Service Hooks. Buzzeasy sends it in the x-api-key header of every callback.' },
			previousSecret: { displayName: 'Previous API Key', description: 'Optional. While you change the key in Buzzeasy, requests with this old key are accepted too. Empty it once the rotation is done.' },
		},
	},
	verification: { type: 'header', header: 'x-api-key' },
	events: [
		{
			name: 'Work Item',
			value: 'workItem',
			description: 'A work item (call, email, chat, message) as Buzzeasy sends it to a service hook',
		},
	],
	schema: workItem,
	dataSchema: workItem,
	describe: (body) => ({
		event: 'workItem',
		// the payload's id names the work item, not the delivery: one work item can be sent for
		// several service-hook events, so the body's hash is the delivery key
		eventId: null,
		occurredAt: toIsoUtc(body.closedAt) ?? toIsoUtc(body.createdAt),
		data: { ...body },
	}),
	samples: {
		fresh: (body, _event, source) => {
			// Buzzeasy writes seven fractional digits
			const time = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(source.integer() % 10_000).padStart(4, '0')}Z`);
			body.id = source.token(32);
			body.createdAt = time(new Date(source.now.getTime() - 120_000));
			body.closedAt = time(source.now);
			body.customerId = source.token(32);
			body.primaryConversationId = source.token(32);
		},
		text: { event: 'workItem', path: 'notes' },
	},
	examples: [
		{
			title: 'Work item',
			body: {
				id: 'ff34b1fb68cd4f7f9921e70c08fab7a7',
				mediaType: 'Webchat',
				isOutbound: true,
				createdAt: '2022-03-08T07:39:47.6052457Z',
				closedAt: '2022-03-08T07:41:47.6052457Z',
				agent: { id: '638858857ff57ad8637a7528', name: 'Agent John', email: 'john@agent.com', phone: '+123456789' },
				customerIdentifier: '+123456789',
				customerId: '6d820576a3864160a715312b4e9ac376',
				primaryConversationId: '48fad19d15104c8fbd7344853f35019e',
				completionCode: 'Success',
				notes: 'Job well done',
				result: 'Handled',
			},
		},
	],
};
