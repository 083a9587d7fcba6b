#!/usr/bin/env node
// Entry point of `npm start`: the worker (and, without TEMPORAL_ADDRESS, the embedded Temporal
// dev server). Runs the TypeScript sources directly through ts-node with the SWC transpiler.
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
require('../worker/main.ts');
