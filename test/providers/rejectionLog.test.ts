/**
 * Rejected requests are logged at warn level with the workflow, node, reason and source address,
 * never a secret, rate-limited per node: the first, then one line a minute with the count of those
 * not logged one by one (nodes/shared/core/rejectionLog.ts, used by the pipeline's `rejected`).
 */
import { BuzzeasyTrigger } from '../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node';
import { resetDedupeStores } from '../../nodes/shared/core/dedupe';
import { REJECTION_LOG_INTERVAL_MS, RejectionLog } from '../../nodes/shared/core/rejectionLog';
import { rejectionLog } from '../../nodes/shared/pipeline';
import { callWebhook } from '../helpers/webhookContext';

const SECRET = 'rejection-log-secret-0123';
const WRONG = 'not-the-secret-4567';
const buzzeasy = new BuzzeasyTrigger();
const body = JSON.stringify({ id: 'w1', mediaType: 'Webchat', isOutbound: true, createdAt: '2022-03-08T07:39:47.6052457Z', closedAt: '2022-03-08T07:41:47.6052457Z', agent: { id: 'a1', name: 'Agent', email: 'a@b.c', phone: '+1' }, result: 'Handled' });
const send = (key: string, nodeId = 'node-a', ip = '203.0.113.9') =>
	callWebhook(buzzeasy, { body, headers: { 'x-api-key': key }, ip }, { credentials: { apiKey: SECRET }, nodeId, workflowId: 'wf-rejections' });
const warnings = (logs: string[]) => logs.filter((line) => line.startsWith('warn:'));

let now = Date.UTC(2026, 11, 2, 12, 0, 0);
beforeEach(() => {
	resetDedupeStores();
	rejectionLog.clear();
	jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

describe('RejectionLog', () => {
	it('logs the first, counts the rest of the minute, and reports the count with the next line', () => {
		const log = new RejectionLog();
		expect(log.note('n', 0)).toEqual({ log: true, unlogged: 0 });
		for (let i = 1; i <= 5; i++) expect(log.note('n', i * 1000)).toEqual({ log: false, unlogged: 0 });
		expect(log.note('other', 2000)).toEqual({ log: true, unlogged: 0 });
		expect(log.note('n', REJECTION_LOG_INTERVAL_MS - 1)).toEqual({ log: false, unlogged: 0 });
		expect(log.note('n', REJECTION_LOG_INTERVAL_MS)).toEqual({ log: true, unlogged: 6 });
		expect(log.note('n', 2 * REJECTION_LOG_INTERVAL_MS + 5)).toEqual({ log: true, unlogged: 0 });
	});
});

describe('a rejected request in n8n', () => {
	it('gets one warn line naming the workflow, node, reason and source address, without the secret', async () => {
		const call = await send(WRONG);
		expect(call.status).toBe(401);
		const [line, ...rest] = warnings(call.logs);
		expect(rest).toEqual([]);
		expect(line).toContain('Buzzeasy Trigger');
		expect(line).toContain('203.0.113.9');
		expect(line).toContain((call.body as { reason: string }).reason);
		expect(line).toContain('"workflowId":"wf-rejections"');
		expect(line).not.toContain(WRONG);
		expect(line).not.toContain(SECRET);
	});

	it('a flood writes one line a minute per node, with the count of the others', async () => {
		expect(warnings((await send(WRONG)).logs)).toHaveLength(1);
		for (let i = 0; i < 40; i++) {
			now += 1000;
			const call = await send(`${WRONG}${i}`);
			expect(call.status).toBe(401);
			expect(warnings(call.logs)).toEqual([]);
		}
		// another node of the same workflow has its own line
		expect(warnings((await send(WRONG, 'node-b')).logs)).toHaveLength(1);
		now += REJECTION_LOG_INTERVAL_MS;
		const [line] = warnings((await send(WRONG)).logs);
		expect(line).toContain('40 more rejected');
	});

	it('a genuine request logs no warning', async () => {
		const call = await send(SECRET);
		expect(call.status).toBe(200);
		expect(warnings(call.logs)).toEqual([]);
	});
});
