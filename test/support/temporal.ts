/**
 * Helpers for tests that talk to the run's Temporal dev server (started by global-setup.ts).
 *
 * ```ts
 * const taskQueue = uniqueTaskQueue('offboarding');
 * const worker = await startTestWorker({ taskQueue });
 * const client = await connectTestClient();
 * try { ... } finally { await worker.stop(); await client.connection.close(); }
 * ```
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Client, Connection, type ClientOptions } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities/deps';
import { buildActivityDeps } from '../../activities/build-deps';
import { createQuellWorker, type QuellWorkerOptions } from '../../worker/create-worker';
import { createLogger, installTemporalRuntime } from '../../worker/logger';
import { runLogSink, teeToRunLog } from './run-logs';
import { TestServerState, readTestState } from './test-state';

export type { TestServerState } from './test-state';

let state: TestServerState | undefined;
let bundleCode: string | undefined;

/** Address, namespace and bundle of the run's dev server. */
export function testServer(): TestServerState {
  state ??= readTestState();
  return state;
}

type CaptureLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * A quiet logger for tests: lines at `logLevel` and up on stderr (so they do not mix with Jest's
 * reporter), and every line at `captureLevel` and up in the run's captured logs (run-logs.ts) for
 * the final secret scan. The logger's own level is `captureLevel`.
 */
export function testLogger(logLevel: 'warn' | 'error' = 'warn', captureLevel: CaptureLevel = logLevel): pino.Logger {
  const stderr = pino.destination({ dest: 2, sync: true });
  const shownFrom = pino.levels.values[logLevel];
  const shown = { write: (line: string) => (levelOf(line) >= shownFrom ? stderr.write(line) : true) };
  return createLogger({ logLevel: captureLevel }, teeToRunLog('test-logger', shown));
}

/** The numeric level of a pino JSON line (pino writes `level` first). */
function levelOf(line: string): number {
  return Number(/^\{"level":(\d+)/.exec(line)?.[1] ?? Infinity);
}

/**
 * A production logger (createLogger: redaction by key, value and shape) that prints nothing and
 * writes every line at `level` and up to the run's captured logs (run-logs.ts), for the final
 * secret scan. Use it where a test has no use for the log but the code under test needs a logger.
 */
export function runLogger(purpose: string, level: CaptureLevel = 'trace'): pino.Logger {
  return createLogger({ logLevel: level }, runLogSink(purpose));
}

/**
 * Installs the Temporal Runtime with the quiet test logger. Jest gives every test file its own
 * module registry, so this runs once per file's copy of the SDK, before its first Worker.
 */
export function ensureTestRuntime(): void {
  // Error level on stderr: the SDK logs every failed activity attempt as a warning, and several
  // tests make activities fail on purpose; those warnings would bury a real problem in the output.
  // Info and up (workflow `log` calls included) go to the run's captured logs.
  installTemporalRuntime(testLogger('error', 'info'));
}

/** A client on the run's server. Close it with `client.connection.close()`. */
export async function connectTestClient(options: { dataConverter?: ClientOptions['dataConverter'] } = {}): Promise<Client> {
  const { address, namespace } = testServer();
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace, ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}) });
}

/** A task queue no other test uses, so workers of different tests never steal each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** A running test worker. */
export interface TestWorker {
  worker: Worker;
  /** Shuts the worker down, waits for `run()` to finish (rethrowing its failure) and closes the connection. */
  stop(): Promise<void>;
}

/** Options of {@link startTestWorker}. */
export interface StartTestWorkerOptions {
  taskQueue: string;
  /** Activity dependencies; by default nothing live (tabletop only), with a journal in a fresh temp dir. */
  deps?: ActivityDeps;
  /** The payload codec the worker uses (e.g. encryption at rest); none by default. */
  dataConverter?: QuellWorkerOptions['dataConverter'];
}

/**
 * Starts a Quell worker (the run's prebuilt workflow bundle, the real activity registry) on the
 * run's server and keeps it running in the background until `stop()`.
 */
export async function startTestWorker(options: StartTestWorkerOptions): Promise<TestWorker> {
  ensureTestRuntime();
  const { address, namespace, bundlePath } = testServer();
  bundleCode ??= fs.readFileSync(bundlePath, 'utf8');
  let deps = options.deps;
  let scratchDir: string | undefined;
  if (!deps) {
    // Default: nothing live (tabletop only), with the effect journal in a directory of its own.
    scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-test-deps-'));
    deps = await buildActivityDeps({ dataDir: scratchDir, tabletopLatencyMs: 0 }, testLogger('warn', 'trace'));
  }
  const removeScratch = (): void => {
    if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
  };
  const connection = await NativeConnection.connect({ address });
  let worker: Worker;
  try {
    worker = await createQuellWorker({
      connection,
      namespace,
      taskQueue: options.taskQueue,
      deps,
      workflowBundle: { code: bundleCode },
      ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    });
  } catch (error) {
    await connection.close();
    removeScratch();
    throw error;
  }
  // Tracked, not awaited: a failure surfaces from stop() instead of as an unhandled rejection.
  let failure: unknown;
  const running = worker.run().catch((error: unknown) => {
    failure = error;
  });
  let stopping: Promise<void> | undefined;
  return {
    worker,
    stop() {
      stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
        removeScratch();
        if (failure !== undefined) throw failure;
      })();
      return stopping;
    },
  };
}
