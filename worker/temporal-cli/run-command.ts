/** Runs a short external command (version probes, pip, go) and describes a failure in one string. */
import { execFile } from 'node:child_process';

export interface RunResult {
  stdout: string;
  /** Undefined on success; otherwise why it failed, with the output tail. */
  problem?: string;
}

/** Never rejects: a missing command, a non-zero exit and a timeout all come back as `problem`. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: options.timeoutMs, env: options.env, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout });
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT'
            ? `${command} not found`
            : error.killed
              ? `timed out after ${options.timeoutMs} ms`
              : `exit code ${String(code ?? 'unknown')}`;
        const tail = `${stderr}${stdout}`.trim().split('\n').slice(-8).join('\n');
        resolve({ stdout, problem: tail ? `${why}: ${tail}` : why });
      },
    );
  });
}
