/**
 * In-process benchmark: every trigger's whole webhook() (verify, parse, validate, normalize,
 * dedupe) against the floor for the same bytes (one createHmac over them plus one JSON.parse).
 * Run after `npm run build`: node --expose-gc scripts/bench/inprocess.cjs [--quick]
 */
const { createHmac } = require('crypto');
const { EventEmitter } = require('events');
const { performance } = require('perf_hooks');

const dist = (p) => require(`../../dist/${p}`);
const { PROVIDERS } = dist('nodes/shared/providers');
const { buildSample } = dist('cli/samples');
const { prepareRequest } = dist('cli/send');
const { DedupeStore, DEFAULT_DEDUPE_MAX_ENTRIES, resetDedupeStores } = dist('nodes/shared/core/dedupe');

const NODES = {
	buzzeasy: ['BuzzeasyTrigger', 'workItem', 'notes'],
	tracebuzz: ['TracebuzzTrigger', 'caseClosed', 'note'],
	chatzuri: ['ChatzuriTrigger', 'message.received', 'payload.message'],
	buzzbip: ['BuzzBipTrigger', 'message.received', 'data.body'],
	apirtc: ['ApiRtcTrigger', 'ticket.update', 'props.comment'],
};
const SIZES = [
	['1 KiB', 1024],
	['64 KiB', 64 * 1024],
	['1 MiB', 1024 * 1024],
];
const SECRET = 'bench-secret-0123456789abcdef';
const HEADER_NAME = 'X-Bench-Token';
const quick = process.argv.includes('--quick');

/** A body of about `size` bytes: the provider's sample with one text field padded. */
function bodyOfSize(provider, event, field, size, serial) {
	const sample = buildSample(provider, event, { overrides: { [field]: '' } });
	// a new event each time, whatever the random ids collide on
	if (provider === 'tracebuzz') sample.caseId = serial + 1;
	if (provider === 'apirtc') sample.objectId = serial + 1;
	const base = JSON.stringify(sample).length;
	const pad = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(size / 27)).slice(0, Math.max(0, size - base));
	return JSON.stringify(buildSampleWith(sample, field, pad));
}

function buildSampleWith(sample, path, value) {
	const parts = path.split('.');
	let node = sample;
	for (const part of parts.slice(0, -1)) node = node[part] ?? (node[part] = {});
	node[parts[parts.length - 1]] = value;
	return sample;
}

function fakeContext(node, request, state) {
	const response = new EventEmitter();
	response.status = () => response;
	response.json = () => response;
	const req = { headers: request.headers, rawBody: request.raw, ip: '127.0.0.1' };
	return {
		getRequestObject: () => req,
		getResponseObject: () => response,
		getNodeParameter: (name, fallback) => (name === 'options' ? {} : fallback),
		getCredentials: async () => ({ apiKey: SECRET, headerValue: SECRET, headerName: HEADER_NAME, secretKey: SECRET, signingSecret: SECRET }),
		getWorkflowStaticData: () => state.staticData,
		getMode: () => 'webhook',
		getNode: () => ({ id: 'bench', name: 'Trigger' }),
		getWorkflow: () => ({ id: 'bench' }),
		logger: { debug() {}, info() {}, warn() {}, error() {} },
	};
}

async function measure(provider, sizeBytes) {
	const [className, event, field] = NODES[provider];
	const node = new (dist(`nodes/${className}/${className}.node`)[className])();
	const iterations = quick ? Math.max(20, Math.round(20_000_000 / sizeBytes / 4)) : Math.max(60, Math.round(40_000_000 / sizeBytes));
	const distinct = Math.min(iterations, sizeBytes >= 1 << 20 ? 40 : 2000);
	const requests = Array.from({ length: distinct }, (_, i) => {
		const body = bodyOfSize(provider, event, field, sizeBytes, i);
		const headers = {};
		for (const [k, v] of Object.entries(prepareRequest(provider, body, { url: 'http://bench', secret: SECRET, headerName: HEADER_NAME }).headers)) headers[k.toLowerCase()] = v;
		return { raw: Buffer.from(body), headers };
	});
	const algorithm = PROVIDERS[provider].verification.algorithm ?? 'sha256';

	// deliveries must be new each time, or dedupe short-cuts the work: a fresh scope per pass
	const run = async (count) => {
		resetDedupeStores();
		let emitted = 0;
		// the request context is n8n's to build, not the trigger's: made before the clock starts
		const state = { staticData: {} };
		const contexts = Array.from({ length: Math.min(count, distinct) }, (_, i) => fakeContext(node, requests[i], state));
		const started = performance.now();
		for (let i = 0; i < count; i++) {
			if (i % distinct === 0) {
				resetDedupeStores();
				state.staticData = {};
			}
			const context = contexts[i % distinct];
			const result = await node.webhook.call(context);
			context.getResponseObject().emit('finish');
			if (result.workflowData) emitted++;
		}
		const elapsed = performance.now() - started;
		if (emitted !== count) throw new Error(`${provider}: ${emitted} of ${count} requests emitted an item`);
		return elapsed;
	};
	const floor = (count) => {
		const started = performance.now();
		let sink = 0;
		for (let i = 0; i < count; i++) {
			const { raw } = requests[i % distinct];
			sink += createHmac(algorithm, SECRET).update(raw).digest()[0];
			sink += JSON.parse(raw.toString('utf8')) ? 1 : 0;
		}
		if (sink < 0) console.log(sink);
		return performance.now() - started;
	};
	await run(Math.min(iterations, 200));
	floor(Math.min(iterations, 200));
	// alternate, take the best of three of each: the figures are for the code, not the machine's noise
	const ours = [];
	const floors = [];
	for (let round = 0; round < 3; round++) {
		ours.push(await run(iterations));
		floors.push(floor(iterations));
	}
	const usOurs = (Math.min(...ours) * 1000) / iterations;
	const usFloor = (Math.min(...floors) * 1000) / iterations;
	return { provider, size: sizeBytes, iterations, usOurs, usFloor, rpsOurs: 1e6 / usOurs, rpsFloor: 1e6 / usFloor, ratio: usOurs / usFloor };
}

function dedupeHeap() {
	if (typeof global.gc !== 'function') return undefined;
	global.gc();
	const before = process.memoryUsage().heapUsed;
	const store = new DedupeStore(DEFAULT_DEDUPE_MAX_ENTRIES);
	const now = Date.now();
	// the worst case: body-hash keys (fingerprinted) and a journal of the same length
	for (let i = 0; i < DEFAULT_DEDUPE_MAX_ENTRIES * 2; i++) store.checkAndRecord(`sha256:${createHmac('sha256', 'k').update(String(i)).digest('hex')}`, now + i, 1e12);
	const persisted = store.toPersisted();
	global.gc();
	const after = process.memoryUsage().heapUsed;
	return { entries: store.size, bytes: after - before, journalBytes: persisted.journal.length, keep: store };
}

async function main() {
	const results = [];
	for (const provider of Object.keys(NODES)) {
		for (const [, size] of SIZES) results.push(await measure(provider, size));
	}
	const heap = dedupeHeap();
	return { results, heap };
}

module.exports = { main, SIZES };

if (require.main === module) {
	main().then(({ results, heap }) => {
		for (const r of results) console.log(`${r.provider.padEnd(10)} ${String(r.size).padStart(8)} B  ours ${r.usOurs.toFixed(1).padStart(8)} µs  floor ${r.usFloor.toFixed(1).padStart(8)} µs  ratio ${r.ratio.toFixed(2)}`);
		if (heap) console.log(`dedupe store at its bound: ${heap.entries} entries, ${(heap.bytes / 1024).toFixed(0)} KiB heap, journal ${(heap.journalBytes / 1024).toFixed(0)} KiB`);
	});
}
