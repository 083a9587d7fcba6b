#!/usr/bin/env node
// Entry point of the `quell` command: the compiled CLI (or its sources in development, see load.js).
'use strict';
const { loadEntry } = require('./load');

const { runCli } = loadEntry('cli/main');
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
