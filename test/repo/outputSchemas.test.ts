/**
 * The build writes each trigger's output schema for every version the node has: n8n's editor asks
 * for `__schema__/v<typeVersion as x.y.z>.json`, and the nodes default to version 2 (a schema for
 * version 1 only was never found by an editor that reads it). Runs on the build `npm test` makes first.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { outputJsonSchema } from '../../nodes/shared/outputSchema';
import { nodeOf, REGISTERED, REPO_ROOT } from '../helpers/registry';

function schemaName(version: number): string {
	const [major, minor = '0'] = String(version).split('.');
	return `v${major}.${minor}.0.json`;
}

describe('output schemas in the build', () => {
	it.each(REGISTERED.map((r) => [r.definition.provider, r] as const))('%s: one file per node version, equal to its item schema', (_id, registered) => {
		const folder = join(REPO_ROOT, 'dist', 'nodes', registered.files.nodeClass, '__schema__');
		if (!existsSync(folder)) throw new Error(`${folder} is missing: run npm run build (npm test builds first)`);
		const versions = [nodeOf(registered.definition).description.version].flat();
		expect(versions).toContain(registered.node.description.defaultVersion);
		for (const version of versions) {
			const file = join(folder, schemaName(version));
			expect(existsSync(file)).toBe(true);
			expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(outputJsonSchema(registered.definition))));
		}
	});
});
