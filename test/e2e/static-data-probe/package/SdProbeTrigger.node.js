'use strict';
/**
 * A webhook trigger that writes `mark` into its node static data in one of four ways
 * (parameter `strategy`), to see which writes n8n saves. See ../run.mjs and ../../STATIC-DATA-FINDINGS.md.
 */
class SdProbeTrigger {
	constructor() {
		this.description = {
			displayName: 'SD Probe Trigger',
			name: 'sdProbeTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Static-data probe',
			defaults: { name: 'Probe' },
			inputs: [],
			outputs: ['main'],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
			properties: [{ displayName: 'Strategy', name: 'strategy', type: 'string', default: 'plain' }],
		};
	}

	async webhook() {
		const strategy = this.getNodeParameter('strategy');
		const res = this.getResponseObject();
		const body = this.getBodyData() || {};
		// readiness: answers without touching static data, starts nothing
		if (body.ping) return { webhookResponse: { pong: true } };
		const staticData = this.getWorkflowStaticData('node');
		// a request that starts nothing: n8n saves its change, so the static data is no longer empty
		if (body.prime) {
			staticData.primed = body.prime;
			return { webhookResponse: { primed: true } };
		}
		const mark = body.mark;
		switch (strategy) {
			case 'plain': // write in webhook(), n8n answers (onReceived, firstEntryJson)
				staticData.mark = mark;
				return { workflowData: [[{ json: { mark } }]] };
			case 'noWebhookResponse': // write in webhook(), answer ourselves
				staticData.mark = mark;
				res.status(200).json({ ok: true });
				return { noWebhookResponse: true, workflowData: [[{ json: { mark } }]] };
			case 'finish': // write only once the answer has gone out
				res.once('finish', () => {
					staticData.mark = mark;
				});
				return { workflowData: [[{ json: { mark } }]] };
			case 'execute': // write in execute(), which n8n runs for the start node during the execution
				return { workflowData: [[{ json: { mark, writeInExecute: true } }]] };
			default:
				throw new Error(`unknown strategy ${strategy}`);
		}
	}

	async execute() {
		const items = this.getInputData();
		const first = items[0] && items[0].json;
		if (first && first.writeInExecute) this.getWorkflowStaticData('node').mark = first.mark;
		return [items];
	}
}
exports.SdProbeTrigger = SdProbeTrigger;
