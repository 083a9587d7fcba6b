// Lint configuration. The workflows/ override is what keeps workflow code deterministic: it may
// import only the Temporal workflow API and modules that are themselves workflow-safe.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    rules: {
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
          { group: ['**/activities/*', '**/activities/**', '!**/activities/ports'], message: 'Import activity types only (import type), never activity code.', allowTypeImports: true },
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
