/**
 * The cache outside the repository that holds the Node builds and the n8n installs
 * (~/.cache/n8n-nodes-verified-webhooks, or $VERIFIED_WEBHOOKS_CACHE, or under $XDG_CACHE_HOME).
 * Every entry is marked done by a stamp file written last, so that an interrupted step is redone
 * from scratch; a lock directory keeps two processes from filling one entry at once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { PACKAGE_NAME, log, readJson } from './exec';

export const STAMP = '.complete.json';

export function cacheDir(): string {
	if (process.env.VERIFIED_WEBHOOKS_CACHE) return path.resolve(process.env.VERIFIED_WEBHOOKS_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, PACKAGE_NAME);
}

/** The stamp of a finished cache entry, or undefined when the entry is missing or unfinished. */
export function stampOf<T = Record<string, unknown>>(dir: string): T | undefined {
	return readJson<T>(path.join(dir, STAMP));
}

export function writeStamp(dir: string, content: Record<string, unknown>): void {
	fs.writeFileSync(path.join(dir, STAMP), JSON.stringify({ ...content, at: new Date().toISOString() }) + '\n');
}

function holderAlive(lockDir: string): { holder: number; alive: boolean } {
	let holder = NaN;
	try {
		holder = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
	} catch {
		/* being written or removed */
	}
	let alive = false;
	if (Number.isInteger(holder) && holder > 0) {
		try {
			process.kill(holder, 0);
			alive = true;
		} catch (e) {
			alive = (e as NodeJS.ErrnoException).code === 'EPERM';
		}
	}
	return { holder, alive };
}

/** Whether another live process holds `lockDir` now. */
export function isLocked(lockDir: string): boolean {
	return fs.existsSync(lockDir) && holderAlive(lockDir).alive;
}

/**
 * Runs `fn` holding a lock directory, so that two processes (say `npm start` and `npm test`) never
 * install into the same place at once. A lock left by a process that died is taken over.
 */
export async function withLock<T>(lockDir: string, what: string, fn: () => Promise<T>): Promise<T> {
	let lastNotice = 0;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
			const { holder, alive } = holderAlive(lockDir);
			if (!alive && Number.isInteger(holder)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() - lastNotice > 30000) {
				log(`waiting for another process (pid ${holder}) to finish ${what} …`);
				lastNotice = Date.now();
			}
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}
