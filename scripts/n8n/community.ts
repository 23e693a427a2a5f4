/**
 * This package in n8n as a community package: packed from the repository, installed into a user
 * folder as Settings → Community nodes installs a package, and recorded in n8n's database as that
 * page records it (so that the page lists it and the nodes' "Manage" link leads somewhere).
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

import { PACKAGE_NAME, REPO_ROOT, log, npmCliPath, readJson, run } from './exec';
import type { N8nInstall } from './install';
import { n8nEnv, runN8nCli, type CliOptions } from './process';

/**
 * What finds this package's six nodes, and only them, in the editor's node panel: its search matches
 * a node's displayName and codex alias (n8n-editor-ui's sublime search over properties.displayName
 * and properties.codex.alias), and every node of the package has this alias. The e2e suite checks it
 * against every node type the real n8n serves.
 */
export const NODE_SEARCH_TERM = 'Verified Webhooks';

/** What registerCommunityPackage wrote to n8n's installed_packages / installed_nodes tables. */
export interface RegisteredPackage {
	packageName: string;
	installedVersion: string;
	nodes: Array<{ name: string; type: string; latestVersion: number }>;
}

/** Builds nothing: packs the repo as it is (run `npm run build` first) and returns the tarball path. */
export async function packRepo(destination: string): Promise<string> {
	await fsp.mkdir(destination, { recursive: true });
	// --ignore-scripts: prepack would build again; the caller built already.
	const out = await run(process.execPath, [npmCliPath(), 'pack', '--ignore-scripts', '--json', '--pack-destination', destination, '--loglevel=error'], {
		cwd: REPO_ROOT,
		quiet: true,
		label: 'npm pack',
	});
	const json = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string }>;
	return path.join(destination, json[0].filename);
}

/**
 * Installs a packed tarball as n8n's Community Nodes installs a package
 * (CommunityPackagesService.downloadPackage, n8n/dist/modules/community-packages/
 * community-packages.service.js in 2.41): extract it into `<userFolder>/.n8n/nodes/node_modules/<name>`,
 * drop its dev, peer and optional dependencies from its package.json, `npm install` its own
 * dependencies there without scripts, and record it in `.n8n/nodes/package.json`.
 */
export async function installPackageTarball(userFolder: string, tgz: string): Promise<string> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const tarball = path.resolve(tgz);
	const manifest = JSON.parse(childProcess.execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown> & { name: string; version: string };
	const installed = path.join(nodesDir, 'node_modules', manifest.name);
	await fsp.rm(installed, { recursive: true, force: true });
	await fsp.mkdir(installed, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], { quiet: true, label: 'tar' });
	const { devDependencies: _dev, peerDependencies: _peer, optionalDependencies: _optional, ...kept } = manifest;
	await fsp.writeFile(path.join(installed, 'package.json'), JSON.stringify(kept, null, 2), 'utf8');
	await run(
		process.execPath,
		[npmCliPath(), 'install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error'],
		{ cwd: installed, quiet: true, label: `npm install (in ${manifest.name})` },
	);
	const nodesManifestFile = path.join(nodesDir, 'package.json');
	const nodesManifest = readJson<{ dependencies?: Record<string, string> }>(nodesManifestFile) ?? { name: 'installed-nodes', private: true, dependencies: {} };
	nodesManifest.dependencies = { ...(nodesManifest.dependencies ?? {}), [manifest.name]: manifest.version };
	await fsp.writeFile(nodesManifestFile, JSON.stringify(nodesManifest, null, 2) + '\n');
	return installed;
}

/**
 * n8n 1.x runs `npm outdated` for Settings → Community nodes (GET /rest/community-packages) with an
 * environment of PATH and NODE_PATH only, so on a machine that reaches the registry through a CA
 * of its own (NODE_EXTRA_CA_CERTS) that npm fails TLS and retries for about 70 s before the page
 * answers. An `.npmrc` in the nodes folder (npm's project config there) names that CA file, as
 * the environment does for every other npm. Nothing is written without NODE_EXTRA_CA_CERTS.
 */
export async function trustMachineCaInNodesFolder(userFolder: string): Promise<void> {
	const caFile = process.env.NODE_EXTRA_CA_CERTS;
	if (!caFile || !fs.existsSync(caFile)) return;
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	await fsp.mkdir(nodesDir, { recursive: true });
	await fsp.writeFile(path.join(nodesDir, '.npmrc'), `cafile=${caFile}\n`);
}

/**
 * What a child on n8n's Node runs to record an installed package as n8n's Community Nodes does after
 * an install from Settings → Community nodes (InstalledPackagesRepository.persistPackageWithNodes,
 * n8n/dist/modules/community-packages/installed-packages.repository.js in 2.41; the same two tables
 * in 1.x): the package is loaded with n8n's own PackageDirectoryLoader (n8n-core), then one
 * `installed_packages` row and one `installed_nodes` row per loaded node (name = the node's
 * displayName, type = `<package>.<node>`, latestVersion = the version n8n loaded) replace any earlier
 * rows of that package, in one transaction, in n8n's SQLite database. Exit 3: the tables are not
 * there (migrations not run yet).
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
 * `n8n list:workflow`, which runs them and changes nothing else).
 */
export async function registerCommunityPackage(n8n: N8nInstall, options: CliOptions, packageName = PACKAGE_NAME): Promise<RegisteredPackage> {
	const { userFolder } = options;
	const packageDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', packageName);
	const dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
	if (!fs.existsSync(path.join(packageDir, 'package.json'))) throw new Error(`${packageName} is not installed in ${userFolder}/.n8n/nodes`);
	const env = { ...n8nEnv(n8n, { port: 5678, ...options }), NODE_PATH: path.join(n8n.dir, 'node_modules') };
	const attempt = () =>
		new Promise<RegisteredPackage | { missing: true }>((resolve, reject) => {
			if (!fs.existsSync(dbFile)) return resolve({ missing: true });
			childProcess.execFile(n8n.node.bin, ['-e', REGISTER_SCRIPT, packageDir, dbFile, n8n.n8nPackageDir], { cwd: userFolder, env, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
				if (!err) return resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as RegisteredPackage);
				if (err.code === 3) return resolve({ missing: true });
				reject(new Error(`registering ${packageName} in n8n's database failed (${err.code ?? err.signal}):\n${String(stderr).slice(-4000)}`));
			});
		});
	let result = await attempt();
	if ('missing' in result) {
		log("n8n's database is new: running its migrations first (n8n list:workflow) …");
		await runN8nCli(n8n, ['list:workflow'], options);
		result = await attempt();
		if ('missing' in result) throw new Error(`n8n's database ${dbFile} has no installed_packages table after its migrations`);
	}
	return result;
}
