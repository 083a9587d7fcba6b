#!/usr/bin/env node
// Entry point of the `quell` command. Runs the TypeScript sources directly (no build step):
// ts-node with the SWC transpiler starts in well under a second.
'use strict';
const path = require('node:path');
// The AWS SDK warns on every start that its future releases will need Node 22. Quell pins an SDK
// release that supports Node 20 (package.json engines), so the notice is noise for responders.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
  swc: true,
});
const { runCli } = require('../cli/main.ts');
runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // The message only: a stack trace is noise to a responder (runCli reports its own failures).
    process.stderr.write(`quell: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
