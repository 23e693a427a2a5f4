/**
 * ESM entry of the n8n runtime cache used by `npm start` (scripts/start.mjs) and the end-to-end
 * suite (test/e2e). The implementation is CommonJS (scripts/n8n-runtime.cjs) so that jest can load it too.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const runtime = require('./n8n-runtime.cjs');

export const {
	REPO_ROOT,
	PACKAGE_NAME,
	NODE24_VERSION,
	DEFAULT_OWNER,
	NODE_SEARCH_TERM,
	cacheDir,
	ensureNode24,
	ensureN8n,
	bcryptHash,
	n8nEnv,
	runN8nCli,
	startN8n,
	waitFor,
	waitForHealthy,
	httpRequest,
	installPackageTarball,
	registerCommunityPackage,
	packRepo,
	log,
	run,
	npmCliPath,
} = runtime;
export default runtime;
