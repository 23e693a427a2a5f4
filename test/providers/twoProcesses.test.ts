/**
 * Two receiving processes, the default store (this process's memory and the workflow's static
 * data), through n8n-core's real WebhookContext: a retry that reaches the other process is caught
 * once the first copy's static data was saved, and every save keeps every key it loaded (issue 17).
 */
import { deliver, startReceiver, StaticDataRow, workItem } from '../helpers/twoProcesses';

describe('two receiving processes sharing static data (default store)', () => {
	it('a retry to the other process is a duplicate, for 40 events alternating between the processes', async () => {
		const db = new StaticDataRow();
		const [a, b] = [startReceiver(), startReceiver()];
		let runs = 0;
		for (let i = 0; i < 40; i++) {
			const [first, other] = i % 2 === 0 ? [a, b] : [b, a];
			const id = `seq-${i}`;
			const delivered = await deliver(first, db, workItem(id));
			expect(delivered.status).toBe(200);
			runs += delivered.events.length;
			const retry = await deliver(other, db, workItem(id));
			expect(retry.status).toBe(200);
			expect(retry.body).toMatchObject({ status: 'duplicate' });
			runs += retry.events.length;
		}
		expect(runs).toBe(40);
		// the last save holds both processes' keys, none dropped by a last writer: a process started
		// afresh on it finds every one
		const restarted = startReceiver();
		for (let i = 0; i < 40; i++) expect((await deliver(restarted, db, workItem(`seq-${i}`))).events).toHaveLength(0);
	});

	it('a restarted process (a new module state) keeps the other process\'s keys and its own', async () => {
		const db = new StaticDataRow();
		const a = startReceiver();
		const b = startReceiver();
		expect((await deliver(a, db, workItem('r-a'))).events).toHaveLength(1);
		expect((await deliver(b, db, workItem('r-b'))).events).toHaveLength(1);
		const restarted = startReceiver();
		for (const id of ['r-a', 'r-b']) {
			const retry = await deliver(restarted, db, workItem(id));
			expect(retry.events).toHaveLength(0);
			expect(retry.body).toMatchObject({ status: 'duplicate' });
		}
		// and a new event still runs there
		expect((await deliver(restarted, db, workItem('r-c'))).events).toHaveLength(1);
	});

	it('is not a stub: without the shared row (each process its own static data) the retry runs again', async () => {
		const [a, b] = [startReceiver(), startReceiver()];
		const [dbA, dbB] = [new StaticDataRow(), new StaticDataRow()];
		expect((await deliver(a, dbA, workItem('apart'))).events).toHaveLength(1);
		expect((await deliver(b, dbB, workItem('apart'))).events).toHaveLength(1);
	});
});
