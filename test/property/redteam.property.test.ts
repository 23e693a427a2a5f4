/**
 * Property suites for the classes of the red-team findings of issue 12 that the request pipeline
 * owns (the parsing classes are in parsing.property.test.ts): each property would have found its
 * finding on the code before the fix.
 *   - canonically equal Chatzuri bodies under one signature are one event (F1, F13);
 *   - a captured GitHub delivery re-sent with any unsigned headers changed is a duplicate (F3);
 *   - a body n8n has consumed never throws, never starts anything, always gets a 4xx JSON (F2);
 *   - a credential value that is not a string never authenticates anything (F8);
 *   - distinct integer ids beyond 2^53 stay distinct events, and each repeat is a duplicate (F12).
 */
import { createHmac } from 'crypto';
import fc from 'fast-check';
import type { IDataObject, INodeType } from 'n8n-workflow';

import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { signRequest } from '../../nodes/shared/core/sign';
import { REGISTERED } from '../helpers/registry';
import { callWebhook } from '../helpers/webhookContext';
import { announce, fcParams, runs } from './support';

const label = announce('test/property/redteam.property.test.ts');
jest.setTimeout(120_000);
afterEach(() => resetDedupeStores());

const SECRET = 'property-secret-4711';
const hmac = (algorithm: string, body: string | Buffer) => createHmac(algorithm, SECRET).update(body).digest('hex');

const verified = new VerifiedWebhookTrigger();

/** Each registered trigger with a valid credential and the headers that authenticate an empty body. */
const TRIGGERS: Array<{ name: string; node: INodeType; credentials: IDataObject; secretFields: string[]; auth: Record<string, string> }> = REGISTERED.map(({ id, node, definition }) => {
	const { credential } = definition;
	const credentials: IDataObject = { [credential.secret]: SECRET, ...(credential.headerName ? { [credential.headerName]: 'X-Hook' } : {}) };
	const signed = signRequest(id, '', { secret: SECRET, headerName: 'X-Hook' });
	return {
		name: id,
		node,
		credentials,
		secretFields: [credential.secret, credential.previousSecret],
		auth: Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value])),
	};
});
const chatzuri = TRIGGERS.find((t) => t.name === 'chatzuri')!.node;

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const headerValue = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));

describe(`red-team classes (${label})`, () => {
	it('F1/F13: every spelling of one signed Chatzuri body that the signature accepts is one event', async () => {
		const body = fc.record({
			eventType: fc.constant('message.received'),
			channel: fc.constant('web'),
			agentId: fc.stringMatching(/^agent_[a-z0-9]{1,8}$/),
			payload: fc.record({ sessionId: fc.stringMatching(/^s[0-9]{1,6}$/), message: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,.!?'é€]{0,29}$/), conversationId: fc.stringMatching(/^c[0-9]{1,6}$/), amount: fc.integer({ min: 0, max: 1000 }) }),
		});
		// one re-spelling: indentation, escapes of every character of a string, number spellings,
		// a repeated key whose last value wins, surrounding whitespace, a BOM
		const respell = fc.constantFrom('indent', 'escape', 'number', 'repeat', 'space', 'bom');
		await fc.assert(
			fc.asyncProperty(body, fc.array(respell, { minLength: 1, maxLength: 5 }), async (value, ways) => {
				resetDedupeStores();
				const canonical = JSON.stringify(value);
				const signature = hmac('sha1', canonical);
				const spell = (way: string): string => {
					switch (way) {
						case 'indent':
							return JSON.stringify(value, null, 2);
						case 'escape':
							return canonical.replace(`"${value.agentId}"`, `"${[...value.agentId].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`);
						case 'number':
							return canonical.replace(`"amount":${value.payload.amount}`, `"amount":${value.payload.amount}.0e0`);
						case 'repeat':
							return canonical.replace(`"agentId":"${value.agentId}"`, `"agentId":"someone else","agentId":"${value.agentId}"`);
						case 'space':
							return ` \n${canonical}\t `;
						default:
							return `\ufeff${canonical}`;
					}
				};
				const first = await callWebhook(chatzuri, { body: canonical, headers: { 'x-chatzuri-signature': signature, 'content-type': 'application/json' } }, { credentials: { secretKey: SECRET } });
				expect({ status: first.status, body: first.body, events: first.events.length }).toEqual({ status: 200, body: { status: 'accepted' }, events: 1 });
				for (const way of ways) {
					const replay = await callWebhook(chatzuri, { body: spell(way), headers: { 'x-chatzuri-signature': signature, 'content-type': 'application/json' } }, { credentials: { secretKey: SECRET } });
					expect(replay.status).toBe(200);
					expect(replay.events).toHaveLength(0);
				}
			}),
			fcParams(runs(30)),
		);
	});

	it('F3: a captured GitHub delivery re-sent with any unsigned headers changed is a duplicate', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 1e9 }),
				fc.option(fc.uuid(), { nil: undefined }),
				fc.constantFrom('push', 'release', 'ping', 'issues', 'pull_request'),
				fc.dictionary(headerName.map((n) => `x-extra-${n}`), headerValue, { maxKeys: 3 }),
				async (n, newDelivery, newEvent, extra) => {
					resetDedupeStores();
					const body = JSON.stringify({ ref: 'refs/heads/main', after: `c${n}`, repository: { id: n, full_name: 'o/r' } });
					const signed = { 'x-hub-signature-256': `sha256=${hmac('sha256', body)}`, 'content-type': 'application/json' };
					const send = (headers: Record<string, string>) => callWebhook(verified, { body, headers: { ...signed, ...headers } }, { credentials: { secret: SECRET }, parameters: { preset: 'github' } });
					const first = await send({ 'x-github-delivery': `d-${n}`, 'x-github-event': 'push' });
					expect(first.events).toHaveLength(1);
					const replay = await send({ ...(newDelivery === undefined ? {} : { 'x-github-delivery': newDelivery }), 'x-github-event': newEvent, ...extra });
					expect(replay.status).toBe(200);
					expect(replay.events).toHaveLength(0);
					expect(replay.result.workflowData).toBeUndefined();
				},
			),
			fcParams(runs(40)),
		);
	});

	it('F2: a body n8n has consumed, with any headers and any secret or none, never throws, starts nothing and gets a 4xx JSON reason', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...TRIGGERS),
				fc.boolean(),
				fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
				fc.constantFrom('multipart/form-data; boundary=b', 'application/octet-stream', 'text/plain', 'application/json'),
				async (t, withSecret, extra, contentType) => {
					resetDedupeStores();
					const headers = { ...extra, ...(withSecret ? t.auth : {}), 'content-type': contentType };
					const call = await callWebhook(t.node, { body: '', unreadable: true, headers }, { credentials: t.credentials });
					expect(call.status).toBeGreaterThanOrEqual(400);
					expect(call.status).toBeLessThan(500);
					expect(typeof (call.body as IDataObject).reason).toBe('string');
					expect(call.result.workflowData).toBeUndefined();
					expect(JSON.stringify(call.body) + call.logs.join('\n')).not.toContain(SECRET);
				},
			),
			fcParams(runs(60)),
		);
	});

	it("F8: a credential value that is not a string authenticates nothing, not even a header that spells its String()", async () => {
		const nonString = fc.oneof(
			fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
			fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }),
			fc.integer(),
			fc.double({ noNaN: true }),
			fc.boolean(),
			fc.constant(null),
		);
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...TRIGGERS), nonString, async (t, value) => {
				resetDedupeStores();
				const credentials: IDataObject = { ...t.credentials, [t.secretFields[0]]: value as IDataObject, [t.secretFields[1]]: value as IDataObject };
				let spelled = '';
				try {
					spelled = String(value);
				} catch {
					/* a null-prototype object has no String() */
				}
				const body = '{}';
				const headers: Record<string, string> = { 'content-type': 'application/json' };
				for (const name of Object.keys(t.auth)) {
					headers[name] = name.includes('signature') ? createHmac(name.includes('chatzuri') ? 'sha1' : 'sha256', spelled).update(body).digest('hex') : spelled;
				}
				const call = await callWebhook(t.node, { body, headers }, { credentials });
				expect(call.status).toBe(401);
				expect(call.result.workflowData).toBeUndefined();
			}),
			fcParams(runs(60)),
		);
	});

	it('F12: distinct integer ids beyond 2^53 are distinct events; a repeat of either is a duplicate', async () => {
		const parameters = { preset: 'custom', scheme: 'hmac', signatureHeader: 'X-Sig', eventIdSource: 'body', eventIdField: 'id' };
		// the flat custom parameters of versions 1 and 2
		const send = (body: string) => callWebhook(verified, { body, headers: { 'x-sig': hmac('sha256', body), 'content-type': 'application/json' } }, { credentials: { secret: SECRET }, parameters, typeVersion: 2 });
		const big = fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n });
		await fc.assert(
			fc.asyncProperty(big, big, async (a, b) => {
				fc.pre(a !== b);
				resetDedupeStores();
				const first = await send(`{"id":${a}}`);
				const second = await send(`{"id":${b}}`);
				expect(first.events).toHaveLength(1);
				expect(second.events).toHaveLength(1);
				expect(first.events[0].deliveryKey).not.toBe(second.events[0].deliveryKey);
				expect((await send(`{"id":${a}}`)).events).toHaveLength(0);
				expect((await send(`{"id":${b}}`)).events).toHaveLength(0);
			}),
			fcParams(runs(40)),
		);
	});
});
