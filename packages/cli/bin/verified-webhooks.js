#!/usr/bin/env node
'use strict';
// The command's entry: a file that exists before the build, so that npm links it on install (a
// fresh clone's `npm ci` runs before dist/ is built); the command itself is in dist/lib.js.
let lib;
try {
	lib = require('../dist/lib.js');
} catch {
	console.error('verified-webhooks is not built yet: run `npm run build` (npm start and npm test build it too).');
	process.exit(1);
}
lib.main(process.argv.slice(2)).then(
	(status) => {
		process.exitCode = status;
	},
	(error) => {
		console.error(`Unexpected error: ${error.message}`);
		process.exitCode = 1;
	},
);
