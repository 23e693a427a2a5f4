import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { Workflow, createRunExecutionData, type IDataObject, type INode, type INodeType, type IRun, type WorkflowExecuteMode } from 'n8n-workflow';

import { PACKAGE_NAME, TestCredentialsHelper, additionalDataFor, ensureHost, nodeTypesFor } from './n8nHost';

/**
 * Runs the execution n8n starts with what a trigger's webhook() handed over (`workflowData`: one
 * list of items per output), as n8n 2.41.1's WebhookHelpers.executeWebhook does: the trigger node on
 * the execution stack with that data, run by n8n-core's own WorkflowExecute (which calls the
 * trigger's execute() when it has one). Returns n8n's run: its custom data
 * (`data.resultData.metadata`), the trigger's output and hints (`data.resultData.runData.Trigger`).
 */
export async function runTriggerExecution(node: INodeType, workflowData: Array<Array<{ json: IDataObject }>>, mode: WorkflowExecuteMode = 'webhook'): Promise<IRun> {
	ensureHost();
	const type = `${PACKAGE_NAME}.${node.description.name}`;
	const trigger: INode = { id: 'node-1', name: 'Trigger', type, typeVersion: node.description.defaultVersion ?? 1, position: [0, 0], webhookId: 'webhook-1', parameters: {} };
	const workflow = new Workflow({ id: 'wf-run', name: 'Run', nodes: [trigger], connections: {}, active: true, nodeTypes: nodeTypesFor(type, node), staticData: {}, settings: { executionOrder: 'v1' } });
	const additionalData = additionalDataFor(new TestCredentialsHelper(new Map()), undefined, undefined, 'wf-run');
	additionalData.hooks = new ExecutionLifecycleHooks(mode, 'execution-1', { id: 'wf-run', name: 'Run', nodes: [trigger], connections: {}, active: true, settings: {} } as never);
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: workflow.getNode('Trigger')!, data: { main: workflowData }, source: null }] },
	});
	return await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
}
