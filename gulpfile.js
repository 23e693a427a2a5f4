/**
 * Build steps after `tsc`: copy the node icons beside the compiled nodes, and write each node's
 * output schema (`__schema__/v1.0.0.json`, which n8n's editor reads) from the providers' zod schemas.
 */
const path = require('path');
const fs = require('fs');
const { src, dest, series } = require('gulp');

function copyIcons() {
	return src('nodes/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/nodes'));
}

function writeOutputSchemas(done) {
	const { outputJsonSchema } = require('./dist/nodes/shared/outputSchema');
	const { PROVIDERS } = require('./dist/nodes/shared/providers');
	for (const definition of Object.values(PROVIDERS)) {
		const folder = path.join('dist', 'nodes', `${definition.nodeName[0].toUpperCase()}${definition.nodeName.slice(1)}`, '__schema__');
		fs.mkdirSync(folder, { recursive: true });
		fs.writeFileSync(path.join(folder, 'v1.0.0.json'), `${JSON.stringify(outputJsonSchema(definition), null, 2)}\n`);
	}
	done();
}

exports.build = series(copyIcons, writeOutputSchemas);
exports['build:icons'] = copyIcons;
