/**
 * scripts/ensure-deps.mjs: `npm start` and `npm test` install the dependencies themselves when
 * node_modules is missing or package-lock.json changed since the last install, and only then. Run in
 * a child Node (the module is ESM) against a scratch project whose `npm` is a stand-in that records
 * each call and creates node_modules as `npm ci` would.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const MODULE = join(__dirname, '..', '..', 'scripts', 'ensure-deps.mjs');
const FAKE_NPM = `
const fs = require('fs');
fs.appendFileSync(process.env.FAKE_NPM_CALLS, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }) + '\\n');
if (process.env.FAKE_NPM_FAIL) process.exit(3);
fs.rmSync('node_modules', { recursive: true, force: true });
fs.mkdirSync('node_modules/some-dep', { recursive: true });
`;

let dir: string;
let project: string;
let calls: string;
let npmCli: string;

beforeEach(() => {
	dir = realpathSync(mkdtempSync(join(tmpdir(), 'vw-ensure-deps-')));
	project = join(dir, 'project');
	mkdirSync(project);
	writeFileSync(join(project, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
	mkdirSync(join(dir, 'npm', 'bin'), { recursive: true });
	npmCli = join(dir, 'npm', 'bin', 'npm-cli.js');
	writeFileSync(npmCli, FAKE_NPM);
	calls = join(dir, 'calls.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function ensure(env: Record<string, string> = {}) {
	const script = `import { ensureDeps } from ${JSON.stringify(MODULE)}; try { console.log(JSON.stringify({ installed: ensureDeps(process.argv[1]) })); } catch (e) { console.log(JSON.stringify({ error: e.message })); }`;
	const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, project], {
		encoding: 'utf8',
		env: { ...process.env, npm_execpath: npmCli, FAKE_NPM_CALLS: calls, ...env },
	});
	expect(child.status).toBe(0);
	return { ...(JSON.parse(child.stdout.trim().split('\n').pop()!) as { installed?: boolean; error?: string }), stderr: child.stderr };
}
const npmCalls = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { args: string[]; cwd: string }) : []);
const stamp = () => JSON.parse(readFileSync(join(project, 'node_modules', '.verified-webhooks-deps.json'), 'utf8')) as { lockSha256: string };
const lockHash = () => createHash('sha256').update(readFileSync(join(project, 'package-lock.json'))).digest('hex');

describe('ensure-deps', () => {
	it('installs with the npm that runs the script when node_modules is missing, and leaves a stamp of the lock', () => {
		const first = ensure();
		expect(first.installed).toBe(true);
		expect(first.stderr).toContain('node_modules is missing');
		expect(npmCalls()).toEqual([{ args: ['ci', '--no-audit', '--no-fund'], cwd: project }]);
		expect(existsSync(join(project, 'node_modules', 'some-dep'))).toBe(true);
		expect(stamp().lockSha256).toBe(lockHash());
	});

	it('does not install again while the lock is unchanged', () => {
		ensure();
		const second = ensure();
		expect(second).toEqual({ installed: false, stderr: '' });
		expect(npmCalls()).toHaveLength(1);
	});

	it('installs again when package-lock.json changed since the last install', () => {
		ensure();
		writeFileSync(join(project, 'package-lock.json'), '{"lockfileVersion":3,"packages":{"node_modules/x":{}}}\n');
		const again = ensure();
		expect(again.installed).toBe(true);
		expect(again.stderr).toContain('package-lock.json changed since the last install');
		expect(npmCalls()).toHaveLength(2);
		expect(stamp().lockSha256).toBe(lockHash());
	});

	it('installs when node_modules was made some other way (no stamp)', () => {
		mkdirSync(join(project, 'node_modules', 'stale'), { recursive: true });
		expect(ensure().installed).toBe(true);
		expect(npmCalls()).toHaveLength(1);
		expect(existsSync(join(project, 'node_modules', 'stale'))).toBe(false);
	});

	it('says so when npm ci fails, and leaves no stamp (the next run tries again)', () => {
		const failed = ensure({ FAKE_NPM_FAIL: '1' });
		expect(failed.error).toBe('npm ci failed (exit 3)');
		expect(existsSync(join(project, 'node_modules', '.verified-webhooks-deps.json'))).toBe(false);
		expect(ensure().installed).toBe(true);
		expect(npmCalls()).toHaveLength(2);
	});
});
