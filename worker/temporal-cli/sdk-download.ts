/**
 * Last resort when no local binary was found or installable: let the Temporal SDK
 * (`@temporalio/testing`) download the CLI and run the dev server itself. Needs internet access.
 */
import path from 'node:path';
import type { DevServerHandle, DevServerOptions } from './dev-server-types';
import { TemporalCliNotFoundError } from './errors';
import type { ResolvedTemporalCli } from './locate';
import type { DevServerLogger } from './logger';

/** {@link DevServerOptions} with the defaults start-dev-server.ts has already filled in. */
export type SdkDownloadOptions = DevServerOptions & {
  ip: string;
  namespace: string;
  searchAttributes: Readonly<Record<string, string>>;
};

/**
 * Starts the server through `TestWorkflowEnvironment.createLocal` with `cli.executable` (a
 * `cached-download` marker from `resolveTemporalCli`).
 *
 * @throws TemporalCliNotFoundError, carrying the resolution attempts, when @temporalio/testing is
 *   not installed or the download/start fails.
 */
export async function startWithSdkDownload(
  cli: ResolvedTemporalCli,
  options: SdkDownloadOptions,
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
