/**
 * Runs `temporal server start-dev` on loopback with Quell's search attributes registered, and
 * retries once with a longer deadline when a cold, loaded machine is slow to warm up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../common/search-attributes';
import { EMBEDDED_SERVER_HOST } from '../../config/environment';
import type { DevServerHandle, DevServerOptions } from './dev-server-types';
import { DevServerStartError } from './errors';
import { freePort, isPortFree } from './free-port';
import { resolveTemporalCli } from './locate';
import { stderrLogger } from './logger';
import { waitUntilReady } from './readiness';
import { startWithSdkDownload } from './sdk-download';
import { spawnServer } from './spawn-server';

/**
 * Starts `temporal server start-dev` and waits until the frontend answers `describeNamespace` and
 * lists every requested search attribute. If the first start is not ready in time (a cold, loaded
 * 2-core CI box), it is killed and started once more with a doubled deadline.
 *
 * @throws DevServerStartError with the server's output tail when it never became ready, or at once
 *   when a requested fixed port is taken.
 * @throws TemporalCliNotFoundError when only the SDK download was left and it failed.
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
