/**
 * The dev server as a child process: keeps the tail of its output for error messages, reports how
 * it ended, and stops it (SIGTERM, then SIGKILL after a grace period).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

export interface SpawnedServer {
  child: ChildProcess;
  /** Resolves with the exit description once the process is gone. */
  exited: Promise<string>;
  /** The last 20 non-empty lines the server wrote (stdout and stderr). */
  tail(): string;
  /** Idempotent; resolves once the process exited. */
  stop(graceMs: number): Promise<void>;
}

export function spawnServer(binary: string, args: string[], detached: boolean): SpawnedServer {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
    lines.splice(0, Math.max(0, lines.length - 20));
  };
  // Both pipes must be drained or the server blocks once the pipe buffer is full.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not be spawned: ${error.message}`));
    child.once('exit', (code, signal) => resolve(signal ? `exited on ${signal}` : `exited with code ${code}`));
  });
  // Last line of defence: never leave an orphan holding the port and the SQLite file.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    child,
    exited,
    tail: () => lines.join('\n'),
    stop(graceMs) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          child.kill('SIGTERM');
          // Cancel the grace timer once the process is gone, or it would hold the event loop open.
          const graceOver = new AbortController();
          const timer = delay(graceMs, 'timeout' as const, { signal: graceOver.signal }).catch(() => 'cancelled' as const);
          if ((await Promise.race([exited, timer])) === 'timeout') {
            child.kill('SIGKILL');
          }
          graceOver.abort();
          await exited;
        }
        process.off('exit', killOnExit);
      })();
      return stopping;
    },
  };
}
