/** Jest global teardown: stops the run's dev server and removes the run's files. */
import fs from 'node:fs';
import path from 'node:path';
import type { DevServerHandle } from '../../worker/dev-server';
import { SERVER_HANDLE_KEY, TEST_STATE_ENV, fallbackStatePath } from './test-state';

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  const handle = globals[SERVER_HANDLE_KEY] as DevServerHandle | undefined;
  delete globals[SERVER_HANDLE_KEY];
  await handle?.stop();

  const statePath = process.env[TEST_STATE_ENV];
  if (!statePath) return;
  const state = fs.readFileSync(statePath, 'utf8');
  // The fallback is shared by every run of this checkout: remove it only if it is still ours.
  const fallback = fallbackStatePath();
  if (fs.existsSync(fallback) && fs.readFileSync(fallback, 'utf8') === state) fs.rmSync(fallback, { force: true });
  fs.rmSync(path.dirname(statePath), { recursive: true, force: true });
  delete process.env[TEST_STATE_ENV];
}
