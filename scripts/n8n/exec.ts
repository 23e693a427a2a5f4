/**
 * Running things: the repository's root, one log line format, child processes with their output
 * streamed or captured, and the npm that runs this script (so that Node 22/24 can run it too).
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-verified-webhooks';

export function log(message: string): void {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

export function elapsed(startMs: number): string {
	return `${((Date.now() - startMs) / 1000).toFixed(0)} s`;
}

export function readJson<T = any>(file: string): T | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
	} catch {
		return undefined;
	}
}

export function tailOf(file: string, chars: number): string {
	try {
		return fs.readFileSync(file, 'utf8').slice(-chars);
	} catch {
		return '';
	}
}

/** The npm that runs this script (npm-cli.js), so that it can also be run by another Node. */
export function npmCliPath(): string {
	const candidates: string[] = [];
	if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) candidates.push(process.env.npm_execpath);
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		if (!dir) continue;
		try {
			candidates.push(fs.realpathSync(path.join(dir, 'npm')));
		} catch {
			/* not here */
		}
	}
	candidates.push(path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
	const found = candidates.find((c) => /npm-cli\.js$/.test(c) && fs.existsSync(c));
	if (!found) throw new Error('cannot find npm-cli.js (is npm installed?)');
	return found;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Capture the output (returned, and shown when the command fails) instead of streaming it. */
	quiet?: boolean;
	label?: string;
	/** Append the output to this file instead (its end is shown when the command fails). */
	logFile?: string;
}

/**
 * Runs a command, streaming its output to stderr (or capturing it, or appending it to `logFile`),
 * with a heartbeat line every 30 s so that a long silent step does not look hung. Resolves with the
 * captured output; rejects on a non-zero exit with the end of the output.
 */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<string> {
	const { cwd, env, quiet, label = path.basename(command), logFile } = options;
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const out = logFile ? fs.openSync(logFile, 'a') : undefined;
		const stdio = out ?? (quiet ? 'pipe' : 'inherit');
		const child = childProcess.spawn(command, args, { cwd, env: env || process.env, stdio: ['ignore', stdio, stdio] });
		let captured = '';
		if (out === undefined && quiet) {
			child.stdout?.on('data', (d) => (captured += d));
			child.stderr?.on('data', (d) => (captured += d));
		}
		const heartbeat = setInterval(() => log(`  … ${label} still running (${elapsed(started)})`), 30000);
		const done = () => {
			clearInterval(heartbeat);
			if (out !== undefined) fs.closeSync(out);
		};
		child.on('error', (err) => {
			done();
			reject(err);
		});
		child.on('close', (code, signal) => {
			done();
			if (code === 0) resolve(captured);
			else {
				const tail = logFile ? tailOf(logFile, 4000) : captured.slice(-4000);
				reject(new Error(`${label} failed (${signal || `exit ${code}`}) after ${elapsed(started)}\n${tail}`));
			}
		});
	});
}
