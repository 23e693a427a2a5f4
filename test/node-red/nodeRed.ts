/**
 * A real Node-RED (the node-red devDependency, 4.1.15) in a user directory of its own, for the
 * end-to-end test: started as `node-red --userDir <dir> --settings <file>`, on a port of the
 * caller's, with its log kept; stopped as Ctrl-C stops it (SIGINT: Node-RED then closes its nodes
 * and flushes its context stores), killed when it does not stop.
 */
import { spawn, type ChildProcess } from 'child_process';
import { request } from 'http';
import { join } from 'path';

export interface NodeRed {
	url: string;
	log(): string;
	stop(): Promise<void>;
}

export function nodeRedScript(root: string): string {
	return join(root, 'node_modules', 'node-red', 'red.js');
}

/** An admin API call; the body as text. */
export function admin(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const text = body === undefined ? undefined : JSON.stringify(body);
		const req = request(`${url}${path}`, { method, headers: { ...(text ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {}), ...headers } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
		});
		req.on('error', reject);
		req.end(text);
	});
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, log?: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch {
			// not yet
		}
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${log ? `\n--- Node-RED log ---\n${log().slice(-4000)}` : ''}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Starts Node-RED and waits for its admin API. */
export async function startNodeRed(root: string, userDir: string, settingsFile: string, port: number): Promise<NodeRed> {
	let output = '';
	const child: ChildProcess = spawn(process.execPath, [nodeRedScript(root), '--userDir', userDir, '--settings', settingsFile, '--port', String(port)], {
		cwd: userDir,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
	child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	let gone = false;
	void exited.then(() => (gone = true));
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (gone) return;
		child.kill('SIGINT');
		let timer: NodeJS.Timeout | undefined;
		const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 20_000)))]);
		clearTimeout(timer);
		if (!stopped) {
			child.kill('SIGKILL');
			await exited;
		}
	};
	try {
		await waitFor(
			'Node-RED to start',
			async () => {
				if (gone) throw new Error('exited');
				const res = await admin(url, 'GET', '/settings');
				return res.status === 200 && /Started flows/.test(output) ? true : undefined;
			},
			90_000,
			() => output,
		);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, log: () => output, stop };
}
