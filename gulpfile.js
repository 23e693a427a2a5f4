/**
 * Build steps after `tsc`: copy the node icons beside the compiled nodes, and write each node's
 * output schema from the providers' zod schemas: `__schema__/v<N>.0.0.json` for every version N the
 * node has (n8n's editor asks for `<typeVersion>` as x.y.0; the nodes default to version 2). n8n 2.41's
 * editor does not preview a trigger's schema; older editors read the file.
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
	const { providerFiles } = require('./dist/nodes/shared/definition');
	for (const definition of Object.values(PROVIDERS)) {
		const { nodeClass, distNode } = providerFiles(definition);
		const { version } = new (require(`./${distNode}`)[nodeClass])().description;
		const folder = path.join('dist', 'nodes', nodeClass, '__schema__');
		fs.mkdirSync(folder, { recursive: true });
		const text = `${JSON.stringify(outputJsonSchema(definition), null, 2)}\n`;
		// n8n's name for version 2 is 2.0.0, for 1.1 it is 1.1.0
		for (const v of [version].flat()) {
			const [major, minor = '0'] = String(v).split('.');
			fs.writeFileSync(path.join(folder, `v${major}.${minor}.0.json`), text);
		}
	}
	done();
}

exports.build = series(copyIcons, writeOutputSchemas);
exports['build:icons'] = copyIcons;
