'use strict';
/**
 * Loads an installed node package's classes as n8n's PackageDirectoryLoader does: for every path in
 * its package.json `n8n` field, require the file and take the export named after the file
 * (`ChatzuriTrigger.node.js` → `ChatzuriTrigger`), instantiate it and read its description. Run in
 * a child process with NODE_PATH set to where n8n-workflow and zod resolve (n8n prepends its own
 * module paths to NODE_PATH the same way). Prints one JSON object: what was loaded, and problems.
 *
 * Usage: node scripts/release/load.cjs <installed package dir>
 */
const fs = require('fs');
const path = require('path');

const dir = path.resolve(process.argv[2]);
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const problems = [];
const out = { package: pkg.name, nodes: [], credentials: [], problems };

function load(relative, suffix) {
	const file = path.join(dir, relative);
	const className = path.basename(relative).slice(0, -suffix.length);
	let mod;
	try {
		mod = require(file);
	} catch (error) {
		problems.push(`${relative} does not load: ${error.message.split('\n')[0]}`);
		return undefined;
	}
	if (typeof mod[className] !== 'function') {
		problems.push(`${relative} does not export ${className} (n8n loads only the export named after the file)`);
		return undefined;
	}
	try {
		return new mod[className]();
	} catch (error) {
		problems.push(`new ${className}() throws: ${error.message}`);
		return undefined;
	}
}

function iconFiles(icon, baseDir, what) {
	const icons = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
	if (icons.length === 0) problems.push(`${what} has no icon`);
	for (const i of icons) {
		if (typeof i !== 'string' || !i.startsWith('file:')) problems.push(`${what} icon ${JSON.stringify(i)} is not a file: icon`);
		else if (!fs.existsSync(path.join(baseDir, i.slice('file:'.length)))) problems.push(`${what} icon ${i} is not in the package`);
	}
}

for (const relative of pkg.n8n?.credentials ?? []) {
	const credential = load(relative, '.credentials.js');
	if (!credential) continue;
	const what = `credential ${credential.name}`;
	if (typeof credential.name !== 'string' || !credential.name.endsWith('Api')) problems.push(`${relative}: name ${credential.name} does not end in Api`);
	if (typeof credential.displayName !== 'string' || credential.displayName === '') problems.push(`${what} has no displayName`);
	if (!Array.isArray(credential.properties) || credential.properties.length === 0) problems.push(`${what} has no properties`);
	iconFiles(credential.icon, path.dirname(path.join(dir, relative)), what);
	out.credentials.push({ name: credential.name, displayName: credential.displayName, fields: (credential.properties ?? []).map((p) => p.name) });
}

for (const relative of pkg.n8n?.nodes ?? []) {
	const node = load(relative, '.node.js');
	if (!node) continue;
	const d = node.description ?? {};
	const what = `node ${d.name}`;
	for (const key of ['displayName', 'name', 'description']) if (typeof d[key] !== 'string' || d[key] === '') problems.push(`${relative}: description.${key} is missing`);
	if (!Array.isArray(d.group) || !d.group.includes('trigger')) problems.push(`${what} is not in the trigger group`);
	if (!Array.isArray(d.inputs) || d.inputs.length !== 0) problems.push(`${what}: a trigger has no inputs`);
	if (!Array.isArray(d.properties) || d.properties.length === 0) problems.push(`${what} has no properties`);
	const webhook = d.webhooks?.[0];
	if (!webhook || webhook.path !== 'webhook' || webhook.httpMethod !== 'POST') problems.push(`${what}: no POST webhook at path "webhook"`);
	if (typeof node.webhook !== 'function') problems.push(`${what} has no webhook() method`);
	if (!node.webhookMethods?.default) problems.push(`${what} has no webhookMethods`);
	iconFiles(d.icon, path.dirname(path.join(dir, relative)), what);
	const credentials = (d.credentials ?? []).map((c) => c.name);
	for (const c of d.credentials ?? []) {
		if (c.testedBy && typeof node.methods?.credentialTest?.[c.testedBy] !== 'function') problems.push(`${what}: credential test ${c.testedBy} is not among its methods`);
	}
	out.nodes.push({ name: d.name, displayName: d.displayName, version: d.version, credentials });
}

process.stdout.write(`${JSON.stringify(out)}\n`);
