#!/usr/bin/env node
// Entry point of `npm start`: the worker (and, without TEMPORAL_ADDRESS, the embedded Temporal
// dev server). Runs the TypeScript sources directly through ts-node with the SWC transpiler.
'use strict';
const path = require('node:path');
require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
  swc: true,
});
require('../worker/main.ts');
