/**
 * release:check's test of the Node-RED package: its tarball installed into a fresh Node-RED user
 * directory as Node-RED's palette manager installs a module (`npm install` there with the
 * arguments of @node-red/registry lib/installer.js), then Node-RED (the node-red devDependency)
 * started on that directory, on the first free port from 18400: every node set of the package's
 * `node-red.nodes` must load and be enabled with no error, with no error in the log and no
 * warning naming the package or a missing type. Node-RED is stopped (SIGINT) whatever happens.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import net from 'node:net';
import path from 'node:path';

async function freePort(from) {
	for (let port = from; port < from + 100; port++) {
		const free = await new Promise((resolve) => {
			const server = net.createServer();
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
		});
		if (free) return port;
	}
	throw new Error(`no free port from ${from}`);
}

function get(url, accept) {
	return new Promise((resolve, reject) => {
		const req = request(url, { headers: { accept } }, (res) => {
			let body = '';
			res.on('data', (c) => (body += c));
			res.on('end', () => resolve({ status: res.statusCode, body }));
		});
		req.on('error', reject);
		req.end();
	});
}

export async function checkNodeRedInstall({ root, tarball, dir, npm, name, sets }) {
	const problems = [];
	const userDir = path.join(dir, 'user');
	mkdirSync(userDir, { recursive: true });
	writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }));
	npm(['install', '--no-audit', '--no-update-notifier', '--no-fund', '--save', '--save-prefix=~', '--omit=dev', '--engine-strict', '--offline', tarball], userDir);
	const settings = path.join(dir, 'settings.js');
	writeFileSync(settings, `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', flowFile: 'flows.json', credentialSecret: 'release-check', telemetry: { enabled: false } })};\n`);
	const port = await freePort(18400);
	let log = '';
	const child = spawn(process.execPath, [path.join(root, 'node_modules', 'node-red', 'red.js'), '--userDir', userDir, '--settings', settings, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout.on('data', (c) => (log += c));
	child.stderr.on('data', (c) => (log += c));
	const exited = new Promise((resolve) => child.once('exit', resolve));
	let loaded = [];
	try {
		const deadline = Date.now() + 90_000;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`node-red exited: ${log.slice(-2000)}`);
			const ready = /Started flows/.test(log) ? await get(`http://127.0.0.1:${port}/nodes`, 'application/json').catch(() => undefined) : undefined;
			if (ready?.status === 200) {
				loaded = JSON.parse(ready.body).filter((set) => set.module === name);
				break;
			}
			if (Date.now() > deadline) throw new Error(`node-red did not start in 90 s: ${log.slice(-2000)}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		for (const set of Object.keys(sets)) {
			const found = loaded.find((l) => l.name === set);
			if (!found) problems.push(`Node-RED did not load the node set ${set}`);
			else if (!found.enabled || found.err) problems.push(`Node-RED's node set ${set}: ${found.err ?? 'not enabled'}`);
		}
		const html = await get(`http://127.0.0.1:${port}/nodes`, 'text/html');
		for (const set of loaded) for (const type of set.types) if (!html.body.includes(`data-template-name="${type}"`)) problems.push(`the editor has no form for ${type}`);
		const ours = new RegExp(`${name.replace(/[/@.-]/g, '\\$&')}|Missing node types|missing types|${loaded.flatMap((s) => s.types).join('|') || '^$'}`);
		for (const line of log.split('\n')) {
			if (/\[error\]/.test(line) || (/\[warn\]/.test(line) && ours.test(line))) problems.push(`Node-RED's log: ${line.trim()}`);
		}
	} catch (error) {
		problems.push(String(error.message ?? error));
	} finally {
		child.kill('SIGINT');
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
	}
	return { problems, sets: loaded.map((s) => s.name), types: loaded.flatMap((s) => s.types) };
}
