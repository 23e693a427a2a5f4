import { z } from 'zod/v4';

import { isPlainObject } from '../shared/core/json';
import { toIsoUtc } from '../shared/core/time';
import type { RegisteredProvider } from '../shared/definition';

export const BUZZBIP_EVENTS = [
	{ name: 'Message Received', value: 'message.received', description: 'A contact sent an inbound message' },
	{ name: 'Message Sent', value: 'message.sent', description: 'An outbound message was delivered' },
	{ name: 'Message Failed', value: 'message.failed', description: 'An outbound message could not be delivered' },
	{ name: 'Conversation Opened', value: 'conversation.opened', description: 'A new conversation was opened' },
	{ name: 'Conversation Resolved', value: 'conversation.resolved', description: 'A conversation was marked as resolved' },
	{ name: 'Contact Created', value: 'contact.created', description: 'A new contact was added to Audience' },
	{ name: 'Contact Updated', value: 'contact.updated', description: 'A contact\'s fields or tags were updated' },
	{ name: 'Workflow Triggered', value: 'workflow.triggered', description: 'A BuzzBip workflow was triggered by API or automation' },
] as const;

type BuzzBipEventType = (typeof BUZZBIP_EVENTS)[number]['value'];
const eventTypes = BUZZBIP_EVENTS.map((event) => event.value) as [BuzzBipEventType, ...BuzzBipEventType[]];

/** BuzzBip documents the fields of message.received; the other events share the envelope. */
const eventData = z.looseObject({
	messageId: z.string().optional().describe('Message ID'),
	conversationId: z.string().optional().describe('Conversation ID'),
	contactId: z.string().optional().describe('Contact ID'),
	channel: z.string().optional().describe('Channel, e.g. whatsapp'),
	body: z.string().optional().describe('Message text'),
	from: z.string().optional().describe('Sender'),
});

const envelope = z.looseObject({
	id: z.string().min(1).describe('Event ID, the same on every retry'),
	type: z.enum(eventTypes).describe('Event type'),
	createdAt: z.string().refine((value) => toIsoUtc(value) !== null, 'not an ISO 8601 date').describe('When the event happened'),
	data: eventData.describe('The event\'s payload'),
});

export type BuzzBipEvent = z.infer<typeof envelope>;

export const buzzBip: RegisteredProvider<BuzzBipEvent> = {
	provider: 'buzzbip',
	displayName: 'BuzzBip',
	nodeName: 'buzzBipTrigger',
	icon: 'buzzbip.svg',
	description: 'Starts the workflow when BuzzBip sends a webhook event, after checking its X-BuzzBip-Signature',
	setupHint:
		'In your BuzzBip workspace, open Settings → Developer → Webhooks → Add Webhook: paste this node\'s Production URL, select the events, save, and copy the signing secret into this credential.',
	credential: {
		name: 'buzzBipApi', secret: 'signingSecret', previousSecret: 'previousSigningSecret',
		fields: {
			secret: { displayName: 'Signing Secret', description: 'Shown by BuzzBip when you save a webhook (Settings → Developer → Webhooks). BuzzBip signs every request with it (HMAC-SHA256 in the X-BuzzBip-Signature header).' },
			previousSecret: { displayName: 'Previous Signing Secret', description: 'Optional. While you roll the secret in BuzzBip, requests signed with this old secret are accepted too. Empty it once the rotation is done.' },
		},
	},
	verification: {
		type: 'hmac',
		algorithm: 'sha256',
		signatureHeader: 'X-BuzzBip-Signature',
		// BuzzBip does not document the encoding: hex and base64 are both accepted
		encoding: ['hex', 'base64'],
		prefix: 'sha256=',
		signedPayload: 'rawBody',
	},
	events: [...BUZZBIP_EVENTS],
	schema: envelope,
	dataSchema: eventData,
	describe: (body) => ({
		event: body.type,
		eventId: body.id,
		occurredAt: toIsoUtc(body.createdAt),
		data: { ...body.data },
	}),
	samples: {
		fresh: (body, event, source) => {
			body.id = `evt_${source.token(12)}`;
			body.type = event;
			body.createdAt = source.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
			// BuzzBip documents the data of message.received only; the others carry their ids
			const [kind] = event.split('.');
			const contactId = `cnt_${source.token(12)}`;
			const conversationId = `conv_${source.token(12)}`;
			if (kind === 'message' && isPlainObject(body.data)) Object.assign(body.data, { messageId: `msg_${source.token(12)}`, conversationId, contactId });
			else if (kind === 'conversation') body.data = { conversationId, contactId, channel: 'whatsapp' };
			else if (kind === 'contact') body.data = { contactId, channel: 'whatsapp', from: '+21612345678' };
			else body.data = { workflowId: `wf_${source.token(12)}`, contactId };
		},
		text: { event: 'message.received', path: 'data.body' },
	},
	examples: [
		{
			title: 'Message received',
			body: {
				id: 'evt_7f3a9b2c',
				type: 'message.received',
				createdAt: '2026-06-01T14:32:00Z',
				data: { messageId: 'msg_abc123', conversationId: 'conv_xyz789', contactId: 'cnt_def456', channel: 'whatsapp', body: 'Hello, I need help with my order', from: '+21612345678' },
			},
		},
	],
};
