/**
 * In-process benchmark: every trigger's whole webhook() (verify, parse, validate, normalize,
 * dedupe) against the floor for the same bytes (one createHmac over them plus one JSON.parse).
 * Run after `npm run build`: node --expose-gc scripts/bench/inprocess.cjs [--quick] [--only=chatzuri:1024,buzzbip]
 * To see where the time goes: node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/inprocess.cjs --only=chatzuri:1024
 */
const { createHmac } = require('crypto');
const { EventEmitter } = require('events');
const { performance } = require('perf_hooks');

// BENCH_DIST: another build to measure (a prototype of a change), the repository's dist/ by default
const DIST = process.env.BENCH_DIST ? require('path').resolve(process.env.BENCH_DIST) : require('path').join(__dirname, '..', '..', 'dist');
const dist = (p) => require(`${DIST}/${p}`);
const { PROVIDERS } = dist('nodes/shared/providers');
const { providerFiles } = dist('nodes/shared/definition');
const { buildSample, serialSource } = require('../../packages/cli/dist/lib');
const { prepareRequest } = require('../../packages/cli/dist/lib');
const { DedupeStore, DEFAULT_DEDUPE_MAX_ENTRIES, resetDedupeStores, dedupeStoreFor } = dist('nodes/shared/core/dedupe');
const { bodyKeyOfDigest } = dist('nodes/shared/core/deliveryKey');

/** A delivery stored at once: claimed and committed. */
function record(store, key, at, windowMs) {
	const claim = store.claim(key, at, windowMs);
	if (claim.status === 'new') claim.ticket.commit();
}

/** Every registered provider: its node class, and the event and text field its sample rules name. */
const NODES = Object.fromEntries(
	Object.entries(PROVIDERS).map(([id, definition]) => [id, [providerFiles(definition).nodeClass, definition.samples.text.event, definition.samples.text.path]]),
);
const SIZES = [
	['1 KiB', 1024],
	['64 KiB', 64 * 1024],
	['1 MiB', 1024 * 1024],
];
const SECRET = 'bench-secret-0123456789abcdef';
const HEADER_NAME = 'X-Bench-Token';
const quick = process.argv.includes('--quick');
/** `--only=provider[:bytes],…`: a subset, e.g. for a CPU profile of one case. */
const only = (process.argv.find((a) => a.startsWith('--only=')) || '').slice(7).split(',').filter(Boolean).map((s) => s.split(':'));
const selected = (provider, size) => only.length === 0 || only.some(([p, b]) => p === provider && (b === undefined || Number(b) === size));

/** A body of about `size` bytes: the provider's sample with one text field padded. */
function bodyOfSize(provider, event, field, size, serial) {
	// a new event each time: the provider's own sample rules with a serial
	const sample = buildSample(provider, event, { overrides: { [field]: '' }, source: serialSource(serial, 'bench', new Date()) });
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

/** CPU ms of this thread (user + system) since `since`, or undefined where Node cannot tell. */
function threadCpu(since) {
	if (typeof process.threadCpuUsage !== 'function') return undefined;
	if (since === undefined) return process.threadCpuUsage();
	const used = process.threadCpuUsage(since);
	return (used.user + used.system) / 1000;
}

/** The credential data of a provider's trigger: its own field names, the bench's secret. */
function credentialsOf(provider) {
	const { credential } = PROVIDERS[provider];
	return { [credential.secret]: SECRET, ...(credential.headerName ? { [credential.headerName]: HEADER_NAME } : {}) };
}

function fakeContext(credentials, request, state) {
	const response = new EventEmitter();
	response.status = () => response;
	response.json = () => response;
	const req = { headers: request.headers, rawBody: request.raw, ip: '127.0.0.1' };
	return {
		getRequestObject: () => req,
		getResponseObject: () => response,
		getNodeParameter: (name, fallback) => (name === 'options' ? {} : fallback),
		getCredentials: async () => credentials,
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
	const iterations = quick ? Math.max(20, Math.round(20_000_000 / sizeBytes / 4)) : Math.max(150, Math.round(40_000_000 / sizeBytes));
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
		const contexts = Array.from({ length: Math.min(count, distinct) }, (_, i) => fakeContext(credentialsOf(provider), requests[i], state));
		const cpu = process.cpuUsage();
		const mainCpu = threadCpu();
		const started = performance.now();
		for (let i = 0; i < count; i++) {
			if (i % distinct === 0) {
				resetDedupeStores();
				state.staticData = {};
			}
			const context = contexts[i % distinct];
			const result = await node.webhook.call(context);
			// as n8n does: it reads the answer (which writes the dedupe record), then sends it
			void result.webhookResponse;
			context.getResponseObject().emit('finish');
			if (result.workflowData) emitted++;
		}
		const elapsed = performance.now() - started;
		const used = process.cpuUsage(cpu);
		const usedMain = threadCpu(mainCpu);
		if (emitted !== count) throw new Error(`${provider}: ${emitted} of ${count} requests emitted an item`);
		return [elapsed, (used.user + used.system) / 1000, usedMain];
	};
	const floor = (count) => {
		const cpu = process.cpuUsage();
		const mainCpu = threadCpu();
		const started = performance.now();
		let sink = 0;
		for (let i = 0; i < count; i++) {
			const { raw } = requests[i % distinct];
			sink += createHmac(algorithm, SECRET).update(raw).digest()[0];
			sink += JSON.parse(raw.toString('utf8')) ? 1 : 0;
		}
		if (sink < 0) console.log(sink);
		const elapsed = performance.now() - started;
		const used = process.cpuUsage(cpu);
		return [elapsed, (used.user + used.system) / 1000, threadCpu(mainCpu)];
	};
	await run(Math.min(iterations, 200));
	floor(Math.min(iterations, 200));
	// alternate, take the best of five (three with --quick) of each: the figures are for the code, not the machine's noise
	const ours = [];
	const floors = [];
	for (let round = 0; round < (quick ? 3 : 5); round++) {
		// each side starts on a clean heap: neither pays for the other's garbage (1 MiB bodies)
		if (typeof global.gc === 'function') global.gc();
		ours.push(await run(iterations));
		if (typeof global.gc === 'function') global.gc();
		floors.push(floor(iterations));
	}
	// wall time of the main thread, and the CPU time of the whole process (every thread) over the same pass
	const best = (passes) => passes.reduce((a, b) => (b[0] < a[0] ? b : a));
	const [msOurs, cpuMsOurs] = best(ours);
	const [msFloor, cpuMsFloor] = best(floors);
	const usOurs = (msOurs * 1000) / iterations;
	const usFloor = (msFloor * 1000) / iterations;
	const cpuUsOurs = (Math.min(...ours.map((p) => p[1])) * 1000) / iterations;
	const cpuUsFloor = (Math.min(...floors.map((p) => p[1])) * 1000) / iterations;
	const mainCpuUsOurs = ours[0][2] === undefined ? undefined : (Math.min(...ours.map((p) => p[2])) * 1000) / iterations;
	const mainCpuUsFloor = floors[0][2] === undefined ? undefined : (Math.min(...floors.map((p) => p[2])) * 1000) / iterations;
	return {
		provider,
		size: sizeBytes,
		iterations,
		usOurs,
		usFloor,
		rpsOurs: 1e6 / usOurs,
		rpsFloor: 1e6 / usFloor,
		ratio: usOurs / usFloor,
		// CPU µs per request (user + system, all threads: the libuv pool's too), best pass; beside the wall time of the fastest pass
		cpuUsOurs,
		cpuUsFloor,
		cpuRatio: cpuUsOurs / cpuUsFloor,
		cpuUsOursAtBest: (cpuMsOurs * 1000) / iterations,
		cpuUsFloorAtBest: (cpuMsFloor * 1000) / iterations,
		// CPU µs per request of the main thread alone (process.threadCpuUsage, Node ≥ 23.9), best pass:
		// what a hand-off to libuv's pool takes off the thread that serves every request
		mainCpuUsOurs,
		mainCpuUsFloor,
		mainCpuRatio: mainCpuUsOurs === undefined ? undefined : mainCpuUsOurs / mainCpuUsFloor,
	};
}

function dedupeHeap() {
	if (typeof global.gc !== 'function') return undefined;
	global.gc();
	const before = process.memoryUsage().heapUsed;
	const store = new DedupeStore(DEFAULT_DEDUPE_MAX_ENTRIES);
	const now = Date.now();
	// the worst case: body-hash keys (fingerprinted) and a journal of the same length
	for (let i = 0; i < DEFAULT_DEDUPE_MAX_ENTRIES * 2; i++) record(store, bodyKeyOfDigest(createHmac('sha256', 'k').update(String(i)).digest('hex')), now + i, 1e12);
	const persisted = store.toPersisted();
	global.gc();
	const after = process.memoryUsage().heapUsed;
	return { entries: store.size, bytes: after - before, journalBytes: persisted.journal.length, keep: store };
}

/**
 * The steady state once the dedupe window is full: webhook() per request (1 KiB, Buzzeasy) with the
 * store at its bound, so that every new key evicts the oldest; and what n8n then does with the
 * record on every request (JSON.stringify of the static data before its save, JSON.parse when it
 * loads it again), which the trigger's own figures do not include.
 */
async function atBound(provider = 'buzzeasy', sizeBytes = 1024) {
	const [className, event, field] = NODES[provider];
	const node = new (dist(`nodes/${className}/${className}.node`)[className])();
	const count = quick ? 1000 : 3000;
	const requests = Array.from({ length: count }, (_, i) => {
		const body = bodyOfSize(provider, event, field, sizeBytes, i);
		const headers = {};
		for (const [k, v] of Object.entries(prepareRequest(provider, body, { url: 'http://bench', secret: SECRET, headerName: HEADER_NAME }).headers)) headers[k.toLowerCase()] = v;
		return { raw: Buffer.from(body), headers };
	});
	const fill = (state) => {
		resetDedupeStores();
		const store = dedupeStoreFor('bench:bench:live');
		const now = Date.now() - DEFAULT_DEDUPE_MAX_ENTRIES * 1000;
		for (let i = 0; i < DEFAULT_DEDUPE_MAX_ENTRIES; i++) record(store, bodyKeyOfDigest(createHmac('sha256', 'fill').update(String(i)).digest('hex')), now + i * 100, 1e12);
		state.staticData = { dedupe: store.toPersisted() };
	};
	const state = { staticData: {} };
	const contexts = requests.map((r) => fakeContext(credentialsOf(provider), r, state));
	let best = Infinity;
	for (let pass = 0; pass < 3; pass++) {
		fill(state);
		const started = performance.now();
		for (const context of contexts) {
			const result = await node.webhook.call(context);
			void result.webhookResponse; // as n8n: reading the answer writes the dedupe record
			if (!result.workflowData) throw new Error(`${provider}: a new event at the bound emitted nothing`);
		}
		best = Math.min(best, ((performance.now() - started) * 1000) / count);
	}
	const saved = { [`node:Trigger`]: state.staticData };
	const time = (fn) => {
		let t = Infinity;
		for (let pass = 0; pass < 3; pass++) {
			const started = performance.now();
			for (let i = 0; i < 100; i++) fn();
			t = Math.min(t, ((performance.now() - started) * 1000) / 100);
		}
		return t;
	};
	const text = JSON.stringify(saved);
	return {
		provider,
		size: sizeBytes,
		usPerRequest: best,
		staticDataBytes: text.length,
		usStringify: time(() => JSON.stringify(saved)),
		usParse: time(() => JSON.parse(text)),
	};
}

async function main() {
	const results = [];
	// --only may name a size of its own (e.g. chatzuri:262144, to place a threshold)
	const sizes = [...new Set([...SIZES.map(([, size]) => size), ...only.map(([, b]) => Number(b)).filter((b) => Number.isInteger(b) && b > 0)])].sort((a, b) => a - b);
	for (const provider of Object.keys(NODES)) {
		for (const size of sizes) if (selected(provider, size)) results.push(await measure(provider, size));
	}
	const bound = only.length === 0 ? await atBound() : undefined;
	const heap = dedupeHeap();
	return { results, heap, bound, node: process.version };
}

module.exports = { main, SIZES };

if (require.main === module) {
	main().then(({ results, heap, bound, node }) => {
		const json = (process.argv.find((a) => a.startsWith('--json=')) || '').slice(7);
		if (json) require('fs').writeFileSync(json, JSON.stringify({ results, heap: heap && { entries: heap.entries, bytes: heap.bytes, journalBytes: heap.journalBytes }, bound, node }, null, 2));
		if (bound) console.log(`at the bound: ${bound.provider} ${bound.size} B: ${bound.usPerRequest.toFixed(1)} µs per request; static data ${bound.staticDataBytes} B: JSON.stringify ${bound.usStringify.toFixed(0)} µs, JSON.parse ${bound.usParse.toFixed(0)} µs`);
		for (const r of results) {
			console.log(
				`${r.provider.padEnd(10)} ${String(r.size).padStart(8)} B  ours ${r.usOurs.toFixed(1).padStart(8)} µs  floor ${r.usFloor.toFixed(1).padStart(8)} µs  ratio ${r.ratio.toFixed(2)}` +
					`   CPU (all threads) ours ${r.cpuUsOurs.toFixed(1).padStart(8)} µs  floor ${r.cpuUsFloor.toFixed(1).padStart(8)} µs  ratio ${r.cpuRatio.toFixed(2)}` +
					(r.mainCpuUsOurs === undefined ? '' : `   main thread CPU ours ${r.mainCpuUsOurs.toFixed(1).padStart(8)} µs  floor ${r.mainCpuUsFloor.toFixed(1).padStart(8)} µs  ratio ${r.mainCpuRatio.toFixed(2)}`),
			);
		}
		if (heap) console.log(`dedupe store at its bound: ${heap.entries} entries, ${(heap.bytes / 1024).toFixed(0)} KiB heap, journal ${(heap.journalBytes / 1024).toFixed(0)} KiB`);
	});
}
