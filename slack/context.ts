/**
 * What the Slack app needs from the process that runs it, and what every listener shares.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { LivePreflight } from '../client/preflight';
import type { SlackAppSettings } from '../config/slack-app';
import type { RecentKeys } from './dedupe';

export interface SlackAppDeps {
  settings: SlackAppSettings;
  /** Runs are started and steered through client/runs.ts with this client. */
  temporal: Client;
  /** Where runs started from Slack go (the worker's task queue); lists are limited to it too. */
  taskQueue: string;
  /** The runbooks `/quell start` offers (QUELL_RUNBOOKS_DIR). */
  runbooksDir: string;
  logger: Logger;
  /**
   * Why a live run of `runbook` with these inputs would be refused (connectors or approver
   * groups missing), checked from configuration before the run exists, as `quell start` does.
   * Absent: no such check here (the worker still refuses before the first step). This is the
   * pre-flight of client/preflight.ts (the worker passes it; tests may stub it).
   */
  liveRefusal?: LivePreflight;
  /**
   * The approvers file (QUELL_APPROVERS_FILE): who facilitates drills. Absent: `/quell drill`
   * refuses everyone, since nobody can be shown to facilitate.
   */
  approversFile?: string;
  /** The bot's ids when known (tests, bench); otherwise `auth.test` finds them at start. */
  bot?: { botId: string; botUserId: string };
  /** How long handled interactions are remembered for de-duplication (default 10 minutes). */
  dedupeTtlMs?: number;
}

/** Shared by the listeners. */
export interface AppContext extends Omit<SlackAppDeps, 'logger'> {
  logger: Logger;
  recent: RecentKeys;
}
