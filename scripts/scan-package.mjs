/**
 * Lints the packed package the way n8n's verification scanner (@n8n/scan-community-package) lints a
 * published tarball: its community-nodes recommended rules plus no-console, over every .js file and
 * package.json. Usage: npm pack --pack-destination /tmp/p && tar xzf ... && node scripts/scan-package.mjs <unpacked dir>
 */
import { ESLint } from 'eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import fg from 'fast-glob';
const dir = process.argv[2];
const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: [n8nCommunityNodesPlugin.configs.recommended, { rules: { 'no-console': 'error' } }, { files: ['**/*.json'], languageOptions: { parser: tsParser } }] });
const files = fg.sync(['**/*.js', 'package.json'], { cwd: dir, absolute: true, ignore: ['node_modules/**'] });
const results = await eslint.lintFiles(files);
let errors = 0;
for (const r of results) for (const m of r.messages) if (m.severity === 2) {
	errors++;
	console.log(r.filePath.replace(dir, ''), m.line, m.ruleId, m.message.slice(0, 100));
}
console.log(`${files.length} files, ${errors} errors`);
process.exitCode = errors ? 1 : 0;
