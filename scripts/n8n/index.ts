/**
 * The n8n runtime of `npm start`, the tests and the bench: Node builds and n8n versions installed
 * into a cache outside the repo (node.ts, install.ts, versions.ts, cache.ts), the n8n process
 * (process.ts), this package as a community package in it (community.ts), and one n8n with the
 * package and workflows in it (harness.ts). Run with tsx; plain-JS entry points load it through
 * `tsx/cjs/api` once the project's dependencies are installed (scripts/ensure-deps.mjs).
 */
export { cacheDir } from './cache';
export { PACKAGE_NAME, REPO_ROOT, log, npmCliPath, run } from './exec';
export { httpRequest, waitFor, type HttpResponse } from './http';
export { ensureNode, nodeEnv, type NodeInstall } from './node';
export { DEFAULT_N8N_VERSION, knownVersions, requestedVersion, versionManifest, type VersionManifest } from './versions';
export { ensureN8n, findInstalledN8n, type N8nInstall } from './install';
export { DEFAULT_OWNER, bcryptHash, n8nEnv, runN8nCli, startN8n, waitForHealthy, type N8nProcess, type Owner, type StartOptions } from './process';
export { createApiKey, editorGet, setUpOwnerIfAsked, signIn, type Session } from './api';
export { NODE_SEARCH_TERM, installPackageTarball, packRepo, registerCommunityPackage, trustMachineCaInNodesFolder, type RegisteredPackage } from './community';
export { N8nHarness, uniqueTag, type CredentialSpec, type Execution, type HarnessOptions, type WorkflowSpec } from './harness';
