'use strict';
/**
 * The README of a per-service package, cut from the repository's README.md: the same setup text and
 * the same generated sections (events, fields of `data`, example item, the item's fields), which
 * `scripts/readme.mjs --check` keeps equal to the provider definitions. Only the parts about the
 * one service are taken; links to parts left out point at the full README on GitHub.
 */
const { githubRepository } = require('./checks.cjs');

/** The blocks of a Markdown text split at headings of level `level` (text before the first: key ''). */
function sections(markdown, level) {
	const marker = `${'#'.repeat(level)} `;
	const out = [];
	let current = { heading: '', lines: [] };
	let fence = false;
	for (const line of markdown.split('\n')) {
		if (line.startsWith('```')) fence = !fence;
		if (!fence && line.startsWith(marker)) {
			out.push(current);
			current = { heading: line, lines: [line] };
		} else current.lines.push(line);
	}
	out.push(current);
	return out.map((s) => ({ heading: s.heading, text: s.lines.join('\n').replace(/\n+$/, '') }));
}

function take(markdown, heading) {
	const level = heading.match(/^#+/)[0].length;
	const found = sections(markdown, level).find((s) => s.heading === heading);
	if (!found) throw new Error(`README.md has no "${heading}" section`);
	// a level-3 section ends at the next level-2 heading too
	return level > 2 ? sections(found.text, 2)[0].text : found.text;
}

/** GitHub's anchor for a heading. */
function anchor(heading) {
	return heading
		.replace(/^#+\s*/, '')
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s-]/gu, '')
		.replace(/\s/g, '-');
}

function renderReadme(readme, service, rootPkg) {
	const repo = githubRepository(rootPkg);
	const base = `https://github.com/${repo}`;
	const intro =
		service.id === 'generic'
			? 'The **Verified Webhook Trigger** for [n8n](https://n8n.io): it receives signed webhooks (GitHub, Stripe, Slack, Shopify, Standard Webhooks or a scheme you describe), checks each signature, and starts your workflow **once per event** with **one clean item**.'
			: `The **${service.displayName} Trigger** for [n8n](https://n8n.io): it receives ${service.displayName}'s webhooks, checks that each request really comes from ${service.displayName}, and starts your workflow **once per event** with **one clean, typed item**.`;
	const parts = [
		`# ${service.name}`,
		intro,
		`This package holds one node and its credential. It is cut from [n8n-nodes-verified-webhooks](${base}), which holds the triggers of every provider in one package; the two can be installed side by side.`,
		[
			'## Install',
			'',
			`**n8n Cloud and self-hosted n8n, once n8n has verified the package**: open the node panel, search for **${service.displayName}**, and install it from there.`,
			'',
			'**Self-hosted n8n**: open **Settings → Community Nodes → Install**, enter the package name',
			'',
			'```',
			service.name,
			'```',
			'',
			'tick that you understand the risks of community nodes, and click **Install**.',
			'',
			`The credential type of this package is \`${service.newCredentialName}\` (in the all-in-one package it is \`${service.credentialName}\`: n8n keys credential types by name across all packages, so each package has its own). A credential made for one package does not show in the other; make a new one with the same secret.`,
		].join('\n'),
	];
	const copied = [];
	const wanted = ['## Set up a trigger', service.readmeHeading, '## What the node answers', '## The item', '## The Unrecognized output', '## Options', '## Deduplication', '## Security'];
	for (const heading of wanted) {
		let text = take(readme, heading);
		// the provider's own section, unchanged (its generated parts byte for byte), under a heading of its level
		if (heading.startsWith('### ')) text = `## The ${service.displayName} Trigger\n\n${text}`;
		copied.push(text);
	}
	// the credential type's name in this package, in the text taken from the full README
	parts.push(...copied.map((t) => t.replace(new RegExp(`\`${service.credentialName}\``, 'g'), `\`${service.newCredentialName}\``)));
	parts.push(`## License\n\nMIT: see [LICENSE](LICENSE). Source, issues and the full documentation: ${base}.`);
	let text = `${parts.join('\n\n')}\n`;
	// "the provider's steps are below": this package's one provider section
	text = text.replace(/\]\(#providers\)/g, `](#${anchor(service.readmeHeading)})`);
	// links to sections this README does not hold go to the full README
	const present = new Set(sections(text, 2).concat(sections(text, 3), sections(text, 4)).map((s) => anchor(s.heading)).filter(Boolean));
	text = text.replace(/\]\(#([^)]+)\)/g, (m, id) => (present.has(id) ? m : `](${base}#${id})`));
	return text;
}

module.exports = { renderReadme };
