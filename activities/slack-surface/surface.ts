/**
 * The worker's Slack surface: the bot token client, the incident channel runs post in, and the
 * delivery log that keeps every thread post at most once. Built from the connectors file's
 * `slack:` section; absent when there is none (runs then have no Slack presence).
 *
 * Building does no I/O.
 */
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { DeliveryLog } from '../notify/delivery-log';
import { createSlackClient, type SlackSettings } from '../../connectors/slack/client';

export interface SlackSurface {
  /** Bot token client; its own retries are off, Temporal retries (see ../notify/slack/client.ts). */
  client: WebClient;
  /** Channel (id, or name) where each run posts its root message. */
  channel: string;
  /** Records root and thread posts so a retried post is not posted twice. */
  log: DeliveryLog;
  logger: Logger;
}

/** Where the surface's posts are remembered: beside the notifications, in a file of its own. */
export function slackSurfaceLogPath(dataDir: string): string {
  return path.join(dataDir, 'slack-surface-sent.jsonl');
}

export function buildSlackSurface(settings: SlackSettings | undefined, dataDir: string, logger: Logger): SlackSurface | undefined {
  if (!settings) return undefined;
  const child = logger.child({ component: 'slack-surface' });
  return {
    client: createSlackClient(settings, child),
    channel: settings.channel,
    log: new DeliveryLog(slackSurfaceLogPath(dataDir)),
    logger: child,
  };
}
