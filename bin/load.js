// Loads one of Quell's entry modules for bin/: the compiled build (dist/, made by `npm run build`)
// when it is there and at least as new as every TypeScript source, otherwise the sources through
// ts-node (development: edits take effect without a build). Both run the same code.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
// Every folder the build compiles (tsconfig.build.json): a new connector folder must make dist/ stale.
const SOURCE_DIRS = ['common', 'config', 'connectors', 'client', 'runbooks', 'reports', 'workflows', 'activities', 'worker', 'cli', 'slack', 'scripts'];
// Written as the last step of every `npm run build` (scripts/bundle-workflows.ts).
const BUILD_STAMP = path.join(ROOT, 'dist', '.build-complete');

/** Newest modification time of any .ts file under the product folders (a few hundred stats). */
function newestSourceMs() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
  return newest;
}

function buildIsCurrent() {
  try {
    return fs.statSync(BUILD_STAMP).mtimeMs >= newestSourceMs();
  } catch {
    return false;
  }
}

function canResolve(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Requires `<entry>` (e.g. 'cli/main') from dist/ or from the sources; returns its exports. */
function loadEntry(entry) {
  // The AWS SDK warns on every start that its future releases will need Node 22. Quell pins an SDK
  // release that supports Node 20 (package.json engines), so the notice is noise for responders.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.QUELL_VERSION = require(path.join(ROOT, 'package.json')).version;
  if (process.env.QUELL_FROM_SOURCES !== '1' && buildIsCurrent()) {
    process.env.QUELL_RUNNING_FROM = 'dist';
    return require(path.join(ROOT, 'dist', `${entry}.js`));
  }
  process.env.QUELL_RUNNING_FROM = 'sources';
  require('ts-node').register({
    project: path.join(ROOT, 'tsconfig.json'),
    transpileOnly: true,
    // SWC transpiles in a fraction of TypeScript's time; it is optional (a dependency of a dependency).
    swc: canResolve('@swc/core'),
  });
  return require(path.join(ROOT, `${entry}.ts`));
}

module.exports = { loadEntry, buildIsCurrent };
