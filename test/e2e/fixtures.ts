/**
 * What the end-to-end suite sends: every example payload of the provider documents in
 * /work/shared/seeds (see its README), transcribed here as the providers publish them, with the item
 * each must become. Kept apart from the nodes' own `examples` on purpose: a mistake copied into a
 * provider definition must not also be the yardstick it is measured with.
 */

export type ProviderId = 'buzzeasy' | 'tracebuzz' | 'chatzuri' | 'buzzbip' | 'apirtc';

export interface SeedExample {
	title: string;
	body: Record<string, unknown>;
	/** What the first-output item must say (fields not listed are only checked for shape). */
	expect: { event: string; eventId?: string | null; occurredAt?: string | null; data?: Record<string, unknown> };
}

export interface ProviderFixture {
	provider: ProviderId;
	nodeType: string;
	displayName: string;
	credentialType: string;
	/** Credential data for n8n (field names from SPEC.md). */
	credential: Record<string, string>;
	/** The secret a genuine sender uses, and the previous one (rotation). */
	secret: { secret: string; headerName?: string };
	previousSecret: { secret: string; headerName?: string };
	/** Whether the scheme signs the body (HMAC): only then can a tampered body be detected. */
	signsBody: boolean;
	/** Node parameters of the end-to-end workflow. */
	parameters: Record<string, unknown>;
	examples: SeedExample[];
	/** A body that is no event of this provider, but that it would authenticate. */
	unrecognized: Record<string, unknown>;
	/** A fresh valid delivery with a unique key, for the duplicate and rejection tests. */
	uniqueDelivery(tag: string): Record<string, unknown>;
}

const TAG_NUMBER = (tag: string) => 100000 + (parseInt(tag.replace(/\D/g, '').slice(-6) || '0', 10) % 800000);

export const FIXTURES: ProviderFixture[] = [
	{
		provider: 'buzzeasy',
		nodeType: 'n8n-nodes-verified-webhooks.buzzeasyTrigger',
		displayName: 'Buzzeasy',
		credentialType: 'buzzeasyApi',
		credential: { apiKey: 'e2e-buzzeasy-key-current', previousApiKey: 'e2e-buzzeasy-key-previous' },
		secret: { secret: 'e2e-buzzeasy-key-current' },
		previousSecret: { secret: 'e2e-buzzeasy-key-previous' },
		signsBody: false,
		parameters: {},
		examples: [
			{
				title: 'Work item (schema example)',
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
				expect: { event: 'workItem', data: { id: 'ff34b1fb68cd4f7f9921e70c08fab7a7', mediaType: 'Webchat', isOutbound: true, result: 'Handled' } },
			},
		],
		unrecognized: { hello: 'not a work item' },
		uniqueDelivery: (tag) => ({
			id: `e2e${tag}`.padEnd(32, '0').slice(0, 32),
			mediaType: 'Voice',
			isOutbound: false,
			createdAt: '2026-06-01T10:00:00.0000000Z',
			closedAt: '2026-06-01T10:05:00.0000000Z',
			agent: { id: 'agent-e2e', name: 'Agent E2E', email: 'e2e@agent.test', phone: '+10000000000' },
			result: `Handled ${tag}`,
		}),
	},
	{
		provider: 'tracebuzz',
		nodeType: 'n8n-nodes-verified-webhooks.tracebuzzTrigger',
		displayName: 'Tracebuzz',
		credentialType: 'tracebuzzApi',
		credential: { headerName: 'X-Tracebuzz-Token', headerValue: 'e2e-tracebuzz-current', previousHeaderValue: 'e2e-tracebuzz-previous' },
		secret: { secret: 'e2e-tracebuzz-current', headerName: 'X-Tracebuzz-Token' },
		previousSecret: { secret: 'e2e-tracebuzz-previous', headerName: 'X-Tracebuzz-Token' },
		signsBody: false,
		// The own-message example only starts a workflow with "include own (agent) messages" on.
		parameters: { includeOwnMessages: true },
		examples: [
			{
				title: 'New incoming message',
				body: { event: 'newResult', searchId: 11111, uniqueId: 11111, resultId: 11111, personId: 11111, caseId: 11111, handlerId: 0, sourceId: 14, connectionId: 111, typeId: 4, own: 0, timestamp: 1663831826 },
				expect: { event: 'newResult', occurredAt: '2022-09-22T07:30:26.000Z', data: { typeId: 4, type: 'privateMessage', own: 0, author: 'customer', uniqueId: 11111 } },
			},
			{
				title: 'Include own message',
				body: { event: 'newResult', searchId: 11111, uniqueId: 11111, resultId: 11111, personId: 11111, caseId: 11111, handlerId: 0, sourceId: 14, connectionId: 111, typeId: 4, own: 1, timestamp: 1663831826 },
				expect: { event: 'newResult', occurredAt: '2022-09-22T07:30:26.000Z', data: { own: 1, author: 'agent', type: 'privateMessage' } },
			},
			{
				title: 'Case closed',
				body: { event: 'caseClosed', searchId: 11111, caseId: 11111111, externalCaseId: null, reasonId: 111111, personId: 11111111, externalPersonId: false, agentId: 1, resultId: 1111111, connectionId: 111, timestamp: 1663845416 },
				expect: { event: 'caseClosed', occurredAt: '2022-09-22T11:16:56.000Z', data: { caseId: 11111111, externalCaseId: null, externalPersonId: null } },
			},
			{
				title: 'Changes in personID',
				body: { event: 'profileMerged', oldPersonId: 1, newPersonId: 1, timestamp: 1663845416 },
				expect: { event: 'profileMerged', occurredAt: '2022-09-22T11:16:56.000Z', data: { oldPersonId: 1, newPersonId: 1 } },
			},
		],
		unrecognized: { event: 'somethingNew', foo: 1 },
		uniqueDelivery: (tag) => ({ event: 'caseClosed', searchId: 22222, caseId: TAG_NUMBER(tag), externalCaseId: null, reasonId: 1, personId: 7, externalPersonId: false, agentId: 1, resultId: TAG_NUMBER(tag), connectionId: 111, timestamp: 1780000000 }),
	},
	{
		provider: 'chatzuri',
		nodeType: 'n8n-nodes-verified-webhooks.chatzuriTrigger',
		displayName: 'Chatzuri',
		credentialType: 'chatzuriApi',
		credential: { secretKey: 'e2e-chatzuri-current', previousSecretKey: 'e2e-chatzuri-previous' },
		secret: { secret: 'e2e-chatzuri-current' },
		previousSecret: { secret: 'e2e-chatzuri-previous' },
		signsBody: true,
		parameters: {},
		examples: [
			{
				title: 'Lead submitted (lead.submit; the document shows the payload with its types)',
				body: { eventType: 'lead.submit', agentId: 'agent_abc123', payload: { conversationId: 'string', customerEmail: 'string', customerName: 'string', customerPhone: 'string' } },
				expect: { event: 'lead.submit', data: { agentId: 'agent_abc123' } },
			},
			...(
				[
					['WhatsApp', { eventType: 'message.received', channel: 'whatsapp', agentId: 'agent_abc123', payload: { from: '+1234567890', message: 'Hello, I need help with my order', conversationId: 'conv_xyz' } }],
					['Telegram', { eventType: 'message.received', channel: 'telegram', agentId: 'agent_abc123', payload: { chatId: 123456789, username: 'john_doe', message: 'What are your opening hours?', conversationId: 'conv_xyz' } }],
					['Facebook', { eventType: 'message.received', channel: 'facebook', agentId: 'agent_abc123', payload: { senderId: 'fb_user_123', pageId: 'fb_page_456', message: 'Is this product still available?', conversationId: 'conv_xyz' } }],
					['Instagram', { eventType: 'message.received', channel: 'instagram', agentId: 'agent_abc123', payload: { senderId: 'ig_user_789', message: 'Do you ship internationally?', conversationId: 'conv_xyz' } }],
					['Email', { eventType: 'message.received', channel: 'email', agentId: 'agent_abc123', payload: { from: 'customer@example.com', subject: 'Order inquiry', message: 'I placed an order yesterday and have not received a confirmation.', conversationId: 'conv_xyz' } }],
					['Web chat', { eventType: 'message.received', channel: 'web', agentId: 'agent_abc123', payload: { sessionId: 'session_abc', message: 'Hi, I need help!', conversationId: 'conv_xyz', pageUrl: 'https://yoursite.com/pricing' } }],
				] as Array<[string, Record<string, unknown>]>
			).map(([title, body]) => ({
				title: `Message received (${title})`,
				body,
				expect: { event: 'message.received', eventId: null, data: { channel: body.channel, agentId: 'agent_abc123' } },
			})),
		],
		unrecognized: { eventType: 'agent.unknownThing', agentId: 'agent_abc123', payload: {} },
		uniqueDelivery: (tag) => ({ eventType: 'message.received', channel: 'web', agentId: 'agent_e2e', payload: { sessionId: `session_${tag}`, message: `hello ${tag}`, conversationId: `conv_${tag}` } }),
	},
	{
		provider: 'buzzbip',
		nodeType: 'n8n-nodes-verified-webhooks.buzzBipTrigger',
		displayName: 'BuzzBip',
		credentialType: 'buzzBipApi',
		credential: { signingSecret: 'e2e-buzzbip-current', previousSigningSecret: 'e2e-buzzbip-previous' },
		secret: { secret: 'e2e-buzzbip-current' },
		previousSecret: { secret: 'e2e-buzzbip-previous' },
		signsBody: true,
		parameters: {},
		examples: [
			{
				title: 'Message received (payload example)',
				body: {
					id: 'evt_7f3a9b2c',
					type: 'message.received',
					createdAt: '2026-06-01T14:32:00Z',
					data: { messageId: 'msg_abc123', conversationId: 'conv_xyz789', contactId: 'cnt_def456', channel: 'whatsapp', body: 'Hello, I need help with my order', from: '+21612345678' },
				},
				expect: { event: 'message.received', eventId: 'evt_7f3a9b2c', occurredAt: '2026-06-01T14:32:00.000Z', data: { messageId: 'msg_abc123', channel: 'whatsapp' } },
			},
		],
		unrecognized: { id: 'evt_unknown', type: 'billing.invoiced', createdAt: '2026-06-01T14:32:00Z', data: {} },
		uniqueDelivery: (tag) => ({
			id: `evt_e2e_${tag}`,
			type: 'message.received',
			createdAt: '2026-06-01T14:32:00Z',
			data: { messageId: `msg_${tag}`, conversationId: 'conv_e2e', contactId: 'cnt_e2e', channel: 'whatsapp', body: `hello ${tag}`, from: '+21600000000' },
		}),
	},
	{
		provider: 'apirtc',
		nodeType: 'n8n-nodes-verified-webhooks.apiRtcTrigger',
		displayName: 'ApiRTC',
		credentialType: 'apiRtcApi',
		credential: { headerName: 'X-ApiRTC-Secret', headerValue: 'e2e-apirtc-current', previousHeaderValue: 'e2e-apirtc-previous' },
		secret: { secret: 'e2e-apirtc-current', headerName: 'X-ApiRTC-Secret' },
		previousSecret: { secret: 'e2e-apirtc-previous', headerName: 'X-ApiRTC-Secret' },
		signsBody: false,
		parameters: {},
		examples: [
			{
				title: 'Ticket updated',
				body: { event: 'update', time: 1575976413, object: 'ticket', objectId: 100, props: { state: 'invited' } },
				expect: { event: 'ticket.update', occurredAt: '2019-12-10T11:13:33.000Z', data: { objectId: 100 } },
			},
			{
				title: 'Conversation ended',
				body: { event: 'update', time: 1632144306, object: 'conversation', objectId: '734e3a7b-eb17-4d3f-901d-bcff178b', props: { eventType: 'conversationEnded', name: 'TEST', finishedAt: '2021-09-20T13:25:06+00:00' } },
				expect: { event: 'conversation.update', occurredAt: '2021-09-20T13:25:06.000Z', data: { objectId: '734e3a7b-eb17-4d3f-901d-bcff178b' } },
			},
		],
		unrecognized: { event: 'explode', object: 'spaceship', objectId: 1 },
		uniqueDelivery: (tag) => ({ event: 'update', time: 1780000000, object: 'ticket', objectId: TAG_NUMBER(tag), props: { state: 'open', 'geoloc.lat': 47.866675, 'geoloc.lng': -3.865805 } }),
	},
];
