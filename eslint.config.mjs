// Lint configuration. The workflows/ override is what keeps workflow code deterministic: it may
// import only the Temporal workflow API and modules that are themselves workflow-safe.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Import boundaries: each folder may import only folders below it in this order (a folder in the
// same row is a sibling it may not import either). Imports that point up are how a codebase
// knots itself; docs/architecture.md draws the same order.
const LAYERS = [
  ['common'],
  ['config'],
  ['connectors'],
  ['runbooks'],
  ['reports'],
  ['activities'],
  ['workflows'],
  ['client'],
  ['slack', 'cli'],
  ['worker'],
  ['scripts'],
];

/** no-restricted-paths zones: for each folder, every folder above it (and its siblings). */
function boundaryZones() {
  const zones = [];
  LAYERS.forEach((row, rank) => {
    const higher = LAYERS.slice(rank + 1).flat();
    for (const folder of row) {
      const siblings = row.filter((other) => other !== folder);
      for (const from of [...higher, ...siblings, 'test']) {
        // Block Kit builders (slack/blocks) are a leaf over common/: activities render with them.
        const except = from === 'slack' && folder === 'activities' ? ['./blocks'] : [];
        zones.push({ target: `./${folder}`, from: `./${from}`, except, message: `${folder}/ may not import ${from}/ (imports point down: see LAYERS in eslint.config.mjs)` });
      }
    }
  });
  // The Slack app talks to the engine only through client/.
  for (const from of ['activities', 'connectors', 'workflows']) {
    zones.push({ target: './slack', from: `./${from}`, message: `slack/ reaches ${from}/ only through client/` });
  }
  // The Block Kit builders are a leaf: nothing of Quell's but common/.
  for (const from of LAYERS.flat().filter((folder) => folder !== 'common')) {
    zones.push({ target: './slack/blocks', from: `./${from}`, except: from === 'slack' ? ['./blocks'] : [], message: 'slack/blocks/ is a leaf: it imports only common/' });
  }
  return zones;
}

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers',
  'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'coverage/**', 'bin/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: boundaryZones() }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'common/**/*.ts', 'runbooks/schema.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.flatMap((name) => [
          { name, message: 'Workflow code must be deterministic: no Node built-ins.' },
          { name: `node:${name}`, message: 'Workflow code must be deterministic: no Node built-ins.' },
        ]),
        patterns: [
          { group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'], message: 'Workflows may use only @temporalio/workflow.' },
          { group: ['pino', 'pino-*', '@aws-sdk/*', '@slack/*', 'yaml', 'commander', 'nodemailer'], message: 'Node-only library: not allowed in workflow code.' },
          { group: ['**/activities/*', '**/activities/**'], message: 'Import activity types only (import type), never activity code.', allowTypeImports: true },
          { group: ['**/worker/**', '**/cli/**', '**/slack/**', '**/runbooks/load', '**/runbooks/load/**'], message: 'Node-only module: not allowed in workflow code.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() loops from @temporalio/workflow.' },
        { name: 'process', message: 'No process access in workflow code.' },
        { name: 'require', message: 'Use static imports of workflow-safe modules.' },
      ],
    },
  },
);
