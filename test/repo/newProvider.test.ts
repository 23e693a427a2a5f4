/**
 * `npm run new-provider` in a scratch copy of the tracked files: the scaffolded provider
 * type-checks and passes the registry check (test/helpers/registryCheck.ts), and a refused call
 * writes nothing.
 */
import { execFileSync, spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

import { PROVIDERS } from '../../nodes/shared/providers';

const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

let scratch: string;
// the working tree as git sees it: tracked files and new ones it does not ignore (a provider just scaffolded)
const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
	.split('\0')
	.filter((file) => file !== '' && existsSync(join(ROOT, file)));
/** A provider of the test's own, so that it runs after `new-provider zebra` too. */
const ID = 'okapi';
const snapshot = () => Object.fromEntries(tracked.map((file) => [file, readFileSync(join(scratch, file), 'utf8')]));
const scaffold = (...args: string[]) => spawnSync(process.execPath, [join(scratch, 'scripts', 'new-provider.mjs'), ...args], { cwd: scratch, encoding: 'utf8' });

beforeAll(() => {
	scratch = mkdtempSync(join(tmpdir(), 'vw-new-provider-'));
	for (const file of tracked) {
		mkdirSync(dirname(join(scratch, file)), { recursive: true });
		cpSync(join(ROOT, file), join(scratch, file));
	}
	symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run new-provider', () => {
	it.each([
		[['Zebra', 'Zebra'], /the id "Zebra" must be/],
		[['zebra', 'zebra'], /the display name "zebra" must start with a capital letter/],
		[['zebra'], /give exactly an id and a display name/],
		[['buzzbip', 'Buzz Again'], /the id "buzzbip" is already registered/],
		[['buzzbip2', 'BuzzBip'], /a definition named buzzBip is already registered/],
	])('refuses %j with exit status 2 and touches nothing', (args, message) => {
		const before = snapshot();
		const result = scaffold(...args);
		expect(result.status).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(snapshot()).toEqual(before);
	});

	it('scaffolds a provider that type-checks and that the registry check finds complete', () => {
		const result = scaffold(ID, 'Okapi');
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		const check = spawnSync(process.execPath, [TSX, join(scratch, 'test', 'helpers', 'registryCheck.ts')], { cwd: scratch, encoding: 'utf8' });
		expect(check.stderr).toBe('');
		expect(check.stdout).toContain(`registry complete: ${[...Object.keys(PROVIDERS), ID].join(', ')}`);
		const tsc = spawnSync(process.execPath, [TSC, '--noEmit', '-p', join(scratch, 'tsconfig.test.json')], { cwd: scratch, encoding: 'utf8' });
		expect(tsc.stdout + tsc.stderr).toBe('');
		expect(tsc.status).toBe(0);
		const manifest = JSON.parse(readFileSync(join(scratch, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
		expect(manifest.n8n.nodes).toContain('dist/nodes/OkapiTrigger/OkapiTrigger.node.js');
		expect(manifest.n8n.credentials).toContain('dist/credentials/OkapiApi.credentials.js');
		expect(readFileSync(join(scratch, 'README.md'), 'utf8')).toMatch(/<!-- generated:okapi:start -->\n#### Events\n[\s\S]*`example\.event`[\s\S]*<!-- generated:okapi:end -->/);
		// and again: the id is taken now
		expect(scaffold(ID, 'Okapi').status).toBe(2);
	}, 120_000);
});
