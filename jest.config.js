/** `unit` (fast, in process), `e2e` (drives a real n8n, see test/e2e), then the stages of scripts/test.mjs in order. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }];
/** What every project shares; the n8n and Node-RED user folders the tests make hold package.json files jest must not index. */
const project = (displayName, testMatch, extra = {}) => ({
	displayName,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	modulePathIgnorePatterns: ['<rootDir>/test/[^/]+/\\.work/', '<rootDir>/\\.n8n-local/', '<rootDir>/\\.node-red-local/'],
	testMatch,
	...extra,
});

module.exports = {
	projects: [
		project('unit', ['<rootDir>/test/**/*.test.ts'], { testPathIgnorePatterns: ['<rootDir>/test/e2e/', '<rootDir>/test/redis/', '<rootDir>/test/queue/', '<rootDir>/test/node-red/', '<rootDir>/test/editor/'] }),
		project('e2e', ['<rootDir>/test/e2e/**/*.e2e.test.ts']),
		// a real n8n in a real (Debian) chromium, see test/editor/README.md
		project('editor', ['<rootDir>/test/editor/**/*.editor.test.ts']),
		// a real redis-server (scripts/stages/redis.mjs installs Debian's when missing)
		project('redis', ['<rootDir>/test/redis/**/*.test.ts']),
		// the Node-RED package in a real Node-RED (test/node-red): its nodes through
		// node-red-node-test-helper, then its packed tarball installed into a node-red user folder
		project('node-red', ['<rootDir>/test/node-red/**/*.test.ts']),
		// n8n in queue mode over a real Postgres and Redis (scripts/stages/queue.mjs installs Debian's when missing)
		project('queue', ['<rootDir>/test/queue/**/*.queue.test.ts']),
		// the e2e essentials on every locked n8n version, one at a time (npm run test:compat)
		project('compat', ['<rootDir>/test/e2e/compat/**/*.compat.test.ts']),
	],
};
