/**
 * Makes the lock folder of one n8n version (scripts/n8n/versions/<version>/): a package.json that
 * pins n8n, names the Node it runs on and n8n's own engines range, and the package-lock.json npm
 * resolves for it (`npm install --package-lock-only --ignore-scripts`: nothing is installed; about
 * a minute). Commit both; `ensureN8n(<version>)` then installs exactly that tree.
 *
 *   npx tsx scripts/n8n/lock.ts <version> [--node=x.y.z] [--override=name@version …] [--force]
 *
 * The Node: the Node 22 build below where n8n's engines accept it (n8n's Docker images of those
 * versions run Node 22; Node 20 is past its end of life), else the Node 24 build; `--node` chooses
 * another. Overrides: what this registry needs, added to any of `--override`: n8n-nodes-base up to
 * 2.30 at least takes xlsx from cdn.sheetjs.com (not a registry), so the registry's last xlsx
 * stands in for it there (xlsx is used by n8n's spreadsheet nodes only).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import { elapsed, log, npmCliPath, run } from './exec';
import { VERSIONS_DIR, satisfies } from './versions';

export const NODE_BUILDS = ['22.23.5', '24.21.0'];

/** Picks the Node for n8n's engines range: the first build of NODE_BUILDS that satisfies it. */
export function nodeFor(engines: string): string {
	const found = NODE_BUILDS.find((v) => satisfies(v, engines));
	if (!found) throw new Error(`no Node build of ${NODE_BUILDS.join(', ')} satisfies n8n's engines ${engines}: pass --node=x.y.z`);
	return found;
}

async function npmView(spec: string, field: string): Promise<unknown> {
	const out = await run(process.execPath, [npmCliPath(), 'view', spec, field, '--json'], { quiet: true, label: `npm view ${spec} ${field}` });
	return out.trim() ? JSON.parse(out) : undefined;
}

async function main(argv: string[]): Promise<void> {
	const version = argv.find((a) => !a.startsWith('--'));
	if (!version || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error('usage: npx tsx scripts/n8n/lock.ts <x.y.z> [--node=x.y.z] [--override=name@version …] [--force]');
	const dir = path.join(VERSIONS_DIR, version);
	if (fs.existsSync(path.join(dir, 'package-lock.json')) && !argv.includes('--force')) throw new Error(`${dir} has a lock file already (--force makes it again)`);
	const started = Date.now();
	const engines = (await npmView(`n8n@${version}`, 'engines.node')) as string | undefined;
	if (!engines) throw new Error(`n8n@${version} names no engines.node (is it published here?)`);
	const node = argv.find((a) => a.startsWith('--node='))?.slice('--node='.length) ?? nodeFor(engines);
	if (!satisfies(node, engines)) log(`warning: Node ${node} is outside n8n ${version}'s engines ${engines}`);

	const overrides: Record<string, string> = {};
	const nodesBase = ((await npmView(`n8n@${version}`, 'dependencies')) as Record<string, string>)['n8n-nodes-base'];
	const xlsx = nodesBase ? ((await npmView(`n8n-nodes-base@${nodesBase}`, 'dependencies.xlsx')) as string | undefined) : undefined;
	if (xlsx && /^https?:/.test(xlsx)) {
		const versions = (await npmView('xlsx', 'versions')) as string[];
		overrides.xlsx = versions[versions.length - 1];
		log(`n8n-nodes-base@${nodesBase} takes xlsx from ${xlsx}: the registry's xlsx@${overrides.xlsx} stands in for it`);
	}
	for (const a of argv.filter((a) => a.startsWith('--override='))) {
		const spec = a.slice('--override='.length);
		const at = spec.lastIndexOf('@');
		if (at <= 0) throw new Error(`--override=${spec}: expected name@version`);
		overrides[spec.slice(0, at)] = spec.slice(at + 1);
	}

	const manifest = {
		name: `verified-webhooks-n8n-${version}`,
		version: '0.0.0',
		private: true,
		description: `n8n ${version} as the runtime installs it (npm ci --ignore-scripts into a cache outside the repo; scripts/n8n/install.ts). Made by scripts/n8n/lock.ts.`,
		license: 'MIT',
		dependencies: { n8n: version },
		...(Object.keys(overrides).length ? { overrides } : {}),
		runtime: { node, n8nEngines: engines },
	};
	const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), `n8n-lock-${version}-`));
	try {
		await fsp.writeFile(path.join(tmp, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
		log(`n8n ${version} (engines ${engines}, on Node ${node}): resolving its tree …`);
		await run(process.execPath, [npmCliPath(), 'install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: tmp, quiet: true, label: `npm install --package-lock-only (n8n ${version})` });
		await fsp.mkdir(dir, { recursive: true });
		await fsp.copyFile(path.join(tmp, 'package.json'), path.join(dir, 'package.json'));
		await fsp.copyFile(path.join(tmp, 'package-lock.json'), path.join(dir, 'package-lock.json'));
	} finally {
		await fsp.rm(tmp, { recursive: true, force: true });
	}
	log(`${dir}: package.json and package-lock.json written (${elapsed(started)})`);
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((err: Error) => {
		process.stderr.write(`${err.message}\n`);
		process.exit(1);
	});
}
