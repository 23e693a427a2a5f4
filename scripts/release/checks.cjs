'use strict';
/**
 * The checks `npm run release:check` makes on each packed package, as plain functions of the packed
 * package.json and the tarball's file list, so that test/release/checks.test.ts can show that each
 * one fails on a package that breaks it. Each returns a list of problems: empty means it passes.
 */

const GITHUB_REPO = /^git\+https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)\.git$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/** `owner/name` of the GitHub repository in `repository.url`, or undefined. */
function githubRepository(pkg) {
	const url = typeof pkg?.repository === 'string' ? pkg.repository : pkg?.repository?.url;
	const match = typeof url === 'string' ? GITHUB_REPO.exec(url) : null;
	return match ? `${match[1]}/${match[2]}` : undefined;
}

/**
 * What n8n's verification and npm's provenance publish need of every package's package.json.
 * `kind` is 'node' (an n8n community node package) or 'cli' (the command, which must not look like
 * one); `expected` holds the values every package of the release shares: version, repository (owner/name).
 * `files` is the tarball's file list (paths inside the package, as `npm pack --json` gives them).
 */
function checkManifest(pkg, { kind, files, expected }) {
	const problems = [];
	const fileSet = new Set(files);
	if (typeof pkg.name !== 'string' || !/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(pkg.name)) problems.push(`name ${JSON.stringify(pkg.name)} is not a valid npm name`);
	const bare = String(pkg.name ?? '').replace(/^@[^/]+\//, '');
	if (kind === 'node' && !bare.startsWith('n8n-nodes-')) problems.push(`name ${pkg.name} does not start with n8n-nodes- (n8n installs only such packages)`);
	if (kind === 'cli' && bare.startsWith('n8n-nodes-')) problems.push(`name ${pkg.name} starts with n8n-nodes-: n8n would take the command for a node package`);
	if (typeof pkg.version !== 'string' || !SEMVER.test(pkg.version)) problems.push(`version ${JSON.stringify(pkg.version)} is not semver`);
	else if (expected?.version && pkg.version !== expected.version) problems.push(`version ${pkg.version} differs from the release's ${expected.version}`);
	if (pkg.license !== 'MIT') problems.push(`license is ${JSON.stringify(pkg.license)}, not MIT`);
	if (!fileSet.has('LICENSE')) problems.push('the tarball has no LICENSE file');
	if (!fileSet.has('README.md')) problems.push('the tarball has no README.md');
	const authorName = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
	if (typeof authorName !== 'string' || authorName.trim() === '') problems.push('author is missing');
	const repo = githubRepository(pkg);
	if (!pkg.repository) problems.push('repository is missing (npm rejects a provenance publish without repository.url: E422)');
	else if (!repo) problems.push(`repository.url ${JSON.stringify(pkg.repository?.url ?? pkg.repository)} is not git+https://github.com/<owner>/<name>.git`);
	else if (expected?.repository && repo !== expected.repository) problems.push(`repository ${repo} differs from the release's ${expected.repository}`);
	if (repo) {
		const base = `https://github.com/${repo}`;
		if (typeof pkg.homepage !== 'string' || !pkg.homepage.startsWith(base)) problems.push(`homepage ${JSON.stringify(pkg.homepage)} is not on ${base}`);
		if (typeof pkg.bugs?.url !== 'string' || pkg.bugs.url !== `${base}/issues`) problems.push(`bugs.url ${JSON.stringify(pkg.bugs?.url)} is not ${base}/issues`);
	} else {
		if (typeof pkg.homepage !== 'string') problems.push('homepage is missing');
		if (typeof pkg.bugs?.url !== 'string') problems.push('bugs.url is missing');
	}
	if (typeof pkg.engines?.node !== 'string' || pkg.engines.node.trim() === '') problems.push('engines.node is missing');
	if (!Array.isArray(pkg.files) || pkg.files.length === 0) problems.push('files is missing: npm would pack the whole folder');
	if (pkg.dependencies !== undefined && Object.keys(pkg.dependencies).length > 0) problems.push(`it has run-time dependencies (${Object.keys(pkg.dependencies).join(', ')}); n8n's verification allows none`);
	else if (pkg.dependencies !== undefined) problems.push('it has a dependencies field (empty): leave it out');
	for (const field of ['bundleDependencies', 'bundledDependencies', 'optionalDependencies']) if (pkg[field] !== undefined) problems.push(`it has ${field}`);
	for (const script of INSTALL_SCRIPTS) if (pkg.scripts?.[script] !== undefined) problems.push(`it has a ${script} script (runs on install)`);
	if (kind === 'node') {
		if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes('n8n-community-node-package')) problems.push('keywords lack n8n-community-node-package');
		const peers = pkg.peerDependencies ?? {};
		if (Object.keys(peers).some((name) => name !== 'n8n-workflow') || (peers['n8n-workflow'] !== undefined && peers['n8n-workflow'] !== '*')) problems.push(`peerDependencies ${JSON.stringify(peers)}: only "n8n-workflow": "*" is allowed`);
		if (pkg.bin !== undefined) problems.push('it has a bin (n8n installs with --bin-links=false: it could never run)');
		const n8n = pkg.n8n;
		if (!n8n || typeof n8n !== 'object') problems.push('the n8n field is missing');
		else {
			if (n8n.n8nNodesApiVersion !== 1) problems.push(`n8n.n8nNodesApiVersion is ${JSON.stringify(n8n.n8nNodesApiVersion)}, not 1`);
			if (n8n.strict !== true) problems.push('n8n.strict is not true');
			for (const key of ['nodes', 'credentials']) {
				const paths = n8n[key];
				if (!Array.isArray(paths) || paths.length === 0) {
					problems.push(`n8n.${key} is empty`);
					continue;
				}
				for (const p of paths) if (!fileSet.has(String(p).replace(/^\.\//, ''))) problems.push(`n8n.${key} names ${p}, which the tarball does not hold`);
			}
		}
	} else if (kind === 'node-red') {
		// Node-RED's catalogue lists a module by its keyword; its `node-red.nodes` name each node set's
		// .js, whose .html (the editor's part) sits beside it
		if (!pkg.name.startsWith('@')) problems.push(`name ${pkg.name} is not scoped (Node-RED asks new node modules for a scoped name)`);
		if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes('node-red')) problems.push('keywords lack node-red');
		if (pkg.n8n !== undefined) problems.push('the Node-RED package has an n8n field');
		if (pkg.bin !== undefined) problems.push('the Node-RED package has a bin');
		const sets = pkg['node-red']?.nodes;
		if (!sets || typeof sets !== 'object' || Object.keys(sets).length === 0) problems.push('node-red.nodes is missing or empty');
		else {
			for (const [name, p] of Object.entries(sets)) {
				const file = String(p).replace(/^\.\//, '');
				if (!fileSet.has(file)) problems.push(`node-red.nodes.${name} names ${p}, which the tarball does not hold`);
				if (!fileSet.has(file.replace(/\.js$/, '.html'))) problems.push(`node-red.nodes.${name}: the tarball has no ${file.replace(/\.js$/, '.html')} beside it`);
			}
		}
		if (typeof pkg['node-red']?.version !== 'string') problems.push('node-red.version (the Node-RED versions it supports) is missing');
		for (const file of files) if (/\.(?:ts|map)$/.test(file) && !file.endsWith('.d.ts')) problems.push(`${file} is a source file or map`);
	} else if (pkg.n8n !== undefined) problems.push('the command has an n8n field');
	return problems;
}

/**
 * A node package's tarball holds nothing but nodes, credentials, their icons and output schemas
 * (plus package.json, README.md, LICENSE); no file of the command, no source map or declaration
 * (their sources are not shipped), no TypeScript source.
 */
function checkNodeTarballFiles(files) {
	const problems = [];
	const allowed = [
		/^(?:package\.json|README\.md|LICENSE)$/,
		/^dist\/credentials\/[A-Za-z0-9]+\.credentials\.js$/,
		/^dist\/nodes\/[A-Za-z0-9]+\/[A-Za-z0-9.]+\.js$/,
		/^dist\/nodes\/[A-Za-z0-9]+\/[A-Za-z0-9.-]+\.(?:svg|png)$/,
		/^dist\/nodes\/[A-Za-z0-9]+\/__schema__\/v\d+\.\d+\.\d+\.json$/,
		/^dist\/nodes\/shared\/(?:core\/)?[A-Za-z0-9]+\.js$/,
	];
	for (const file of files) {
		if (/(^|\/)cli(\/|\.|$)|verified-webhooks\.js$/i.test(file)) problems.push(`${file} is a file of the command`);
		else if (!allowed.some((pattern) => pattern.test(file))) problems.push(`${file} is not a node, credential, icon or schema file`);
	}
	return problems;
}

/**
 * A per-service package: exactly one trigger node, and two credentials: its provider's and the
 * Redis dedupe store's (`…RedisApi`), in the n8n field and in the tarball.
 */
function checkSingleService(pkg, files) {
	const problems = [];
	const nodes = pkg.n8n?.nodes ?? [];
	const credentials = pkg.n8n?.credentials ?? [];
	const isRedis = (f) => /RedisApi\.credentials\.js$/.test(f);
	if (nodes.length !== 1) problems.push(`n8n.nodes names ${nodes.length} nodes, not 1`);
	if (credentials.length !== 2 || credentials.filter(isRedis).length !== 1) problems.push(`n8n.credentials names ${credentials.length} credentials, not 2 (the provider's and the Redis store's)`);
	const nodeFiles = files.filter((f) => f.endsWith('.node.js'));
	const credentialFiles = files.filter((f) => f.endsWith('.credentials.js'));
	if (nodeFiles.length !== 1) problems.push(`the tarball holds ${nodeFiles.length} node files`);
	if (credentialFiles.length !== 2 || credentialFiles.filter(isRedis).length !== 1) problems.push(`the tarball holds ${credentialFiles.length} credential files, not 2 (the provider's and the Redis store's)`);
	return problems;
}

/**
 * What the loaded classes of all node packages, installed side by side in one n8n, must not share:
 * n8n keys node types by `<package>.<node>` but credential types by their bare `name`, one global
 * table in which a later package's type silently replaces an earlier one's
 * (LoadNodesAndCredentials.postProcessLoaders in n8n 2.41.1).
 * `loaded` is [{ package, nodes: [{ name, credentials: [names] }], credentials: [{ name }] }].
 */
function checkNoClash(loaded) {
	const problems = [];
	const credentialOwner = new Map();
	const nodeTypes = new Set();
	for (const entry of loaded) {
		for (const credential of entry.credentials) {
			const owner = credentialOwner.get(credential.name);
			if (owner) problems.push(`credential type ${credential.name} is defined by both ${owner} and ${entry.package}`);
			else credentialOwner.set(credential.name, entry.package);
		}
		for (const node of entry.nodes) {
			const type = `${entry.package}.${node.name}`;
			if (nodeTypes.has(type)) problems.push(`node type ${type} is defined twice`);
			nodeTypes.add(type);
		}
	}
	for (const entry of loaded) {
		const own = new Set(entry.credentials.map((c) => c.name));
		for (const node of entry.nodes) for (const name of node.credentials) if (!own.has(name)) problems.push(`${entry.package}.${node.name} uses credential type ${name}, which its own package does not define`);
	}
	return problems;
}

/**
 * Scanner warnings that cannot be fixed without making the package worse, each with why; any other
 * warning fails the check. The header-value fields of Tracebuzz and ApiRTC hold the shared secret
 * itself (the provider sends it verbatim in a custom header), so they stay masked.
 */
const ACCEPTED_WARNINGS = [
	{
		ruleId: '@n8n/community-nodes/credential-unnecessary-password',
		message: /^Field '(?:headerValue|previousHeaderValue)' does not appear to be sensitive/,
		why: 'the header value IS the shared secret (Tracebuzz, ApiRTC send it verbatim): it stays masked',
	},
];

function unacceptedWarnings(messages) {
	return messages.filter((m) => m.severity === 1 && !ACCEPTED_WARNINGS.some((a) => a.ruleId === m.ruleId && a.message.test(m.message)));
}

module.exports = { githubRepository, checkManifest, checkNodeTarballFiles, checkSingleService, checkNoClash, ACCEPTED_WARNINGS, unacceptedWarnings };
