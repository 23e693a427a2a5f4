/**
 * What sharing the workflow's static data between n8n processes costs the trigger, in process:
 * webhook() per request (1 KiB Buzzeasy events, every one new) with the dedupe journal at its
 * bound (10,000 keys), as n8n runs it: static data loaded afresh from the "database" (a JSON text)
 * for every request, the answer read (which writes the record), the static data saved back.
 *
 *   one process       every request loads what this process saved last (a single n8n)
 *   two processes     requests alternate between two module instances of the package sharing
 *                     one row: every request loads what the other process saved
 *
 * Only webhook() and the answer's getter are timed: loading and saving the row (JSON.parse and
 * JSON.stringify of the static data) are n8n's work, printed beside it.
 * Run after `npm run build`: node --expose-gc scripts/bench/sharedStaticData.cjs [--quick]
 * BENCH_DIST=<dir> measures another build (e.g. one of the commit before, to compare).
 */
const { createHmac } = require('crypto');
const { EventEmitter } = require('events');
const path = require('path');
const { performance } = require('perf_hooks');

const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(__dirname, '..', '..', 'dist');
const quick = process.argv.includes('--quick');
const SECRET = 'bench-secret-0123456789abcdef';
const BOUND = 10_000;

/** A fresh instance of the package's modules (a process of its own): the require cache is cleared for dist/. */
function loadProcess() {
	for (const key of Object.keys(require.cache)) if (key.startsWith(DIST)) delete require.cache[key];
	const { BuzzeasyTrigger } = require(`${DIST}/nodes/BuzzeasyTrigger/BuzzeasyTrigger.node`);
	return new BuzzeasyTrigger();
}

function workItem(i) {
	return JSON.stringify({
		id: createHmac('sha256', 'bench').update(String(i)).digest('hex').slice(0, 32),
		mediaType: 'Webchat',
		isOutbound: true,
		createdAt: '2022-03-08T07:39:47.6052457Z',
		closedAt: '2022-03-08T07:41:47.6052457Z',
		agent: { id: 'a1', name: 'Agent', email: 'agent@example.com', phone: '+1' },
		result: 'Handled',
		notes: 'lorem ipsum dolor sit amet '.repeat(28),
	});
}

function context(node, raw, staticData) {
	const response = new EventEmitter();
	response.status = () => response;
	response.json = () => response;
	response.statusCode = 200;
	const req = { headers: { 'x-api-key': SECRET, 'content-type': 'application/json' }, rawBody: raw, ip: '127.0.0.1' };
	return {
		getRequestObject: () => req,
		getResponseObject: () => response,
		getNodeParameter: (name, fallback) => (name === 'options' ? {} : fallback),
		getCredentials: async () => ({ apiKey: SECRET }),
		getWorkflowStaticData: () => {
			if (!staticData['node:Trigger']) staticData['node:Trigger'] = {};
			return staticData['node:Trigger'];
		},
		getMode: () => 'webhook',
		getNode: () => ({ id: 'bench', name: 'Trigger' }),
		getWorkflow: () => ({ id: 'bench-shared' }),
		logger: { debug() {}, info() {}, warn() {}, error() {} },
	};
}

/** One request as n8n runs it: load the row, webhook(), read the answer, save the row. */
async function deliver(node, db, raw) {
	const loadStarted = performance.now();
	const staticData = JSON.parse(db.row);
	const loaded = performance.now() - loadStarted;
	const ctx = context(node, raw, staticData);
	const started = performance.now();
	const result = await node.webhook.call(ctx);
	void result.webhookResponse;
	const took = performance.now() - started;
	ctx.getResponseObject().emit('finish');
	const saveStarted = performance.now();
	db.row = JSON.stringify(staticData);
	const saved = performance.now() - saveStarted;
	if (!result.workflowData) throw new Error('a new event started nothing');
	return { took, n8n: loaded + saved };
}

async function scenario(processCount, count) {
	const nodes = Array.from({ length: processCount }, () => loadProcess());
	const db = { row: '{}' };
	let serial = 0;
	// fill the journal to its bound, spread over the processes as the measured traffic is
	for (let i = 0; i < BOUND; i++) await deliver(nodes[i % processCount], db, Buffer.from(workItem(serial++)));
	const bodies = Array.from({ length: count }, () => Buffer.from(workItem(serial++)));
	if (typeof global.gc === 'function') global.gc();
	let ours = 0;
	let theirs = 0;
	for (let i = 0; i < count; i++) {
		const { took, n8n } = await deliver(nodes[i % processCount], db, bodies[i]);
		ours += took;
		theirs += n8n;
	}
	const journal = JSON.parse(db.row)['node:Trigger'].dedupe.journal;
	return { processes: processCount, usPerRequest: (ours * 1000) / count, n8nUsPerRequest: (theirs * 1000) / count, journalKeys: journal.split('\n').filter(Boolean).length, journalKiB: journal.length / 1024 };
}

async function main() {
	const count = quick ? 1000 : 4000;
	const rows = [];
	for (const processes of [1, 2]) {
		let best;
		for (let pass = 0; pass < (quick ? 1 : 3); pass++) {
			const r = await scenario(processes, count);
			if (!best || r.usPerRequest < best.usPerRequest) best = r;
		}
		rows.push(best);
	}
	console.log(`dist: ${DIST}, Node ${process.version}, ${count} new 1 KiB events per scenario, journal at its bound (${BOUND} keys), best of ${quick ? 1 : 3}`);
	console.log('processes | webhook() µs/request | n8n load+save µs/request | keys in the saved journal | journal KiB');
	for (const r of rows) console.log(`${r.processes} | ${r.usPerRequest.toFixed(1)} | ${r.n8nUsPerRequest.toFixed(1)} | ${r.journalKeys} | ${r.journalKiB.toFixed(0)}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
