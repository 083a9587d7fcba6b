/**
 * Starts a real local endpoint (moto_server, bao, scim2-server, …) as a child process on a free
 * loopback port, waits until it answers, and stops it (whole process group) afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { captureChildOutput } from './run-logs';

export interface ServerProcess {
  readonly port: number;
  readonly url: string;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Finds an executable installed by pip (`bao`, `scim2-server`, `moto_server`): PATH first, then
 * the Python scripts folder, which pyenv-style setups do not always put on PATH.
 */
export function findTool(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  try {
    const scripts = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'], { encoding: 'utf8' }).trim();
    const candidate = path.join(scripts, name);
    if (isExecutable(candidate)) return candidate;
  } catch {
    // no python3: fall through to the error below
  }
  throw new Error(`${name} is not installed (bash .ci/run installs it)`);
}

export interface StartOptions {
  command: string;
  args: (port: number) => string[];
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the server answers; polled until `timeoutMs`. */
  ready: (url: string) => Promise<boolean>;
  timeoutMs?: number;
  /** Port to use; a free one when omitted. */
  port?: number;
}

export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(options.command, options.args(port), {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A copy for the run-wide secret scan, as `endpoint-<command>-<pid>.{stdout,stderr}.log`.
  captureChildOutput(child, `endpoint-${path.basename(options.command)}`);
  let exited = false;
  child.once('exit', () => (exited = true));

  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3_000);
    await gone;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${options.command} exited before it was ready:\n${output}`);
    if (await options.ready(url).catch(() => false)) {
      return { port, url, output: () => output, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await stop();
  throw new Error(`${options.command} was not ready on ${url} within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
}

/** `ready` for servers that answer HTTP at all (any status) on `probePath`. */
export function answersHttp(probePath = '/'): (url: string) => Promise<boolean> {
  return async (url) => {
    const response = await fetch(`${url}${probePath}`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
