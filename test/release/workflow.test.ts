/**
 * .github/workflows/release.yml is a valid GitHub Actions workflow (checked by @action-validator/cli,
 * which validates against the workflow JSON schema, offline: WebAssembly, no network) and does what a
 * release needs: on a version tag, test, release:check, then publish every tarball in release/ with
 * provenance, with the OIDC token permission and read-only contents.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'release.yml');
const VALIDATOR = join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

function validate(file: string): { status: number | null; output: string } {
	const result = spawnSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8' });
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the release workflow', () => {
	const text = readFileSync(WORKFLOW, 'utf8');
	let work: string;
	beforeAll(() => {
		work = mkdtempSync(join(tmpdir(), 'vw-workflow-'));
	});
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	it('passes the workflow validator', () => {
		const { status, output } = validate(WORKFLOW);
		expect(output).toBe('');
		expect(status).toBe(0);
	});

	it('a broken copy fails the validator (so the check above can fail)', () => {
		// a job without runs-on, and a trigger event GitHub does not have
		const broken = text.replace(/^    runs-on: ubuntu-latest\n/m, '').replace(/^  push:$/m, '  pushed:');
		expect(broken).not.toBe(text);
		const file = join(work, 'release.yml');
		writeFileSync(file, broken);
		const { status, output } = validate(file);
		expect(status).toBe(1);
		expect(output).toMatch(/errors/);
		// and a copy that only loses runs-on fails too
		writeFileSync(file, text.replace(/^    runs-on: ubuntu-latest\n/m, ''));
		expect(validate(file).status).toBe(1);
	});

	it('runs on version tags only, with id-token: write and read-only contents', () => {
		expect(text).toMatch(/^on:\n  push:\n    tags:\n      - 'v\[0-9\]\+\.\[0-9\]\+\.\[0-9\]\+\*'\n/m);
		expect(text).not.toMatch(/^\s+branches:/m);
		expect(text).toMatch(/^permissions:\n  contents: read\n  id-token: write\n/m);
	});

	it('tests and checks before it publishes every tarball in release/ with provenance, publicly', () => {
		const order = ['- run: npm ci', '- run: npm test', '- run: npm run release:check', 'npm publish "${tarball}" --provenance --access public'].map((step) => text.indexOf(step));
		expect(order.every((i) => i >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(text).toContain('tarballs=(release/*.tgz)');
	});
});
