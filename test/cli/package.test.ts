/**
 * The `send`/`list` command ships as its own package, `verified-webhooks` (packages/cli): its packed
 * tarball, installed into an empty folder as a user's `npm install` would, runs `list` and
 * `send --dry-run`; the node package holds no bin and no file of the command.
 * Runs on the built output (npm test builds before the unit suite).
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'packages', 'cli');
const npm = process.env.npm_execpath;

function runNpm(args: string[], cwd: string): string {
	const command = npm && npm.endsWith('.js') ? process.execPath : 'npm';
	const full = npm && npm.endsWith('.js') ? [npm, ...args] : args;
	return execFileSync(command, full, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}



describe('the verified-webhooks package', () => {
	beforeAll(() => {
		if (!existsSync(join(CLI, 'dist', 'lib.js'))) throw new Error('packages/cli is not built: run npm run build (npm test builds first)');
	});
	const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
	const cli = JSON.parse(readFileSync(join(CLI, 'package.json'), 'utf8')) as Record<string, unknown>;

	it('is not a node package, has its own bin and no dependencies; the node package has no bin', () => {
		expect(cli.name).toBe('verified-webhooks');
		expect(String(cli.name).startsWith('n8n-nodes-')).toBe(false);
		expect(cli.n8n).toBeUndefined();
		expect(cli.dependencies).toBeUndefined();
		expect(cli.bin).toEqual({ 'verified-webhooks': 'bin/verified-webhooks.js' });
		expect(existsSync(join(CLI, 'bin', 'verified-webhooks.js'))).toBe(true);
		expect(root.bin).toBeUndefined();
		expect(cli.license).toBe(root.license);
		expect((cli.repository as { url: string }).url).toBe((root.repository as { url: string }).url);
	});

	it('the node package tarball holds no file of the command', () => {
		const listing = JSON.parse(runNpm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT)) as Array<{ files: Array<{ path: string }> }>;
		const files = listing[0].files.map((f) => f.path);
		expect(files.length).toBeGreaterThan(10);
		expect(files.filter((f) => /(^|\/)cli(\/|$)|verified-webhooks\.js$/.test(f))).toEqual([]);
	});

	it('its tarball, installed into an empty folder, runs list and send --dry-run', () => {
		const work = mkdtempSync(join(tmpdir(), 'vw-cli-pkg-'));
		try {
			const listing = JSON.parse(runNpm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], CLI)) as Array<{ filename: string; files: Array<{ path: string }> }>;
			expect(listing[0].files.map((f) => f.path).sort()).toEqual(['LICENSE', 'README.md', 'bin/verified-webhooks.js', 'dist/index.js', 'dist/lib.js', 'package.json']);
			const user = join(work, 'user');
			execFileSync('mkdir', [user]);
			writeFileSync(join(user, 'package.json'), '{"name":"user","version":"1.0.0","private":true}');
			runNpm(['install', '--no-audit', '--no-fund', '--offline', join(work, listing[0].filename)], user);
			const bin = join(user, 'node_modules', '.bin', 'verified-webhooks');
			const list = execFileSync(bin, ['list'], { cwd: user, encoding: 'utf8' });
			for (const provider of ['buzzeasy', 'tracebuzz', 'chatzuri', 'buzzbip', 'apirtc', 'github']) expect(list).toContain(provider);
			const dry = execFileSync(bin, ['send', 'buzzbip', 'message.received', '--dry-run', '--secret', 'pkg-test-secret', '--url', 'http://127.0.0.1:9/webhook'], { cwd: user, encoding: 'utf8' });
			expect(dry).toMatch(/^POST http:\/\/127\.0\.0\.1:9\/webhook/);
			expect(dry).toMatch(/X-BuzzBip-Signature: [0-9a-f]{64}/);
			expect(dry).not.toContain('pkg-test-secret');
		} finally {
			rmSync(work, { recursive: true, force: true });
		}
	});
});
