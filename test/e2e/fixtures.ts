/**
 * What the end-to-end suite sends: every example payload of the providers' webhook documents (as
 * transcribed into test/fixtures, each naming its document and section), with the item each must
 * become. Kept apart from the nodes' own `examples` on purpose: a mistake copied into a provider
 * definition must not also be the yardstick it is measured with.
 */
import { apirtc, buzzbip, buzzeasy, chatzuri, tracebuzz } from '../fixtures';


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
				body: (buzzeasy.workItemSchema.body as { examples: Array<Record<string, unknown>> }).examples[0],
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
				body: tracebuzz.newIncomingMessage.body,
				expect: { event: 'newResult', occurredAt: '2022-09-22T07:30:26.000Z', data: { typeId: 4, type: 'privateMessage', own: 0, author: 'customer', uniqueId: 11111 } },
			},
			{
				title: 'Include own message',
				body: tracebuzz.includeOwnMessage.body,
				expect: { event: 'newResult', occurredAt: '2022-09-22T07:30:26.000Z', data: { own: 1, author: 'agent', type: 'privateMessage' } },
			},
			{
				title: 'Case closed',
				body: tracebuzz.caseClosed.body,
				expect: { event: 'caseClosed', occurredAt: '2022-09-22T11:16:56.000Z', data: { caseId: 11111111, externalCaseId: null, externalPersonId: null } },
			},
			{
				title: 'Changes in personID',
				body: tracebuzz.changesInPersonId.body,
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
				body: { eventType: 'lead.submit', agentId: 'agent_abc123', payload: chatzuri.leadSubmitPayload.body },
				expect: { event: 'lead.submit', data: { agentId: 'agent_abc123' } },
			},
			...(
				[
					['WhatsApp', chatzuri.whatsappMessage.body],
					['Telegram', chatzuri.telegramMessage.body],
					['Facebook', chatzuri.facebookMessage.body],
					['Instagram', chatzuri.instagramMessage.body],
					['Email', chatzuri.emailMessage.body],
					['Web chat', chatzuri.webMessage.body],
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
				body: buzzbip.messageReceived.body,
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
				body: apirtc.ticketUpdate.body,
				expect: { event: 'ticket.update', occurredAt: '2019-12-10T11:13:33.000Z', data: { objectId: 100 } },
			},
			{
				title: 'Conversation ended',
				body: apirtc.conversationUpdate.body,
				expect: { event: 'conversation.update', occurredAt: '2021-09-20T13:25:06.000Z', data: { objectId: '734e3a7b-eb17-4d3f-901d-bcff178b' } },
			},
		],
		unrecognized: { event: 'explode', object: 'spaceship', objectId: 1 },
		uniqueDelivery: (tag) => ({ event: 'update', time: 1780000000, object: 'ticket', objectId: TAG_NUMBER(tag), props: { state: 'open', 'geoloc.lat': 47.866675, 'geoloc.lng': -3.865805 } }),
	},
];
