/**
 * The Slack app: Slack → Quell. `/quell` (start, status, list, cancel, help), the buttons on the
 * run's thread cards (approve, reject, report an event, mark a task done), the modals behind
 * them, and App Home. Every listener acks first and works after; every decision goes through
 * client/runs.ts, so the workflow's validators judge Slack clicks exactly as they judge the CLI.
 *
 * HTTP receiver by default (Slack posts signed requests to SLACK_EVENTS_PATH; Bolt verifies the
 * signature and refuses requests older than five minutes with 401); Socket Mode when an app-level
 * token is configured.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { SLACK_EVENTS_PATH } from '../config/slack-app';
import { boltLogger } from './bolt-logger';
import type { AppContext, SlackAppDeps } from './context';
import { RecentKeys } from './dedupe';
import { register as registerActions } from './listeners/actions';
import { register as registerCommands } from './listeners/commands';
import { register as registerEvents } from './listeners/events';
import { register as registerViews } from './listeners/views';
import { slackError } from './reply';
import { guardSlackRequests } from './request-guard';

export interface QuellSlackApp {
  readonly app: App;
  /**
   * Checks the bot token (auth.test, unless the bot's ids were given), then listens (HTTP) or
   * connects (Socket Mode).
   * @throws SlackAppStartError saying what to fix.
   */
  start(): Promise<{ receiver: 'http' | 'socket-mode'; url?: string }>;
  /** Stops taking requests and waits (briefly) for listeners still working on acked ones. */
  stop(): Promise<void>;
}

/** The app could not start; `config` when the fix is a setting (exit code 2), not a retry. */
export class SlackAppStartError extends Error {
  override readonly name = 'SlackAppStartError';
  constructor(
    message: string,
    readonly config: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How long stop() waits for listeners that acked and are still working. */
const DRAIN_MS = 10_000;
/** Rejections Slack gives a bad token: a configuration problem, not an outage. */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

export function createSlackApp(deps: SlackAppDeps): QuellSlackApp {
  const { settings } = deps;
  const logger = deps.logger.child({ component: 'slack-app' });
  const log = boltLogger(logger);
  const clientOptions: WebClientOptions = {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
    // Replies are worth a short retry; modals are not (their trigger_id is dead after ~3 s).
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000 },
    timeout: 10_000,
  };
  let receiver: Receiver;
  if (settings.receiver === 'socket-mode') {
    receiver = new SocketModeReceiver({ appToken: settings.appToken!.reveal(), logger: log, installerOptions: { clientOptions } });
  } else {
    if (!settings.signingSecret) throw new SlackAppStartError('slack.signing_secret is required for the HTTP receiver (or set slack.app_token for Socket Mode)', true);
    receiver = new HTTPReceiver({
      signingSecret: settings.signingSecret.reveal(),
      endpoints: [SLACK_EVENTS_PATH],
      logger: log,
      customRoutes: [
        {
          path: '/healthz',
          method: ['GET'],
          handler: (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('ok');
          },
        },
      ],
    });
    const http = receiver as HTTPReceiver;
    http.requestListener = guardSlackRequests(http.requestListener, { path: SLACK_EVENTS_PATH, logger });
  }
  const app = new App({
    receiver,
    token: settings.botToken.reveal(),
    ...(deps.bot ? { botId: deps.bot.botId, botUserId: deps.bot.botUserId } : {}),
    // Known ids need no auth.test; otherwise init() calls it once, where a failure is reported.
    tokenVerificationEnabled: !deps.bot,
    deferInitialization: true,
    logger: log,
    clientOptions,
    convoStore: false,
  });

  const ctx: AppContext = { ...deps, logger, recent: new RecentKeys(deps.dedupeTtlMs) };
  const working = new Set<Promise<void>>();
  // Tracks listeners past their ack, so a shutdown lets a decision in flight reach Temporal.
  app.use(async ({ next }) => {
    const run = next();
    working.add(run);
    try {
      await run;
    } finally {
      working.delete(run);
    }
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });
  registerCommands(app, ctx);
  registerActions(app, ctx);
  registerViews(app, ctx);
  registerEvents(app, ctx);

  let started = false;
  return {
    app,
    async start() {
      try {
        await app.init();
      } catch (error) {
        const problem = slackError(error);
        if (problem.error && TOKEN_ERRORS.has(problem.error)) {
          throw new SlackAppStartError(`Slack refused the bot token (auth.test: ${problem.error}): check slack.bot_token`, true, { cause: error });
        }
        throw new SlackAppStartError(`cannot reach Slack to check the bot token (${problem.message})`, false, { cause: error });
      }
      if (settings.receiver === 'socket-mode') {
        try {
          await app.start();
        } catch (error) {
          const problem = slackError(error);
          throw new SlackAppStartError(`Socket Mode could not connect (${problem.error ?? problem.message}): check slack.app_token`, Boolean(problem.error && TOKEN_ERRORS.has(problem.error)), { cause: error });
        }
        started = true;
        return { receiver: 'socket-mode' as const };
      }
      const { host, port } = settings.listen;
      let server: Server;
      try {
        server = (await app.start({ host, port })) as Server;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new SlackAppStartError(
          `cannot listen on ${host}:${port} (${code ?? (error as Error).message}): change slack.listen in the connectors file`,
          code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND',
          { cause: error },
        );
      }
      started = true;
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { receiver: 'http' as const, url: `http://${shownHost}:${address.port}${SLACK_EVENTS_PATH}` };
    },
    async stop() {
      if (!started) return;
      started = false;
      await app.stop().catch((error: unknown) => logger.warn({ err: error }, 'Slack receiver did not stop cleanly'));
      if (working.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, DRAIN_MS);
        });
        await Promise.race([Promise.allSettled([...working]), timeout]);
        clearTimeout(timer);
      }
    },
  };
}
