#!/usr/bin/env node
/**
 * `npm run start:node-red`: the dev loop of `npm start`, for Node-RED. Builds the packages, packs
 * @verified-webhooks/node-red, installs the tarball into a local Node-RED user directory
 * (./.node-red-local, gitignored) as the palette manager installs it, and runs Node-RED (the
 * node-red devDependency) on http://127.0.0.1:1880 with a persistent (localfilesystem) context
 * store, so dedupe records survive a restart as they would in production. Flows and secrets stay
 * in that folder between starts. Ctrl-C stops Node-RED.
 *
 * Environment: NODE_RED_PORT (default 1880).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureDepsOrExit } from './ensure-deps.mjs';

ensureDepsOrExit();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = path.join(root, 'packages', 'node-red');
const userDir = path.join(root, '.node-red-local');
const port = Number(process.env.NODE_RED_PORT || 1880);
const log = (line) => process.stdout.write(`start:node-red: ${line}\n`);
const npmCli = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? process.env.npm_execpath : undefined;
const npm = (args, cwd) => (npmCli ? execFileSync(process.execPath, [npmCli, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }) : execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));

log('building (npm run build) …');
npm(['run', 'build'], root);
const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verified-webhooks-node-red-'));
const [info] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], packageDir));
const tarball = path.join(packDir, info.filename);

fs.mkdirSync(userDir, { recursive: true });
const manifest = path.join(userDir, 'package.json');
if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }, null, 2));
// as Node-RED's palette manager installs a module (@node-red/registry lib/installer.js)
npm(['install', '--no-audit', '--no-update-notifier', '--no-fund', '--save', '--save-prefix=~', '--omit=dev', '--engine-strict', tarball], userDir);
fs.rmSync(packDir, { recursive: true, force: true });
log(`installed ${info.filename} into ${userDir}`);

const settingsFile = path.join(userDir, 'settings.js');
if (!fs.existsSync(settingsFile)) {
	fs.writeFileSync(
		settingsFile,
		`// Written by npm run start:node-red; edit freely (kept between starts).\nmodule.exports = {\n\tuiHost: '127.0.0.1',\n\tflowFile: 'flows.json',\n\tcredentialSecret: ${JSON.stringify(`${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`)},\n\tcontextStorage: { default: { module: 'localfilesystem' } },\n\ttelemetry: { enabled: false },\n};\n`,
	);
}
log(`Node-RED on http://127.0.0.1:${port}/ (the nodes are under "network" in the palette); Ctrl-C stops it`);
const child = spawn(process.execPath, [path.join(root, 'node_modules', 'node-red', 'red.js'), '--userDir', userDir, '--settings', settingsFile, '--port', String(port)], { stdio: 'inherit' });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code) => process.exit(code ?? 0));
