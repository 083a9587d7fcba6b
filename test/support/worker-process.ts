/**
 * The real worker entry point (`npm start`'s bin/quell-worker.js) as a child process against the
 * run's Temporal server: tests that kill it, feed it bad configuration or start its Slack app.
 * Its output is copied to the run-wide secret scan; `env` comes on top of the server's address.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CHECK_OUTPUT_SHAPES_ENV } from '../../activities/output-shape';
import { captureChildOutput } from './run-logs';
import { REPO } from './runbooks';
import { testServer } from './temporal';

export type WorkerProcess = ChildProcessByStdio<null, Readable, Readable>;

export function spawnWorkerProcess(env: Record<string, string>, label: string): WorkerProcess {
  const server = testServer();
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'quell-worker.js')], {
    // The output shape check is on in the child too (activities/output-shape.ts), as in every test.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace, [CHECK_OUTPUT_SHAPES_ENV]: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  captureChildOutput(child, label);
  return child;
}

/** Resolves with how the child ended (its signal, else its exit code), at once if it already has. */
export function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });
}

/** Stops (SIGTERM) every child still running and waits for each to exit: a test's clean-up. */
export async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
  }
}
