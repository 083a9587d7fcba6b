/**
 * `npm start`: run the Quell worker.
 *
 * config → logger → Temporal Runtime → (embedded dev server when TEMPORAL_ADDRESS is unset) →
 * NativeConnection → worker, plus the Slack app when the connectors file's `slack:` section asks for
 * it. Orchestration only; every step lives in its own module.
 *
 * Exit codes: 0 after a requested shutdown, 1 on a runtime failure, 2 on invalid configuration,
 * 130 when a second Ctrl-C forces the exit.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { buildActivityDeps, loadConnectorsFile } from '../activities/build-deps';
import type { ActivityDeps } from '../activities/deps';
import { ApproversConfigError } from '../config/approvers-file';
import { ConnectorsConfigError } from '../connectors/connectors-file';
import { scrubSecrets } from '../config/secret';
import { auditKeyFiles, readAuditKeys } from '../reports/audit/key-files';
import { SigningKeyError } from '../reports/audit/signing';
import { SlackAppStartError, createSlackApp, type QuellSlackApp } from '../slack/app';
import { createLivePreflight } from '../client/preflight';
import { watchFatalErrors } from './fatal-errors';
import { SlackAppConfigError, slackAppSettings, type SlackAppSettings } from '../config/slack-app';
import { ConfigError, QuellConfig, connectionOptions, loadConfig } from '../config/environment';
import {
  PayloadKeysConfigError,
  codecServerSettings,
  dataConverterFor,
  loadPayloadEncryption,
  type CodecServerSettings,
  type PayloadEncryption,
} from '../config/codec/payload-data-converter';
import { startCodecServer, type CodecServer } from './codec-server';
import { createQuellWorker, maxCachedWorkflowsFrom } from './create-worker';
import { DevServerHandle, resolveTemporalCli, startDevServer } from './dev-server';
import { createLogger, installTemporalRuntime } from './logger';
import { ensureSearchAttributes } from './search-attributes';

async function main(): Promise<number> {
  let config: QuellConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`quell worker: ${error.message}\n`);
    return 2;
  }
  let maxCachedWorkflows: number;
  try {
    // Checked with the other settings, before any server starts.
    maxCachedWorkflows = maxCachedWorkflowsFrom(process.env);
  } catch (error) {
    process.stderr.write(`quell worker: ${(error as Error).message}\n`);
    return 2;
  }
  // The payload keys are read once, here, and shared by the worker, the Slack app's client and the
  // codec endpoint. A configured key file that cannot be used stops the start: never store clear text by accident.
  let encryption: PayloadEncryption | undefined;
  let codecSettings: CodecServerSettings | undefined;
  try {
    encryption = loadPayloadEncryption(config);
    if (encryption) codecSettings = codecServerSettings(config);
  } catch (error) {
    if (!(error instanceof PayloadKeysConfigError)) throw error;
    process.stderr.write(`quell worker: ${error.message}\n`);
    return 2;
  }
  const dataConverter = dataConverterFor(encryption);
  const logger = createLogger(config);
  // Connectors first: a bad connectors file should fail before any server is started.
  let deps: ActivityDeps;
  let slackSettings: SlackAppSettings | undefined;
  try {
    const connectors = loadConnectorsFile(config);
    // The dossier signing key is read now, so a wrong path fails the start, not the first archive pass.
    const keyFiles = auditKeyFiles(process.env);
    readAuditKeys(keyFiles);
    deps = await buildActivityDeps({ ...config, auditKeyFiles: keyFiles }, logger, { connectors });
    slackSettings = slackAppSettings(connectors?.slack);
  } catch (error) {
    if (!(error instanceof ConnectorsConfigError || error instanceof ApproversConfigError || error instanceof SlackAppConfigError || error instanceof SigningKeyError)) throw error;
    process.stderr.write(`quell worker: ${error.message}\n`);
    return 2;
  }
  logger.info(
    { connectorsFile: config.connectorsFile ?? null, connectors: [...deps.live.connectors.keys()] },
    config.connectorsFile ? 'live connectors loaded' : 'no connectors file (QUELL_CONNECTORS_FILE): live runs will be refused',
  );
  logger.info(
    { payloadKeysFile: config.payloadKeysFile ?? null, payloadKeys: encryption?.keyRing ?? null },
    encryption ? `payloads encrypted at rest with key "${encryption.keyRing.current.id}"` : 'payload encryption off (QUELL_PAYLOAD_KEYS_FILE unset): inputs and results are stored readable',
  );
  installTemporalRuntime(logger);
  const stopRequested = firstShutdownSignal(logger);
  const fatalErrors = watchFatalErrors(logger);

  let server: DevServerHandle | undefined;
  let connection: NativeConnection | undefined;
  let clientConnection: Connection | undefined;
  let slackApp: QuellSlackApp | undefined;
  let codecServer: CodecServer | undefined;
  try {
    if (!config.temporalAddress) server = await startEmbeddedServer(config, logger);
    const options = connectionOptions(config, server?.address);
    connection = await NativeConnection.connect(options);
    // The embedded server was started with them; an existing cluster may need them added.
    if (!server) await ensureSearchAttributes(connection, config.namespace, logger);
    const worker = await createQuellWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      deps,
      maxCachedWorkflows,
      ...(dataConverter ? { dataConverter } : {}),
    });
    if (encryption && codecSettings) {
      codecServer = await startCodecServer({ codec: encryption.codec, ...codecSettings, logger: logger.child({ component: 'codec-endpoint' }) });
      logger.info(
        { url: codecServer.url, allowedOrigins: codecSettings.allowedOrigins },
        `codec endpoint for the Web UI at ${codecServer.url} (set it as the UI's codec endpoint; callers send Authorization: Bearer <token>)`,
      );
    }
    if (slackSettings) {
      clientConnection = await Connection.connect(options);
      slackApp = createSlackApp({
        settings: slackSettings,
        temporal: new Client({ connection: clientConnection, namespace: config.namespace, ...(dataConverter ? { dataConverter } : {}) }),
        taskQueue: config.taskQueue,
        runbooksDir: config.runbooksDir,
        logger,
        liveRefusal: createLivePreflight(config),
        approversFile: config.approversFile,
      });
      const started = await slackApp.start();
      logger.info(started, started.url ? `Slack app listening at ${started.url}` : 'Slack app connected (Socket Mode)');
    } else {
      logger.info('Slack app off: the connectors file has no slack.signing_secret or slack.app_token');
    }
    logger.info(
      { address: options.address, namespace: config.namespace, taskQueue: config.taskQueue, build: process.env.QUELL_RUNNING_FROM ?? 'sources' },
      'Quell worker running (Ctrl-C to stop)',
    );
    // Slack stops taking requests first, so nothing new arrives while the worker drains.
    const stopping = stopRequested.then(async (signal) => {
      await slackApp?.stop();
      await codecServer?.stop();
      return signal;
    });
    // Shuts the worker down (finishing in-flight tasks) once a signal arrives, or fails it when
    // the embedded server dies under it (rather than polling a dead server forever).
    const serverDied = server?.exited?.then((how) => {
      throw new Error(`the embedded Temporal server ${how}`);
    });
    await worker.runUntil(Promise.race([stopping, fatalErrors.fatal, ...(serverDied ? [serverDied] : [])]));
    logger.info('worker stopped');
    return 0;
  } catch (error) {
    if (error instanceof SlackAppStartError) {
      logger.fatal({ err: error }, 'Slack app could not start');
      process.stderr.write(`quell worker: Slack app: ${error.message}\n`);
      return error.config ? 2 : 1;
    }
    logger.fatal({ err: error }, 'Quell worker failed');
    return 1;
  } finally {
    await slackApp?.stop();
    await codecServer?.stop();
    await clientConnection?.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the client connection failed'));
    // The worker is gone before the server stops, so no poll fails against a dying server.
    await connection?.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the connection failed'));
    await server?.stop();
    fatalErrors.stop();
  }
}

async function startEmbeddedServer(config: QuellConfig, logger: Logger): Promise<DevServerHandle> {
  const cli = await resolveTemporalCli({ env: { ...process.env, TEMPORAL_CLI_PATH: config.temporalCliPath }, logger });
  const server = await startDevServer({
    cli,
    port: config.temporalPort,
    ui: { port: config.uiPort },
    namespace: config.namespace,
    dbFilename: path.join(config.dataDir, 'temporal.sqlite'),
    // Own process group: Ctrl-C reaches only us, and we stop the worker before the server.
    detached: true,
    logger,
  });
  logger.info(
    { address: server.address, uiUrl: server.uiUrl, startupMs: server.startupMs },
    `embedded Temporal server at ${server.address}, Web UI at ${server.uiUrl ?? '(disabled)'}`,
  );
  return server;
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once (130). */
function firstShutdownSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        logger.warn({ signal }, 'second signal: exiting without waiting for the worker');
        process.exit(130);
      }
      received = true;
      logger.info({ signal }, 'shutting down (press Ctrl-C again to force)');
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Last resort, so the trace is kept; scrubbed, since an error may quote a URL's credentials.
    process.stderr.write(`quell worker: ${scrubSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exit(1);
  },
);
