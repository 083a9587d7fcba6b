#!/usr/bin/env node
// `npm start` runs the compiled worker: build first when dist/ is missing or older than a source
// file, and skip the build (several seconds) when it is current.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { buildIsCurrent } = require('./load');

if (!buildIsCurrent()) {
  process.stderr.write('quell: compiling (npm run build)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
