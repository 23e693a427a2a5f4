/** `unit` (fast, in process), `e2e` (drives a real n8n, see test/e2e), then the stages of scripts/test.mjs in order. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/**/*.test.ts'],
			testPathIgnorePatterns: ['<rootDir>/test/e2e/', '<rootDir>/test/redis/', '<rootDir>/test/queue/', '<rootDir>/test/node-red/', '<rootDir>/test/editor/'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
		},
		{
			// a real n8n in a real (Debian) chromium, see test/editor/README.md
			displayName: 'editor',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/editor/**/*.editor.test.ts'],
		},
		{
			// a real redis-server (scripts/stages/redis.mjs installs Debian's when missing)
			displayName: 'redis',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/redis/**/*.test.ts'],
		},
		{
			// the Node-RED package in a real Node-RED (test/node-red): its nodes through
			// node-red-node-test-helper, then its packed tarball installed into a node-red user folder
			displayName: 'node-red',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/node-red/**/*.test.ts'],
		},
		{
			// n8n in queue mode over a real Postgres and Redis (scripts/stages/queue.mjs installs Debian's when missing)
			displayName: 'queue',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/queue/**/*.queue.test.ts'],
		},
		{
			// the e2e essentials on every locked n8n version, one at a time (npm run test:compat)
			displayName: 'compat',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/compat/**/*.compat.test.ts'],
		},
	],
};
