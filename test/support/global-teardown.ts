/**
 * Jest global teardown: stops the run's dev server and removes the run's files (the secret-scan
 * directory with its register of planted secrets and the captured logs included).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DevServerHandle } from '../../worker/dev-server';
import { SCAN_DIR_ENV } from './planted-secrets';
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
  const scan = process.env[SCAN_DIR_ENV];
  if (scan && process.env.QUELL_TEST_KEEP_SCAN === '1' && fs.existsSync(scan)) {
    // To read what the run-wide secret scan read (test secrets and captured logs): kept on request only.
    const kept = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-secret-scan-kept-'));
    fs.cpSync(scan, kept, { recursive: true });
    process.stderr.write(`\nQUELL_TEST_KEEP_SCAN=1: the secret scan's register and captured logs are in ${kept}\n`);
  }
  fs.rmSync(path.dirname(statePath), { recursive: true, force: true });
  delete process.env[TEST_STATE_ENV];
  delete process.env[SCAN_DIR_ENV];
}
