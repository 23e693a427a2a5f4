/**
 * The package checks of `npm run release:check` (scripts/release/checks.cjs): each passes on a
 * package that meets it and fails on one that breaks it.
 */
type Manifest = Record<string, unknown>;
type Problems = string[];
type Loaded = Array<{ package: string; nodes: Array<{ name: string; credentials: string[] }>; credentials: Array<{ name: string }> }>;

const checks = require('../../scripts/release/checks.cjs') as {
	githubRepository(pkg: Manifest): string | undefined;
	checkManifest(pkg: Manifest, options: { kind: 'node' | 'cli' | 'node-red'; files: string[]; expected?: { version?: string; repository?: string } }): Problems;
	checkNodeTarballFiles(files: string[]): Problems;
	checkSingleService(pkg: Manifest, files: string[]): Problems;
	checkNoClash(loaded: Loaded): Problems;
	unacceptedWarnings(messages: Array<{ severity: number; ruleId: string; message: string }>): unknown[];
};

const REPO = 'n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks';
const expected = { version: '1.2.3', repository: REPO };

function nodePackage(overrides: Manifest = {}): Manifest {
	return {
		name: 'n8n-nodes-verified-webhooks-chatzuri',
		version: '1.2.3',
		keywords: ['n8n-community-node-package'],
		license: 'MIT',
		homepage: `https://github.com/${REPO}#readme`,
		repository: { type: 'git', url: `git+https://github.com/${REPO}.git` },
		bugs: { url: `https://github.com/${REPO}/issues` },
		author: { name: 'someone' },
		engines: { node: '>=20.19' },
		files: ['dist/nodes', 'dist/credentials'],
		n8n: {
			n8nNodesApiVersion: 1,
			strict: true,
			nodes: ['dist/nodes/ChatzuriTrigger/ChatzuriTrigger.node.js'],
			credentials: ['dist/credentials/VerifiedWebhooksChatzuriApi.credentials.js', 'dist/credentials/VerifiedWebhooksChatzuriRedisApi.credentials.js'],
		},
		peerDependencies: { 'n8n-workflow': '*' },
		...overrides,
	};
}

const FILES = [
	'LICENSE',
	'README.md',
	'package.json',
	'dist/nodes/ChatzuriTrigger/ChatzuriTrigger.node.js',
	'dist/nodes/ChatzuriTrigger/chatzuri.definition.js',
	'dist/nodes/ChatzuriTrigger/chatzuri.svg',
	'dist/nodes/ChatzuriTrigger/__schema__/v1.0.0.json',
	'dist/nodes/shared/pipeline.js',
	'dist/nodes/shared/core/verify.js',
	'dist/credentials/VerifiedWebhooksChatzuriApi.credentials.js',
	'dist/credentials/VerifiedWebhooksChatzuriRedisApi.credentials.js',
];

function problems(pkg: Manifest, files = FILES, kind: 'node' | 'cli' | 'node-red' = 'node'): Problems {
	return checks.checkManifest(pkg, { kind, files, expected });
}

describe('checkManifest of the Node-RED package', () => {
	const NODE_RED_FILES = ['LICENSE', 'README.md', 'package.json', 'dist/lib/runtime.js', 'dist/buzzbip-webhook.js', 'dist/buzzbip-webhook.html', 'dist/icons/buzzbip.svg'];
	function nodeRedPackage(overrides: Manifest = {}): Manifest {
		const { n8n: _n8n, peerDependencies: _peers, ...rest } = nodePackage();
		return { ...rest, name: '@verified-webhooks/node-red', keywords: ['node-red'], files: ['dist'], 'node-red': { version: '>=3.0.0', nodes: { 'buzzbip-webhook': 'dist/buzzbip-webhook.js' } }, ...overrides };
	}

	it('passes the package as it is built', () => {
		expect(problems(nodeRedPackage(), NODE_RED_FILES, 'node-red')).toEqual([]);
	});

	it('names what Node-RED would miss', () => {
		expect(problems(nodeRedPackage({ keywords: [] }), NODE_RED_FILES, 'node-red')).toEqual(['keywords lack node-red']);
		expect(problems(nodeRedPackage({ name: 'verified-webhooks-node-red' }), NODE_RED_FILES, 'node-red')).toEqual([expect.stringContaining('is not scoped')]);
		expect(problems(nodeRedPackage(), NODE_RED_FILES.filter((f) => !f.endsWith('.html')), 'node-red')).toEqual([expect.stringContaining('no dist/buzzbip-webhook.html beside it')]);
		expect(problems(nodeRedPackage({ 'node-red': { version: '>=3.0.0', nodes: { x: 'dist/x.js' } } }), NODE_RED_FILES, 'node-red')).toHaveLength(2);
		expect(problems(nodeRedPackage({ dependencies: { zod: '3' } }), NODE_RED_FILES, 'node-red')).toEqual([expect.stringContaining('run-time dependencies')]);
	});
});

describe('checkManifest', () => {
	it('passes a package that has everything', () => {
		expect(problems(nodePackage())).toEqual([]);
	});

	it('fails a package without repository (npm rejects its provenance publish)', () => {
		const pkg = nodePackage();
		delete pkg.repository;
		expect(problems(pkg).join('\n')).toMatch(/repository is missing/);
	});

	it('fails a repository that is not the release\'s GitHub repository, and homepage or bugs elsewhere', () => {
		expect(problems(nodePackage({ repository: { type: 'git', url: 'git+https://gitlab.com/a/b.git' } })).join('\n')).toMatch(/is not git\+https:\/\/github\.com/);
		expect(problems(nodePackage({ repository: { type: 'git', url: 'git+https://github.com/someone/else.git' } })).join('\n')).toMatch(/differs from the release's/);
		expect(problems(nodePackage({ homepage: 'https://example.com' })).join('\n')).toMatch(/homepage/);
		expect(problems(nodePackage({ bugs: { url: 'https://example.com/issues' } })).join('\n')).toMatch(/bugs\.url/);
	});

	it('fails run-time dependencies, even an empty dependencies field', () => {
		expect(problems(nodePackage({ dependencies: { lodash: '^4.17.21' } })).join('\n')).toMatch(/run-time dependencies \(lodash\)/);
		expect(problems(nodePackage({ dependencies: {} })).join('\n')).toMatch(/dependencies field/);
	});

	it('fails a missing licence, author, engines, files, LICENSE or README file, and a version that is not the release\'s', () => {
		expect(problems(nodePackage({ license: 'ISC' })).join('\n')).toMatch(/not MIT/);
		expect(problems(nodePackage({ author: undefined })).join('\n')).toMatch(/author is missing/);
		expect(problems(nodePackage({ engines: {} })).join('\n')).toMatch(/engines\.node/);
		expect(problems(nodePackage({ files: undefined })).join('\n')).toMatch(/files is missing/);
		expect(problems(nodePackage(), FILES.filter((f) => f !== 'LICENSE')).join('\n')).toMatch(/no LICENSE/);
		expect(problems(nodePackage(), FILES.filter((f) => f !== 'README.md')).join('\n')).toMatch(/no README/);
		expect(problems(nodePackage({ version: '1.2.4' })).join('\n')).toMatch(/differs from the release's 1\.2\.3/);
		expect(problems(nodePackage({ version: 'one' })).join('\n')).toMatch(/not semver/);
	});

	it('fails an n8n field that names a file the tarball lacks, or that is incomplete', () => {
		expect(problems(nodePackage(), FILES.filter((f) => !f.endsWith('.node.js'))).join('\n')).toMatch(/n8n\.nodes names dist\/nodes\/ChatzuriTrigger\/ChatzuriTrigger\.node\.js, which the tarball does not hold/);
		const n8n = { n8nNodesApiVersion: 2, strict: false, nodes: [], credentials: ['dist/credentials/VerifiedWebhooksChatzuriApi.credentials.js'] };
		const text = problems(nodePackage({ n8n })).join('\n');
		expect(text).toMatch(/n8nNodesApiVersion/);
		expect(text).toMatch(/strict/);
		expect(text).toMatch(/n8n\.nodes is empty/);
		expect(problems(nodePackage({ n8n: undefined })).join('\n')).toMatch(/n8n field is missing/);
	});

	it('fails a node package n8n would not install, a bin, install scripts and other peer dependencies', () => {
		expect(problems(nodePackage({ name: 'verified-chatzuri' })).join('\n')).toMatch(/does not start with n8n-nodes-/);
		expect(problems(nodePackage({ keywords: [] })).join('\n')).toMatch(/n8n-community-node-package/);
		expect(problems(nodePackage({ bin: { x: 'x.js' } })).join('\n')).toMatch(/bin-links=false/);
		expect(problems(nodePackage({ scripts: { postinstall: 'node x' } })).join('\n')).toMatch(/postinstall/);
		expect(problems(nodePackage({ peerDependencies: { 'n8n-workflow': '^2' } })).join('\n')).toMatch(/peerDependencies/);
		expect(problems(nodePackage({ peerDependencies: { 'n8n-workflow': '*', 'n8n-core': '*' } })).join('\n')).toMatch(/peerDependencies/);
	});

	it('fails a command named like a node package, or with an n8n field', () => {
		const cli = nodePackage({ name: 'verified-webhooks', keywords: [], n8n: undefined, bin: { 'verified-webhooks': 'bin/verified-webhooks.js' } });
		expect(problems(cli, ['LICENSE', 'README.md', 'package.json'], 'cli')).toEqual([]);
		expect(problems({ ...cli, name: 'n8n-nodes-send' }, ['LICENSE', 'README.md', 'package.json'], 'cli').join('\n')).toMatch(/take the command for a node package/);
		expect(problems({ ...cli, n8n: {} }, ['LICENSE', 'README.md', 'package.json'], 'cli').join('\n')).toMatch(/n8n field/);
	});
});

describe('checkNodeTarballFiles', () => {
	it('passes nodes, credentials, icons and schemas', () => {
		expect(checks.checkNodeTarballFiles(FILES)).toEqual([]);
	});

	it('fails a file of the command, a source map, a declaration, a TypeScript source, anything else', () => {
		const found = checks.checkNodeTarballFiles([
			'dist/cli/index.js',
			'dist/nodes/shared/pipeline.js.map',
			'dist/nodes/shared/pipeline.d.ts',
			'nodes/shared/pipeline.ts',
			'dist/verified-webhooks.js',
			'test/x.test.js',
		]);
		expect(found).toHaveLength(6);
		expect(found[0]).toMatch(/file of the command/);
		expect(found[4]).toMatch(/file of the command/);
	});
});

describe('checkSingleService', () => {
	it('passes exactly one node, its credential and the Redis store\'s', () => {
		expect(checks.checkSingleService(nodePackage(), FILES)).toEqual([]);
	});

	it('fails a package without the Redis store\'s credential, or with a second provider credential instead', () => {
		const pkg = nodePackage();
		const n8n = pkg.n8n as { credentials: string[] };
		n8n.credentials = [n8n.credentials[0]];
		const files = FILES.filter((f) => !f.endsWith('RedisApi.credentials.js'));
		expect(checks.checkSingleService(pkg, files)).toEqual([
			"n8n.credentials names 1 credentials, not 2 (the provider's and the Redis store's)",
			"the tarball holds 1 credential files, not 2 (the provider's and the Redis store's)",
		]);
		n8n.credentials = [n8n.credentials[0], 'dist/credentials/VerifiedWebhooksBuzzBipApi.credentials.js'];
		expect(checks.checkSingleService(pkg, [...files, 'dist/credentials/VerifiedWebhooksBuzzBipApi.credentials.js'])).toHaveLength(2);
	});

	it('fails two nodes, in the n8n field and in the tarball', () => {
		const pkg = nodePackage();
		const n8n = pkg.n8n as { nodes: string[] };
		n8n.nodes = [...n8n.nodes, 'dist/nodes/BuzzBipTrigger/BuzzBipTrigger.node.js'];
		const found = checks.checkSingleService(pkg, [...FILES, 'dist/nodes/BuzzBipTrigger/BuzzBipTrigger.node.js']);
		expect(found).toEqual(['n8n.nodes names 2 nodes, not 1', 'the tarball holds 2 node files']);
	});
});

describe('checkNoClash', () => {
	const allInOne = { package: 'n8n-nodes-verified-webhooks', nodes: [{ name: 'chatzuriTrigger', credentials: ['chatzuriApi'] }], credentials: [{ name: 'chatzuriApi' }] };
	const perService = { package: 'n8n-nodes-verified-webhooks-chatzuri', nodes: [{ name: 'chatzuriTrigger', credentials: ['verifiedWebhooksChatzuriApi'] }], credentials: [{ name: 'verifiedWebhooksChatzuriApi' }] };

	it('passes the same node name in two packages, each with a credential type of its own', () => {
		expect(checks.checkNoClash([allInOne, perService])).toEqual([]);
	});

	it('fails one credential type name in two packages (n8n keys them globally)', () => {
		const clashing = { ...perService, nodes: [{ name: 'chatzuriTrigger', credentials: ['chatzuriApi'] }], credentials: [{ name: 'chatzuriApi' }] };
		expect(checks.checkNoClash([allInOne, clashing])).toEqual(['credential type chatzuriApi is defined by both n8n-nodes-verified-webhooks and n8n-nodes-verified-webhooks-chatzuri']);
	});

	it('fails a node whose credential type its package does not define', () => {
		const borrowing = { ...perService, nodes: [{ name: 'chatzuriTrigger', credentials: ['chatzuriApi'] }] };
		expect(checks.checkNoClash([allInOne, borrowing]).join('\n')).toMatch(/uses credential type chatzuriApi, which its own package does not define/);
	});
});

describe('scanner warnings', () => {
	it('accepts only the masked header values of the header-secret credentials', () => {
		const rule = '@n8n/community-nodes/credential-unnecessary-password';
		expect(checks.unacceptedWarnings([{ severity: 1, ruleId: rule, message: "Field 'headerValue' does not appear to be sensitive but uses 'typeOptions: { password: true }'." }])).toEqual([]);
		expect(checks.unacceptedWarnings([{ severity: 1, ruleId: rule, message: "Field 'headerName' does not appear to be sensitive but uses 'typeOptions: { password: true }'." }])).toHaveLength(1);
		expect(checks.unacceptedWarnings([{ severity: 1, ruleId: '@n8n/community-nodes/icon-validation', message: 'x' }])).toHaveLength(1);
	});
});
