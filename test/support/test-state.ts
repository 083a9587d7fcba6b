/**
 * The hand-over between the Jest global setup (one dev server, one workflow bundle per run) and the
 * test files: a small JSON file whose path travels in QUELL_TEST_STATE, with a fixed fallback
 * under the OS temp dir keyed by the repository path (for a test file started outside the run).
 *
 * Each run writes into its own temporary directory, so two Jest runs in one checkout (two people,
 * or an editor plugin) do not delete each other's bundle; only the fallback file is shared.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../config/environment';

/** What the global setup started, as the tests need it. */
export interface TestServerState {
  /** Frontend `host:port`. */
  address: string;
  namespace: string;
  /** File holding the workflow bundle code (`bundleWorkflowCode` output). */
  bundlePath: string;
  /** Dev server process id (absent when the SDK runs the server). */
  serverPid?: number;
  /** Temporal CLI binary, or "sdk-download". */
  cliPath: string;
  /** Dev server start-up time, ms. */
  startupMs: number;
}

/** Environment variable carrying the state file path. */
export const TEST_STATE_ENV = 'QUELL_TEST_STATE';

/** Global key under which the setup leaves the server handle for the teardown (same process). */
export const SERVER_HANDLE_KEY = '__quellTestDevServer';

const repoKey = (): string => createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12);

/** Creates this run's private directory (bundle, state). */
export function createTestRunDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `quell-test-${repoKey()}-`));
}

/** The fixed fallback path of the state file: the latest run of this checkout. */
export function fallbackStatePath(): string {
  return path.join(os.tmpdir(), `quell-test-${repoKey()}.json`);
}

/** Reads the state written by the global setup; throws a clear error when there is none. */
export function readTestState(): TestServerState {
  const file = process.env[TEST_STATE_ENV] || fallbackStatePath();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `No test server state at ${file}: run tests through Jest (globalSetup starts the Temporal dev server).`,
    );
  }
  return JSON.parse(text) as TestServerState;
}
