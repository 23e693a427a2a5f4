/**
 * n8n's own scanner, @n8n/scan-community-package (pinned devDependency), run offline.
 *
 * Its `analyzePackageByName` (what `npx @n8n/scan-community-package <name>` runs) first reads the
 * package's metadata from registry.npmjs.org and fails without an npm provenance attestation, then
 * downloads the source at the attested commit from GitHub and the published tarball; only then does
 * it call `analyzePackage(dir, patterns)` twice: on the source checkout with SOURCE_FILE_PATTERNS
 * and on the unpacked tarball with `['**\/*.js', 'package.json']`. Before a package is published
 * there is no provenance and nothing to download, so this runs those two `analyzePackage` passes
 * on the local source tree and on the unpacked local tarball, exactly as the scanner would.
 *
 * `analyzePackage` fails on errors only and returns no warnings, so the same files are linted once
 * more with its own config (`buildScanConfig`) to list the warnings.
 *
 * Usage: node scripts/release/scan.mjs <dir> [source|tarball]   (default: tarball)
 */
import { ESLint } from 'eslint';
import glob from 'fast-glob';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import checks from './checks.cjs';

export const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** Both what the scanner decides (`passed`, its details) and every message of its rules. */
export async function scan(dir, pass) {
	const patterns = pass === 'source' ? SOURCE_FILE_PATTERNS : TARBALL_FILE_PATTERNS;
	const result = await analyzePackage(dir, patterns);
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const messages = [];
	for (const file of await eslint.lintFiles(files)) {
		for (const m of file.messages) messages.push({ file: path.relative(dir, file.filePath), line: m.line, severity: m.severity, ruleId: m.ruleId, message: m.message });
	}
	const errors = messages.filter((m) => m.severity === 2);
	const warnings = messages.filter((m) => m.severity === 1);
	return { pass, passed: result.passed, details: result.details ?? result.message, files: files.length, errors, warnings, unaccepted: checks.unacceptedWarnings(messages) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const dir = path.resolve(process.argv[2] ?? '.');
	const pass = process.argv[3] === 'source' ? 'source' : 'tarball';
	const r = await scan(dir, pass);
	for (const m of [...r.errors, ...r.warnings]) console.log(`${m.severity === 2 ? 'error  ' : 'warning'} ${m.file}:${m.line} ${m.ruleId} ${m.message}`);
	console.log(`${pass} pass on ${dir}: ${r.files} files, analyzePackage ${r.passed ? 'passed' : 'FAILED'}, ${r.errors.length} errors, ${r.warnings.length} warnings (${r.unaccepted.length} not accepted)`);
	process.exitCode = r.passed && r.errors.length === 0 ? 0 : 1;
}
