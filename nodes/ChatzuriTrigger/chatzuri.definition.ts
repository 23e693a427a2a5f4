import { z } from 'zod/v4';

import { isPlainObject } from '../shared/core/json';
import type { RegisteredProvider } from '../shared/definition';
import { integer } from '../shared/fields';

export const CHANNELS = ['whatsapp', 'telegram', 'facebook', 'instagram', 'email', 'web'] as const;

const message = z.string().describe('The text the user sent');
const conversationId = z.string().describe('Chatzuri conversation ID');

const channelPayloads = {
	whatsapp: { from: z.string().describe('Sender phone number'), message, conversationId },
	telegram: {
		chatId: integer.describe('Telegram chat ID'),
		username: z.string().nullish().describe('Telegram username'),
		message,
		conversationId,
	},
	facebook: { senderId: z.string().describe('Facebook sender ID'), pageId: z.string().describe('Facebook Page ID'), message, conversationId },
	instagram: { senderId: z.string().describe('Instagram sender ID'), message, conversationId },
	email: { from: z.string().describe('Sender address'), subject: z.string().nullish().describe('Email subject'), message, conversationId },
	web: {
		sessionId: z.string().describe('Chat widget session ID'),
		message,
		conversationId,
		pageUrl: z.string().nullish().describe('Page the visitor wrote from'),
	},
} as const;

const agentId = z.string().describe('Agent ID');

/** One message.received variant per channel, its payload as that channel delivers it. */
function channelMessage<C extends (typeof CHANNELS)[number]>(channel: C) {
	return z.looseObject({
		eventType: z.literal('message.received'),
		channel: z.literal(channel),
		agentId,
		payload: z.looseObject(channelPayloads[channel]).describe(`The message, as the ${channel} channel delivers it`),
	});
}

const messageReceived = z.discriminatedUnion('channel', [
	channelMessage('whatsapp'),
	channelMessage('telegram'),
	channelMessage('facebook'),
	channelMessage('instagram'),
	channelMessage('email'),
	channelMessage('web'),
]);

const leadSubmit = z.looseObject({
	eventType: z.literal('lead.submit'),
	agentId,
	channel: z.enum(CHANNELS).optional(),
	payload: z
		.looseObject({
		conversationId,
		customerEmail: z.string().nullish().describe('Email the customer gave'),
		customerName: z.string().nullish().describe('Name the customer gave'),
		customerPhone: z.string().nullish().describe('Phone number the customer gave'),
	})
		.describe('What the customer submitted'),
});

const chatzuriEvent = z.discriminatedUnion('eventType', [leadSubmit, messageReceived]);

export type ChatzuriEvent = z.infer<typeof chatzuriEvent>;

/**
 * The events a user can pick: one per value of the schema's discriminator (`eventType`), which the
 * type makes exhaustive: an event added to the schema without its words here does not compile.
 */
const EVENT_NAMES: Record<ChatzuriEvent['eventType'], { name: string; description: string }> = {
	'lead.submit': { name: 'Lead Submitted', description: 'A customer gave their name, email and phone to your agent' },
	'message.received': { name: 'Message Received', description: 'A user sent a message on a channel connected to the agent' },
};

const channelNames: Record<(typeof CHANNELS)[number], string> = {
	whatsapp: 'WhatsApp',
	telegram: 'Telegram',
	facebook: 'Facebook',
	instagram: 'Instagram',
	email: 'Email',
	web: 'Web Chat',
};

export const chatzuri: RegisteredProvider<ChatzuriEvent> = {
	provider: 'chatzuri',
	displayName: 'Chatzuri',
	nodeName: 'chatzuriTrigger',
	icon: 'chatzuri.svg',
	description: 'Starts the workflow when a Chatzuri agent sends a webhook event, after checking its x-chatzuri-signature',
	setupHint:
		'In Chatzuri, open your agent\'s webhook settings: paste this node\'s Production URL as the webhook URL and copy the secret key into this credential.',
	credential: {
		name: 'chatzuriApi', secret: 'secretKey', previousSecret: 'previousSecretKey',
		fields: {
			secret: { displayName: 'Secret Key', description: 'The secret key of your Chatzuri agent\'s webhook. Chatzuri signs every request with it (HMAC-SHA1 in the x-chatzuri-signature header).' },
			previousSecret: { displayName: 'Previous Secret Key', description: 'Optional. While you change the key in Chatzuri, requests signed with this old key are accepted too. Empty it once the rotation is done.' },
		},
	},
	verification: {
		type: 'hmac',
		algorithm: 'sha1',
		signatureHeader: 'x-chatzuri-signature',
		encoding: ['hex'],
		prefix: 'sha1=',
		signedPayload: 'rawBodyOrReserialized',
	},
	events: Object.entries(EVENT_NAMES).map(([value, { name, description }]) => ({ name, value, description })),
	schema: chatzuriEvent,
	dataSchema: chatzuriEvent,
	describe: (body) => ({ event: body.eventType, eventId: null, occurredAt: null, data: { ...body } }),
	filters: [
		{
			parameter: {
				displayName: 'Channels',
				name: 'channels',
				type: 'multiOptions',
				options: CHANNELS.map((value) => ({ name: channelNames[value], value })),
				default: [],
				description: 'Only events from these channels start the workflow. None selected: every channel. Events without a channel (leads) always pass.',
			},
			accepts: (value, body) => !Array.isArray(value) || value.length === 0 || body.channel === undefined || value.includes(body.channel),
		},
	],
	acknowledgement: { status: 'accepted' },
	samples: {
		fresh: (body, _event, source) => {
			if (isPlainObject(body.payload)) body.payload.conversationId = `conv_${source.token(12)}`;
		},
		text: { event: 'message.received', path: 'payload.message' },
		variants: { name: 'channel', path: 'channel', events: ['message.received'], values: CHANNELS },
	},
	examples: [
		{
			title: 'Lead submitted',
			body: { eventType: 'lead.submit', agentId: 'agent_abc123', payload: { conversationId: 'conv_xyz', customerEmail: 'jane@example.com', customerName: 'Jane Doe', customerPhone: '+1234567890' } },
		},
		{
			title: 'WhatsApp message',
			body: { eventType: 'message.received', channel: 'whatsapp', agentId: 'agent_abc123', payload: { from: '+1234567890', message: 'Hello, I need help with my order', conversationId: 'conv_xyz' } },
		},
		{
			title: 'Telegram message',
			body: { eventType: 'message.received', channel: 'telegram', agentId: 'agent_abc123', payload: { chatId: 123456789, username: 'john_doe', message: 'What are your opening hours?', conversationId: 'conv_xyz' } },
		},
		{
			title: 'Facebook message',
			body: { eventType: 'message.received', channel: 'facebook', agentId: 'agent_abc123', payload: { senderId: 'fb_user_123', pageId: 'fb_page_456', message: 'Is this product still available?', conversationId: 'conv_xyz' } },
		},
		{
			title: 'Instagram message',
			body: { eventType: 'message.received', channel: 'instagram', agentId: 'agent_abc123', payload: { senderId: 'ig_user_789', message: 'Do you ship internationally?', conversationId: 'conv_xyz' } },
		},
		{
			title: 'Email message',
			body: { eventType: 'message.received', channel: 'email', agentId: 'agent_abc123', payload: { from: 'customer@example.com', subject: 'Order inquiry', message: 'I placed an order yesterday and have not received a confirmation.', conversationId: 'conv_xyz' } },
		},
		{
			title: 'Web chat message',
			body: { eventType: 'message.received', channel: 'web', agentId: 'agent_abc123', payload: { sessionId: 'session_abc', message: 'Hi, I need help!', conversationId: 'conv_xyz', pageUrl: 'https://yoursite.com/pricing' } },
		},
	],
};
