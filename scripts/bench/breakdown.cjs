/**
 * Where the time of one webhook() goes: each step of the pipeline (nodes/shared/pipeline.ts) timed
 * alone over the same bodies as inprocess.cjs, in µs per request, beside the floor's two parts.
 * Run after `npm run build`: node scripts/bench/breakdown.cjs [--only=chatzuri:1024,buzzeasy]
 */
const { createHmac } = require('crypto');
const { performance } = require('perf_hooks');

// BENCH_DIST: another build to measure (a prototype of a change), the repository's dist/ by default
const DIST = process.env.BENCH_DIST ? require('path').resolve(process.env.BENCH_DIST) : require('path').join(__dirname, '..', '..', 'dist');
const dist = (p) => require(`${DIST}/${p}`);
const { PROVIDERS } = dist('nodes/shared/providers');
const { buildSample, serialSource } = require('../../packages/cli/dist/lib');
const { prepareRequest } = require('../../packages/cli/dist/lib');
const { parseJsonSafely } = dist('nodes/shared/core/json');
const { sha256Hex } = dist('nodes/shared/core/hash');
const { verifyRequest } = dist('nodes/shared/core/verify');
const { DedupeStore, storageKey } = dist('nodes/shared/core/dedupe');
const { bodyKey } = dist('nodes/shared/core/deliveryKey');

/** A delivery stored at once (claimed and committed): whether its key had been seen. */
function record(store, key, at, windowMs) {
	const claim = store.claim(key, at, windowMs);
	if (claim.status === 'new') claim.ticket.commit();
	return claim.status !== 'new';
}

/** Every registered provider: the event and text field its sample rules name. */
const NODES = Object.fromEntries(Object.entries(PROVIDERS).map(([id, definition]) => [id, [definition.samples.text.event, definition.samples.text.path]]));
const SIZES = [1024, 64 * 1024, 1024 * 1024];
const SECRET = 'bench-secret-0123456789abcdef';
const HEADER_NAME = 'X-Bench-Token';
const only = (process.argv.find((a) => a.startsWith('--only=')) || '').slice(7).split(',').filter(Boolean).map((s) => s.split(':'));
const selected = (provider, size) => only.length === 0 || only.some(([p, b]) => p === provider && (b === undefined || Number(b) === size));

function setPath(target, path, value) {
	const parts = path.split('.');
	let node = target;
	for (const part of parts.slice(0, -1)) node = node[part] ?? (node[part] = {});
	node[parts[parts.length - 1]] = value;
}

function bodies(provider, size, count) {
	const [event, field] = NODES[provider];
	return Array.from({ length: count }, (_, i) => {
		// a new event each time: the provider's own sample rules with a serial
		const sample = buildSample(provider, event, { overrides: { [field]: '' }, source: serialSource(i, 'bench', new Date()) });
		const base = JSON.stringify(sample).length;
		setPath(sample, field, 'lorem ipsum dolor sit amet '.repeat(Math.ceil(size / 27)).slice(0, Math.max(0, size - base)));
		const text = JSON.stringify(sample);
		const headers = {};
		for (const [k, v] of Object.entries(prepareRequest(provider, text, { url: 'http://bench', secret: SECRET, headerName: HEADER_NAME }).headers)) headers[k.toLowerCase()] = v;
		return { raw: Buffer.from(text), text, headers };
	});
}

/** µs per call, best of three passes of `n` calls over the inputs. */
function time(inputs, n, fn) {
	let best = Infinity;
	let sink = 0;
	for (let pass = 0; pass < 4; pass++) {
		const started = performance.now();
		for (let i = 0; i < n; i++) sink += fn(inputs[i % inputs.length], i) ? 1 : 0;
		const us = ((performance.now() - started) * 1000) / n;
		if (pass > 0) best = Math.min(best, us);
	}
	if (sink < 0) console.log(sink);
	return best;
}

function breakdown(provider, size) {
	const definition = PROVIDERS[provider];
	const n = Math.max(40, Math.round(20_000_000 / size));
	const inputs = bodies(provider, size, size >= 1 << 20 ? 20 : 500);
	const algorithm = definition.verification.algorithm ?? 'sha256';
	const secrets = { current: SECRET, previous: '', headerName: HEADER_NAME };
	const parsed = inputs.map((r) => parseJsonSafely(r.text).value);
	const validated = parsed.map((v) => definition.schema.safeParse(v).data);
	const described = validated.map((v) => definition.describe(v, {}));
	const rows = {
		'floor: createHmac': time(inputs, n, (r) => createHmac(algorithm, SECRET).update(r.raw).digest()[0]),
		'floor: JSON.parse(toString)': time(inputs, n, (r) => JSON.parse(r.raw.toString('utf8'))),
		'verifyRequest': time(inputs, n, (r) => verifyRequest(definition.verification, { rawBody: r.raw, headers: r.headers }, secrets).ok),
		'rawBody.toString': time(inputs, n, (r) => r.raw.toString('utf8').length),
		'parseJsonSafely (JSON.parse + scans)': time(inputs, n, (r) => parseJsonSafely(r.text).ok),
		'  of which JSON.parse': time(inputs, n, (r) => JSON.parse(r.text)),
		'schema.safeParse (zod)': time(parsed, n, (v) => definition.schema.safeParse(v).success),
		'describe (normalize)': time(validated, n, (v) => definition.describe(v, {}).event),
		'sha256Hex(rawBody) (body-hash key)': time(inputs, n, (r) => sha256Hex(r.raw).length),
		'dedupe storageKey': (() => {
			const keys = described.map((d, i) => d.eventId ?? bodyKey(inputs[i].raw));
			return time(keys, n, (k) => storageKey(k).length);
		})(),
		'dedupe claim + commit (new key each time)': (() => {
			// every call a key not seen yet, the clock moving as in a run: the store a trigger holds
			const keys = Array.from({ length: n * 4 }, (_, i) => (described[0].eventId ? `${described[0].eventId}-${i}` : bodyKey(String(i))));
			let store = new DedupeStore();
			let t = Date.now();
			let c = 0;
			return time([0], n, () => {
				if (c % 5000 === 0) store = new DedupeStore();
				return record(store, keys[c++], (t += 0.05), 96 * 3_600_000);
			});
		})(),
		'dedupe toPersisted (journal)': (() => {
			const store = new DedupeStore();
			for (let i = 0; i < 10_000; i++) record(store, `k${i}`, i, 1e12);
			return time([0], n, () => store.toPersisted().journal.length);
		})(),
	};
	return { provider, size, rows };
}

const out = [];
for (const provider of Object.keys(NODES)) for (const size of SIZES) if (selected(provider, size)) out.push(breakdown(provider, size));
const names = Object.keys(out[0].rows);
console.log(`${'step'.padEnd(40)}${out.map((o) => `${o.provider}:${o.size}`.padStart(18)).join('')}`);
for (const name of names) console.log(`${name.padEnd(40)}${out.map((o) => o.rows[name].toFixed(2).padStart(18)).join('')}`);
module.exports = { breakdown };
