/**
 * What a newcomer meets in the editor of the real n8n 2.41.1 (run.e2e.test.ts's one n8n, set up by
 * the same runtime, scripts/n8n/, as `npm start`):
 * - Settings → Community nodes lists the package with its six nodes, as after an install from that
 *   page (n8n reads that list from its installed_packages / installed_nodes tables);
 * - the search term `npm start` prints finds exactly the six nodes in the node panel;
 * - what the README says about bodies n8n itself refuses before a trigger runs (422).
 */
import { executionsOf, expectNoNewExecutions, n8n, outputs, waitForExecutions } from './context';
import { NODE_SEARCH_TERM, httpRequest } from './harness';
import { TARGETS, prepare, webhookPath } from './providers.suite';
import { REGISTERED } from '../helpers/registry';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';

const PACKAGE = 'n8n-nodes-verified-webhooks';

/** The six nodes of package.json's `n8n.nodes`, by type and display name. */
const NODES: Record<string, string> = {
	[`${PACKAGE}.buzzeasyTrigger`]: 'Buzzeasy Trigger',
	[`${PACKAGE}.tracebuzzTrigger`]: 'Tracebuzz Trigger',
	[`${PACKAGE}.chatzuriTrigger`]: 'Chatzuri Trigger',
	[`${PACKAGE}.buzzBipTrigger`]: 'BuzzBip Trigger',
	[`${PACKAGE}.apiRtcTrigger`]: 'ApiRTC Trigger',
	[`${PACKAGE}.verifiedWebhookTrigger`]: 'Verified Webhook Trigger',
};

interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	failedLoading: boolean;
	installedNodes: Array<{ name: string; type: string; latestVersion: number }>;
}

interface NodeDescription {
	name: string;
	displayName: string;
	hidden?: boolean;
	codex?: { alias?: unknown[] };
}

/**
 * The filter of the editor's node search (n8n-editor-ui 2.41.1, the sublime search of the node
 * creator over `properties.displayName` and `properties.codex.alias`): a node is listed when the
 * term's characters appear in that order, in any case, in its display name or one of its aliases.
 * (Its score only orders the list; every node that passes this filter gets one.)
 */
function fuzzyMatches(term: string, text: string): boolean {
	let matched = 0;
	for (let i = 0; matched < term.length && i < text.length; i++) {
		if (term.charAt(matched).toLowerCase() === text.charAt(i).toLowerCase()) matched++;
	}
	return term.length > 0 && text.length > 0 && matched === term.length;
}

/** The request's headers with `contentType` as its only Content-Type. */
function withContentType(headers: Record<string, string>, contentType: string): Record<string, string> {
	const kept = Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type');
	return { ...Object.fromEntries(kept), 'Content-Type': contentType };
}

function search(types: NodeDescription[], term: string): string[] {
	const found = new Set<string>();
	for (const type of types) {
		const texts = [type.displayName, ...(type.codex?.alias ?? [])].filter((t): t is string => typeof t === 'string');
		if (texts.some((text) => fuzzyMatches(term, text))) found.add(type.name);
	}
	return [...found].sort();
}

export function communityTests(): void {
	describe('the editor a newcomer opens', () => {
		it('Settings → Community nodes lists the package with its six nodes (GET /rest/community-packages)', async () => {
			const { data } = await n8n().editorGet<{ data: InstalledPackage[] }>('/rest/community-packages');
			const installed = data.filter((p) => p.packageName === PACKAGE);
			expect(installed).toHaveLength(1);
			const [pkg] = installed;
			expect(pkg.installedVersion).toBe(require('../../package.json').version);
			// n8n sets failedLoading when none of the recorded node types is loaded
			expect(pkg.failedLoading).toBe(false);
			const nodes = Object.fromEntries(pkg.installedNodes.map((node) => [node.type, node.name]));
			expect(nodes).toEqual(NODES);
			// each node's newest version, as the built description says (Verified Webhook Trigger: 3)
			const latest = (version: number | number[]) => Math.max(...[version].flat());
			const expected = Object.fromEntries([...REGISTERED.map((r) => r.node.description), new VerifiedWebhookTrigger().description].map((d) => [`${PACKAGE}.${d.name}`, latest(d.version)]));
			expect(Object.fromEntries(pkg.installedNodes.map((node) => [node.type, node.latestVersion]))).toEqual(expected);
			expect(expected[`${PACKAGE}.verifiedWebhookTrigger`]).toBe(3);
		});

		it(`the node panel's search for "${NODE_SEARCH_TERM}" finds exactly the six nodes`, async () => {
			const types = await n8n().editorGet<NodeDescription[]>('/types/nodes.json');
			expect(types.length).toBeGreaterThan(300);
			expect(search(types, NODE_SEARCH_TERM)).toEqual(Object.keys(NODES).sort());
			// what the old start message advised buries them among n8n's own triggers
			const trigger = search(types, 'Trigger');
			expect(trigger).toEqual(expect.arrayContaining(Object.keys(NODES)));
			expect(trigger.length).toBeGreaterThan(50);
		});
	});

	describe('bodies n8n refuses before the trigger runs', () => {
		it.each(TARGETS.map((t) => [t.fixture.provider, t] as const))(
			'%s: a body sent as application/json that does not parse gets n8n\'s 422, signature or not, and starts nothing',
			async (_provider, t) => {
				const before = (await executionsOf(t.workflowId)).length;
				const unsigned = await n8n().post(webhookPath(t), 'not json', withContentType({}, 'application/json'));
				expect(unsigned.status).toBe(422);
				const signed = prepare(t, 'not json');
				const withAuth = await n8n().post(webhookPath(t), signed.body, withContentType(signed.headers, 'application/json'));
				expect(withAuth.status).toBe(422);
				await expectNoNewExecutions(t.workflowId, before);
			},
		);

		it.each(TARGETS.map((t) => [t.fixture.provider, t] as const))(
			'%s: the same authenticated body sent as text/plain reaches the Unrecognized output',
			async (_provider, t) => {
				const before = (await executionsOf(t.workflowId)).length;
				const raw = `not json ${Date.now()}`;
				const signed = prepare(t, raw);
				const res = await httpRequest(`${n8n().url}/webhook/${webhookPath(t)}`, {
					method: 'POST',
					headers: withContentType(signed.headers, 'text/plain'),
					body: signed.body,
				});
				expect(res.status).toBe(200);
				const [latest] = await waitForExecutions(t.workflowId, before + 1);
				const [events = [], unrecognized = []] = outputs(latest, t.nodeName);
				expect(events).toHaveLength(0);
				expect(unrecognized).toHaveLength(1);
				expect(unrecognized[0].json).toMatchObject({ reason: 'body is not valid JSON', raw, body: null });
			},
		);
	});
}
