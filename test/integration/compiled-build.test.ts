/**
 * `quell` and the worker run the compiled build (dist/, `npm run build`) when it is current, and
 * fall back to the sources only when it is not. `npm test` builds before Jest runs; run alone, this
 * file builds first if it must.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runQuell } from '../support/cli';
import { testServer } from '../support/temporal';

const REPO = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- bin/ is plain CommonJS
const { buildIsCurrent } = require(path.join(REPO, 'bin', 'load.js')) as { buildIsCurrent(): boolean };

beforeAll(() => {
  if (!buildIsCurrent()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'ignore' });
}, 180_000);

it('the build holds the compiled entry points and the pre-built workflow bundle', () => {
  for (const file of ['cli/main.js', 'worker/main.js', 'workflows/index.js', 'workflow-bundle.js']) {
    expect(fs.existsSync(path.join(REPO, 'dist', file))).toBe(true);
  }
  expect(buildIsCurrent()).toBe(true);
});

it('quell runs the compiled build, or the sources when asked', async () => {
  const server = testServer();
  const env = { address: server.address, namespace: server.namespace, taskQueue: 'unused', dataDir: REPO };
  const compiled = await runQuell(['--version'], env);
  expect(compiled).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+ \(compiled\)$/) });
  const sources = await runQuell(['--version'], { ...env, extra: { QUELL_FROM_SOURCES: '1' } });
  expect(sources.stdout).toMatch(/\(sources\)$/);
});
