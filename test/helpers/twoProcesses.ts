/**
 * Two n8n "processes" that receive one workflow's webhooks (queue mode's `n8n webhook`
 * processes): each is the trigger loaded in a module state of its own (jest.isolateModules), so
 * each has its own in-memory dedupe stores and Redis connections, as two processes have. What they
 * share is what n8n shares between them: the workflow's static data, as one row in the database
 * (`db`), which n8n loads afresh for every request and saves after it, whole, when it changed
 * (last writer wins), and, for the Redis store, the Redis.
 */
import type { IDataObject, INodeType } from 'n8n-workflow';

import { callWebhook, type FakeNodeInit, type WebhookCall } from './webhookContext';

export interface Receiver {
	node: INodeType;
	/** This process's Redis connections (closed at the end). */
	closeRedis(): Promise<void>;
}

/** A fresh process: the Buzzeasy Trigger with module state of its own. */
export function startReceiver(): Receiver {
	let receiver: Receiver | undefined;
	jest.isolateModules(() => {
		/* eslint-disable @typescript-eslint/no-require-imports */
		const { BuzzeasyTrigger } = require('../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node') as typeof import('../../nodes/BuzzeasyTrigger/BuzzeasyTrigger.node');
		const { redisConnections } = require('../../nodes/shared/redisStore') as typeof import('../../nodes/shared/redisStore');
		/* eslint-enable @typescript-eslint/no-require-imports */
		receiver = { node: new BuzzeasyTrigger(), closeRedis: () => redisConnections.closeAll() };
	});
	return receiver!;
}

export const SECRET = 'two-processes-secret-0123';

export const workItem = (id: string) =>
	JSON.stringify({ id, mediaType: 'Webchat', isOutbound: true, createdAt: '2022-03-08T07:39:47.6052457Z', closedAt: '2022-03-08T07:41:47.6052457Z', agent: { id: 'a1', name: 'Agent', email: 'a@b.c', phone: '+1' }, result: 'Handled' });

/** The workflow's static data as the database holds it, shared by every receiver. */
export class StaticDataRow {
	private row = '{}';

	/** What n8n loads for a request. */
	load(): IDataObject {
		return JSON.parse(this.row) as IDataObject;
	}

	/** What n8n does after the request: saves the request's copy when it changed. */
	saveIfChanged(loaded: string, copy: IDataObject): void {
		const now = JSON.stringify(copy);
		if (now !== loaded) this.row = now;
	}

	get text(): string {
		return this.row;
	}
}

/**
 * One delivery to one receiver, as n8n runs it: static data loaded from the row, the trigger's
 * webhook(), n8n stores the execution and reads the answer, the answer goes out ('finish'), and
 * the static data is saved when it changed.
 */
export async function deliver(receiver: Receiver, db: StaticDataRow, body: string, init: FakeNodeInit = {}): Promise<WebhookCall> {
	const staticData = db.load();
	const loaded = JSON.stringify(staticData);
	const call = await callWebhook(receiver.node, { body, headers: { 'x-api-key': SECRET } }, { credentials: { apiKey: SECRET }, staticData, ...init });
	call.finish();
	db.saveIfChanged(loaded, staticData);
	return call;
}
