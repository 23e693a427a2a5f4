/**
 * The compat stage (`npm run test:compat`): the end-to-end essentials against every n8n version
 * that has a lock folder in scripts/n8n/versions/ (or those in $COMPAT_N8N_VERSIONS, comma
 * separated), oldest first, one n8n at a time: each version's n8n is started in its describe's
 * beforeAll and stopped in its afterAll whatever happens, before the next one starts.
 *
 * On each version, with the providers' and the presets' workflows of the e2e suite
 * (providers.suite.ts, presets.suite.ts, whose checks these cases call):
 * - loads: `/types/nodes.json` serves the six nodes, Settings → Community nodes lists the package
 *   with them and without `failedLoading`;
 * - examples: every provider's documented example (test/fixtures) and a signed request of each
 *   preset of the Verified Webhook Trigger (GitHub, Standard Webhooks, custom HMAC) is answered 200
 *   and becomes exactly one execution with the exact item (Chatzuri's answer `{"status":"accepted"}`);
 * - forged: a wrong secret (providers) or a tampered signature (presets) is answered 401 and starts
 *   nothing;
 * - duplicate: the same delivery again, sequentially, is answered 200 and starts nothing;
 * - concurrent: the same delivery four times at once starts exactly one execution, and exactly one
 *   answer says "received" (Chatzuri answers every one `{"status":"accepted"}`);
 * - unrecognized: an authenticated body that is no event goes to the second output;
 * - restart: a delivery of every trigger, n8n stopped and started again, the same deliveries again
 *   start nothing and new ones run.
 *
 * It prints a table of the case counts per version and writes them (with each version's Node,
 * time and failing cases) to test/e2e/.work/compat-results.json, from which
 * `node scripts/compat-readme.mjs` writes README.md's "Supported n8n versions" table.
 * The port: $E2E_N8N_PORT (default 5690), the first free from there on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { compareVersions, knownVersions } from '../../../scripts/n8n/versions';
import { executionsOf, expectNoNewExecutions, n8n, send, setHarness, waitForExecutions } from '../context';
import type { PreparedRequest } from '../../../packages/cli/src/send';
import { N8nHarness, log, uniqueTag } from '../harness';
import { PRESET_TARGETS, delivery, expectOneExecution, expectRedeliveryStartsNothing, expectTamperedRejected, presetSetup, type PresetTarget } from '../presets.suite';
import {
	TARGETS,
	deliver,
	expectDuplicateStartsNothing,
	expectExampleExecution,
	expectRejected,
	expectUnrecognized,
	prepare,
	providerSetup,
	rejectionsOf,
	type Target,
} from '../providers.suite';

const PORT = Number(process.env.E2E_N8N_PORT || 5690);
const PACKAGE = 'n8n-nodes-verified-webhooks';
const SIX = ['buzzeasyTrigger', 'tracebuzzTrigger', 'chatzuriTrigger', 'buzzBipTrigger', 'apiRtcTrigger', 'verifiedWebhookTrigger'].map((n) => `${PACKAGE}.${n}`);
export const RESULTS_FILE = path.join(N8nHarness.defaultWorkRoot, 'compat-results.json');
const VERSIONS = (process.env.COMPAT_N8N_VERSIONS ? process.env.COMPAT_N8N_VERSIONS.split(',').map((v) => v.trim()) : knownVersions()).filter(Boolean);
/** The case groups, in the table's order. */
const GROUPS = ['loads', 'examples', 'forged', 'duplicate', 'concurrent', 'unrecognized', 'restart'] as const;
type Group = (typeof GROUPS)[number];

jest.setTimeout(5 * 60 * 1000);

interface VersionResult {
	version: string;
	node?: string;
	started: boolean;
	startSeconds?: number;
	seconds?: number;
	cases: Record<Group, { planned: number; passed: number }>;
	failures: string[];
}

const results = new Map<string, VersionResult>();

function resultOf(version: string): VersionResult {
	let r = results.get(version);
	if (!r) {
		r = { version, started: false, cases: Object.fromEntries(GROUPS.map((g) => [g, { planned: 0, passed: 0 }])) as VersionResult['cases'], failures: [] };
		results.set(version, r);
	}
	return r;
}

/** A case of a version, counted in its group: planned when registered, passed when it passes (a case never run counts as failed). */
function compatCase(version: string, group: Group, name: string, fn: () => Promise<void>): void {
	const r = resultOf(version);
	r.cases[group].planned += 1;
	it(`${group}: ${name}`, async () => {
		try {
			await fn();
			r.cases[group].passed += 1;
		} catch (error) {
			r.failures.push(`${group}: ${name}`);
			throw error;
		}
	});
}

/** The same prepared request `copies` times at once: every answer 200, one execution, one "received" (Chatzuri: all `accepted`). */
async function expectConcurrentCopiesRunOnce(workflowId: string, request: PreparedRequest, chatzuri: boolean, copies = 4): Promise<void> {
	const before = (await executionsOf(workflowId)).length;
	const answers = await Promise.all(Array.from({ length: copies }, () => send(request)));
	expect(answers.map((a) => a.status)).toEqual(Array(copies).fill(200));
	if (chatzuri) expect(answers.map((a) => a.body)).toEqual(Array(copies).fill('{"status":"accepted"}'));
	else expect(answers.filter((a) => /"received"/.test(a.body)).length).toBe(1);
	await waitForExecutions(workflowId, before + 1);
	await expectNoNewExecutions(workflowId, before + 1);
}

const presetPath = (t: PresetTarget) => `${t.webhookId}/webhook`;

function writeResults(): void {
	const all = VERSIONS.map((v) => resultOf(v));
	const rows = all.map((r) => {
		const total = GROUPS.reduce((n, g) => n + r.cases[g].planned, 0);
		const passed = GROUPS.reduce((n, g) => n + r.cases[g].passed, 0);
		return { ...r, total, passed, failed: total - passed };
	});
	const header = ['n8n', 'Node', ...GROUPS, 'passed', 'failed', 'time'];
	const lines = [header, ...rows.map((r) => [r.version, r.node ?? '?', ...GROUPS.map((g) => `${r.cases[g].passed}/${r.cases[g].planned}`), String(r.passed), String(r.failed), r.seconds !== undefined ? `${r.seconds} s` : '-'])];
	const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
	const table = lines.map((l) => l.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
	process.stdout.write(`\ncompat: cases per n8n version (passed/planned)\n${table}\n\n`);
	// a run of some versions (COMPAT_N8N_VERSIONS) keeps the last results of the others
	let previous: Array<{ version: string }> = [];
	try {
		previous = (JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8')) as { versions: Array<{ version: string }> }).versions.filter((v) => !VERSIONS.includes(v.version));
	} catch {
		previous = [];
	}
	const at = new Date().toISOString();
	const versions = [...previous, ...rows.map((r) => ({ ...r, at }))].sort((a, b) => compareVersions(a.version, b.version));
	fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
	fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ at, groups: GROUPS, versions }, null, 2)}\n`);
	log(`compat: results written to ${RESULTS_FILE}`);
}

afterAll(() => writeResults());

if (VERSIONS.length === 0) throw new Error('no n8n version to test: scripts/n8n/versions/ has no lock folder and COMPAT_N8N_VERSIONS is empty');

describe.each(VERSIONS)('n8n %s', (version) => {
	const result = resultOf(version);
	let harness: N8nHarness | undefined;
	let since = 0;

	beforeAll(async () => {
		since = Date.now();
		const setups = [providerSetup(), presetSetup()];
		harness = await N8nHarness.create({
			n8nVersion: version,
			port: PORT,
			workRoot: path.join(N8nHarness.defaultWorkRoot, 'compat'),
			workflows: setups.flatMap((s) => s.workflows),
			credentials: setups.flatMap((s) => s.credentials),
			readiness: setups.flatMap((s) => s.readiness),
		});
		result.node = harness.n8n.node.version;
		result.started = true;
		result.startSeconds = Math.round((Date.now() - since) / 1000);
		setHarness(harness);
	}, 30 * 60 * 1000);

	afterAll(async () => {
		setHarness(undefined);
		await harness?.stop();
		result.seconds = Math.round((Date.now() - since) / 1000);
	}, 60 * 1000);

	compatCase(version, 'loads', 'the six nodes are served and Settings → Community nodes lists the package with them', async () => {
		const types = await n8n().editorGet<Array<{ name: string }>>('/types/nodes.json');
		expect(SIX.filter((type) => types.some((t) => t.name === type))).toEqual(SIX);
		const packages = await n8n().editorGet<{ data: Array<{ packageName: string; failedLoading?: boolean; installedNodes: Array<{ type: string }> }> }>('/rest/community-packages');
		const listed = packages.data.find((p) => p.packageName === PACKAGE);
		expect(listed).toBeDefined();
		expect(listed!.failedLoading ?? false).toBe(false);
		expect(listed!.installedNodes.map((n) => n.type).sort()).toEqual([...SIX].sort());
	});

	for (const t of TARGETS) {
		for (const example of t.fixture.examples) {
			compatCase(version, 'examples', `${t.fixture.displayName} "${example.title}" is one execution with its item`, () => expectExampleExecution(t, example));
		}
	}
	for (const t of PRESET_TARGETS) {
		compatCase(version, 'examples', `Verified Webhook Trigger (${t.title}) is one execution with provider, event and eventId`, () => expectOneExecution(t, delivery(t)));
	}

	for (const t of TARGETS) {
		const [, wrongSecret] = rejectionsOf(t).find(([kind]) => kind === 'a wrong secret')!;
		compatCase(version, 'forged', `${t.fixture.displayName}: a wrong secret is 401 and starts nothing`, () => expectRejected(t, wrongSecret));
	}
	for (const t of PRESET_TARGETS) {
		compatCase(version, 'forged', `Verified Webhook Trigger (${t.title}): a wrong signature is 401 and starts nothing`, () => expectTamperedRejected(t, 'signature'));
	}

	for (const t of TARGETS) {
		compatCase(version, 'duplicate', `${t.fixture.displayName}: the same delivery again is 200 and starts nothing`, () => expectDuplicateStartsNothing(t));
	}
	for (const t of PRESET_TARGETS) {
		compatCase(version, 'duplicate', `Verified Webhook Trigger (${t.title}): a redelivery is 200 duplicate and starts nothing`, () => expectRedeliveryStartsNothing(t));
	}

	for (const t of TARGETS) {
		compatCase(version, 'concurrent', `${t.fixture.displayName}: four copies at once start one execution`, async () => {
			const request = prepare(t, JSON.stringify(t.fixture.uniqueDelivery(uniqueTag())));
			await expectConcurrentCopiesRunOnce(t.workflowId, request, t.fixture.provider === 'chatzuri');
		});
	}
	for (const t of PRESET_TARGETS) {
		compatCase(version, 'concurrent', `Verified Webhook Trigger (${t.title}): four copies at once start one execution`, async () => {
			const { request } = delivery(t);
			await expectConcurrentCopiesRunOnce(t.workflowId, request, false);
		});
	}

	for (const t of TARGETS) {
		compatCase(version, 'unrecognized', `${t.fixture.displayName}: an unrecognized body goes to the Unrecognized output`, () => expectUnrecognized(t));
	}

	compatCase(version, 'restart', 'every trigger remembers its deliveries across an n8n restart, and new ones still run', async () => {
		const providers: Array<{ t: Target; body: unknown; count: number }> = [];
		for (const t of TARGETS) {
			const body = t.fixture.uniqueDelivery(uniqueTag());
			const before = (await executionsOf(t.workflowId)).length;
			expect((await deliver(t, body)).status).toBe(200);
			await waitForExecutions(t.workflowId, before + 1);
			providers.push({ t, body, count: before + 1 });
		}
		const presets: Array<{ t: PresetTarget; d: ReturnType<typeof delivery>; count: number }> = [];
		for (const t of PRESET_TARGETS) {
			const d = delivery(t);
			await expectOneExecution(t, d);
			presets.push({ t, d, count: (await executionsOf(t.workflowId)).length });
		}

		await n8n().restart();

		for (const { t, body, count } of providers) {
			expect((await deliver(t, body)).status).toBe(200);
			await expectNoNewExecutions(t.workflowId, count);
		}
		for (const { t, d, count } of presets) {
			// the same request, to the URL of the n8n now running
			const again = await send({ ...d.request, url: `${n8n().url}/webhook/${presetPath(t)}` });
			expect(again.status).toBe(200);
			expect(JSON.parse(again.body)).toEqual({ status: 'duplicate' });
			await expectNoNewExecutions(t.workflowId, count);
		}
		for (const { t, count } of providers) {
			expect((await deliver(t, t.fixture.uniqueDelivery(uniqueTag()))).status).toBe(200);
			await waitForExecutions(t.workflowId, count + 1);
		}
		for (const { t } of presets) await expectOneExecution(t, delivery(t));
	});
});
