/**
 * The n8n of the end-to-end run: the harness of the tooling (scripts/n8n/harness.ts: one real n8n
 * with this package installed from its packed tarball exactly as Community Nodes installs it,
 * workflows imported and published through n8n's CLI, executions read back through the public
 * API), with its runs' user folders (and n8n's logs) kept under test/e2e/.work. See README.md.
 */
import * as path from 'node:path';

import { N8nHarness as ToolingHarness } from '../../scripts/n8n/harness';
import { REPO_ROOT } from '../../scripts/n8n/exec';

export { NODE_SEARCH_TERM, type RegisteredPackage } from '../../scripts/n8n/community';
export { log } from '../../scripts/n8n/exec';
export { httpRequest, waitFor, type HttpResponse } from '../../scripts/n8n/http';
export { uniqueTag, type CredentialSpec, type Execution, type HarnessOptions, type ReadinessProbe, type WorkflowSpec } from '../../scripts/n8n/harness';

export class N8nHarness extends ToolingHarness {
	static override defaultWorkRoot = path.join(REPO_ROOT, 'test', 'e2e', '.work');
}
