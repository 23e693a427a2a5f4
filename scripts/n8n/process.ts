/**
 * The n8n process: the environment it runs with (its own user folder, loopback only, no phoning
 * home, an owner account given by the environment), its CLI, and `n8n start` in a process group of
 * its own that `stop()` always ends whole (n8n and its task runners).
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { log, run, tailOf } from './exec';
import { TIMEOUT, fatal, httpRequest, raceTimeout, waitFor } from './http';
import type { N8nInstall } from './install';
import { nodeEnv } from './node';

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
	/** bcrypt hash of `password`, made once (bcryptHash) to spare each start the work. */
	passwordHash?: string;
}

export const DEFAULT_OWNER: Readonly<Owner> = Object.freeze({
	email: 'owner@verified-webhooks.test',
	password: 'Verified-Webhooks-1',
	firstName: 'Test',
	lastName: 'Owner',
});

export interface StartOptions {
	port: number;
	userFolder: string;
	logFile?: string;
	encryptionKey?: string;
	owner?: Owner;
	/** More variables for n8n (they win over the defaults). */
	env?: Record<string, string>;
	/** The n8n command to run (default `start`; queue mode also runs `worker` and `webhook`). */
	command?: 'start' | 'worker' | 'webhook';
}

export interface ExitInfo {
	code: number | null;
	signal: NodeJS.Signals | null;
}

export interface N8nProcess {
	url: string;
	port: number;
	pid: number;
	logFile: string;
	userFolder: string;
	exited: Promise<ExitInfo>;
	readonly exitInfo: ExitInfo | undefined;
	/** SIGTERM to the whole group, then SIGKILL after `graceMs` (default 20 s; 0: SIGKILL at once). */
	stop(options?: { graceMs?: number }): Promise<void>;
	/** The end of n8n's log, for error messages. */
	logTail(chars?: number): string;
}

/** bcrypt hash made with n8n's own bcryptjs, for N8N_INSTANCE_OWNER_PASSWORD_HASH. */
export function bcryptHash(n8n: N8nInstall, password: string): string {
	const n8nRequire = createRequire(path.join(n8n.n8nPackageDir, 'package.json'));
	const bcrypt = n8nRequire('bcryptjs') as { hashSync(password: string, rounds: number): string };
	return bcrypt.hashSync(password, 10);
}

/**
 * The environment n8n runs with. The owner is given by N8N_INSTANCE_OWNER_* (read by n8n 2.x; on
 * n8n 1.x, which ignores them, the harness sets the owner up through the REST API instead).
 */
export function n8nEnv(n8n: N8nInstall, { port, userFolder, owner = DEFAULT_OWNER, encryptionKey, env = {} }: StartOptions): NodeJS.ProcessEnv {
	const base = nodeEnv(n8n.node);
	// Keep the caller's npm/jest variables out of n8n's environment.
	for (const key of Object.keys(base)) {
		if (/^(npm_|JEST_|NODE_OPTIONS$|NODE_PATH$|N8N_|DB_|EXECUTIONS_|WEBHOOK_URL$)/.test(key)) delete base[key];
	}
	return {
		...base,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey || 'verified-webhooks-local-encryption-key',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(port + 10000),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: owner.passwordHash || bcryptHash(n8n, owner.password),
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		...env,
	};
}

export interface CliOptions extends Omit<StartOptions, 'port'> {
	port?: number;
}

/**
 * Runs one n8n CLI command (n8n must not be running on the same user folder). Its output is
 * returned, or, with `options.logFile`, appended to that file (and its end shown if it fails).
 */
export async function runN8nCli(n8n: N8nInstall, args: string[], options: CliOptions): Promise<string> {
	const env = n8nEnv(n8n, { port: 5678, ...options });
	return run(n8n.node.bin, [n8n.n8nBin, ...args], { cwd: options.userFolder, env, quiet: true, logFile: options.logFile, label: `n8n ${args[0]}` });
}

/** Starts `n8n start` (or `options.command`) in its own process group with its output in `logFile`. */
export function startN8n(n8n: N8nInstall, options: StartOptions): N8nProcess {
	const { port, userFolder, logFile = path.join(userFolder, 'n8n.log'), command = 'start' } = options;
	fs.mkdirSync(userFolder, { recursive: true });
	const env = n8nEnv(n8n, options);
	const out = fs.openSync(logFile, 'a');
	const child = childProcess.spawn(n8n.node.bin, [n8n.n8nBin, command], { cwd: userFolder, env, detached: true, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`could not start n8n (${n8n.n8nBin})`);
	let exitInfo: ExitInfo | undefined;
	const exited = new Promise<ExitInfo>((resolve) => {
		child.on('exit', (code, signal) => {
			exitInfo = { code, signal };
			resolve(exitInfo);
		});
	});
	const killGroup = (signal: NodeJS.Signals) => {
		try {
			process.kill(-pid, signal);
			return true;
		} catch {
			return false;
		}
	};
	// Never leave an n8n behind if the caller dies without calling stop().
	const onExit = () => killGroup('SIGKILL');
	process.on('exit', onExit);

	let stopping: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		pid,
		logFile,
		userFolder,
		exited,
		get exitInfo() {
			return exitInfo;
		},
		stop({ graceMs = 20000 } = {}) {
			if (stopping) return stopping;
			stopping = (async () => {
				// graceMs 0: a hard kill (SIGKILL at once, nothing of n8n's shutdown runs)
				if (!exitInfo && graceMs > 0) {
					killGroup('SIGTERM');
					if ((await raceTimeout(exited, graceMs)) === TIMEOUT) log(`n8n (pid ${pid}) did not stop in ${graceMs} ms: killing it`);
				}
				// Its task runners and anything else it started share the group.
				killGroup('SIGKILL');
				await raceTimeout(exited, 5000);
				process.removeListener('exit', onExit);
			})();
			return stopping;
		},
		logTail(chars = 6000) {
			return tailOf(logFile, chars);
		},
	};
}

/** Waits until n8n answers `/healthz` with 200 (the HTTP server is up; webhooks may still 404). */
export async function waitForHealthy(handle: N8nProcess, { timeoutMs = 180000 }: { timeoutMs?: number } = {}): Promise<true> {
	return waitFor(
		async () => {
			if (handle.exitInfo) throw fatal(`n8n exited early (${JSON.stringify(handle.exitInfo)}):\n${handle.logTail()}`);
			const res = await httpRequest(`${handle.url}/healthz`);
			return res.status === 200;
		},
		{ timeoutMs, intervalMs: 500, what: `n8n at ${handle.url}/healthz` },
	).catch((err: Error) => {
		throw new Error(`${err.message}\n--- n8n log ---\n${handle.logTail()}`);
	}) as Promise<true>;
}
