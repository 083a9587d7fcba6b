/**
 * Run-wide log capture for the final secret scan (test/zz-secret-scan/run-wide-secret-scan.test.ts):
 * every log line the test run produces is also appended to a file under the run's scan directory
 * (QUELL_TEST_SCAN_DIR/logs, see planted-secrets.ts), whatever else the test does with it.
 *
 * - In-process loggers: {@link teeToRunLog} (a copy of what a test's own sink or stderr receives)
 *   and `runLogger` in temporal.ts (file only, for loggers that used to be silent).
 * - Child processes: {@link captureChildOutput} for spawned processes (stdout and stderr as they
 *   come), {@link recordChildOutput} for output collected at the end (execFile).
 * - Console, stdout and stderr of the test processes: test/support/run-capture-setup.ts.
 *
 * Files are named by test file and source (`<test file>.<source>.log`; child output
 * `<test file>.<source>-<pid>.stdout.log` and `.stderr.log`, so two processes' chunks never
 * interleave inside a line; all CLI runs of a test file share `<test file>.cli-quell.stdout.log`). Appends use O_APPEND,
 * so Jest workers may share a file. Outside a Jest run nothing is written.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { currentTestFile, scanDir, scanLogsDir } from './planted-secrets';

/** Something pino (or a test) writes lines to. */
export interface LineSink {
  write(line: string): unknown;
}

const safeName = (source: string): string => source.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);

function fileFor(name: string): string | undefined {
  const dir = scanDir();
  return dir ? path.join(scanLogsDir(dir), name) : undefined;
}

/** Appends `text` to the captured log `name` (a file name under the logs dir). */
export function appendRunLog(name: string, text: string | Buffer): void {
  if (text.length === 0) return;
  const file = fileFor(name);
  // Opened per write: no descriptor outlives a test file, and O_APPEND keeps writers apart.
  if (file) fs.appendFileSync(file, typeof text === 'string' ? text : new Uint8Array(text.buffer, text.byteOffset, text.byteLength), { mode: 0o600 });
}

/** `<test file>.<source>` inside a test file (so the name says which file wrote it), else `source`. */
function prefixed(source: string): string {
  const file = currentTestFile();
  return file ? `${path.basename(file).replace(/\.test\.ts$/, '')}.${source}` : source;
}

/** A sink that appends every line to the captured log of `source` (`<test file>.<source>.log`). */
export function runLogSink(source: string): LineSink {
  const name = `${safeName(prefixed(source))}.log`;
  return { write: (line: string) => appendRunLog(name, line) };
}

/**
 * `inner`, plus a copy of every line in the captured log of `source`. For a test's own pino
 * sink: `pino({ level: 'trace' }, teeToRunLog('secret-hygiene', capture))`.
 */
export function teeToRunLog(source: string, inner: LineSink): LineSink {
  const copy = runLogSink(source);
  return {
    write(line: string) {
      copy.write(line);
      return inner.write(line);
    },
  };
}

/** Every chunk of `child`'s stdout and stderr, appended to captured logs as it comes. Drains both. */
export function captureChildOutput(child: ChildProcess, source: string): void {
  const base = `${safeName(prefixed(source))}-${child.pid ?? 'nopid'}`;
  child.stdout?.on('data', (chunk: Buffer | string) => appendRunLog(`${base}.stdout.log`, chunk));
  child.stderr?.on('data', (chunk: Buffer | string) => appendRunLog(`${base}.stderr.log`, chunk));
}

/** Output of a finished child process (e.g. from execFile), appended to the captured logs of `source`. */
export function recordChildOutput(source: string, stdout: string, stderr: string): void {
  const base = safeName(prefixed(source));
  if (stdout) appendRunLog(`${base}.stdout.log`, stdout.endsWith('\n') ? stdout : `${stdout}\n`);
  if (stderr) appendRunLog(`${base}.stderr.log`, stderr.endsWith('\n') ? stderr : `${stderr}\n`);
}
