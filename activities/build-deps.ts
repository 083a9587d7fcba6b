/**
 * Builds the activities' dependencies from configuration: the effect journal, the live
 * connectors named by the connectors file (QUELL_CONNECTORS_FILE) and the approvers file
 * (QUELL_APPROVERS_FILE). Without the connectors file nothing is live, and live runs are refused
 * before their first step; without the approvers file the approval policy is open.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { AuditKeyFiles } from '../reports/audit/key-files';
import { buildApproversSetup } from './approvers/build';
import type { ApproversSetup } from './approvers/resolve';
import type { ActivityDeps } from './deps';
import { FileEffectJournal } from './effects/file-journal';
import { IntentNotes } from './effects/intent-notes';
import { loadConnectorsConfigOrThrow, type ConnectorsConfig } from '../connectors/connectors-file';
import { EMPTY_LIVE_SETUP, type LiveSetup } from './action-performer';
import { buildLiveSetup } from './live-setup';
import { buildSlackSurface } from './slack-surface';

export interface ActivityConfig {
  dataDir: string;
  tabletopLatencyMs: number;
  /** Absolute path of the connectors file; undefined: no live connectors. */
  connectorsFile?: string;
  /** Absolute path of the approvers file; undefined: the approval policy is open. */
  approversFile?: string;
  /** The dossier signing keys (QUELL_AUDIT_SIGNING_KEY / QUELL_AUDIT_PUBLIC_KEY), for the scheduled archive. */
  auditKeyFiles?: AuditKeyFiles;
}

export function effectJournalPath(dataDir: string): string {
  return path.join(dataDir, 'effects.jsonl');
}

/** Where live action attempts are noted (./effects/intent-notes.ts). */
export function intentNotesPath(dataDir: string): string {
  return path.join(dataDir, 'action-intents.jsonl');
}

/**
 * @throws ConnectorsConfigError listing every problem of the connectors file (file:line:col).
 * @throws ApproversConfigError listing every problem of the approvers file (file:line:col).
 */
export async function buildActivityDeps(
  config: ActivityConfig,
  logger: Logger,
  /** The connectors file as the caller already read it (the worker also starts the Slack app from it). */
  loaded?: { connectors: ConnectorsConfig | undefined },
): Promise<ActivityDeps> {
  // Read once: the live setup, the approvers' Slack user group reader and the Slack surface share it.
  const connectors = loaded ? loaded.connectors : loadConnectorsFile(config);
  const approvers = buildApproversSetup(config.approversFile, connectors?.slack, logger);
  logger.info(
    approvers
      ? { approversFile: approvers.config.file, groups: Object.keys(approvers.config.groups), people: Object.keys(approvers.config.people).length }
      : { approversFile: null },
    approvers ? 'approvers file loaded: approval policy enforced' : 'no approvers file (QUELL_APPROVERS_FILE): approval policy open',
  );
  return {
    logger,
    effectJournal: new FileEffectJournal(effectJournalPath(config.dataDir)),
    intentNotes: new IntentNotes(intentNotesPath(config.dataDir)),
    live: connectors ? await liveSetupOf(connectors, config, logger, approvers) : EMPTY_LIVE_SETUP,
    tabletopLatencyMs: config.tabletopLatencyMs,
    ...(approvers ? { approvers } : {}),
    auditArchive: { dataDir: config.dataDir, keyFiles: config.auditKeyFiles ?? {} },
    ...slackSurfaceOf(connectors, config.dataDir, logger),
  };
}

/** The connectors file, if one is configured. @throws ConnectorsConfigError */
export function loadConnectorsFile(config: Pick<ActivityConfig, 'connectorsFile'>): ConnectorsConfig | undefined {
  return config.connectorsFile ? loadConnectorsConfigOrThrow(config.connectorsFile) : undefined;
}

/**
 * The live setup of `config.connectorsFile`. With `resolveSecrets: false` (the CLI) secret values
 * are not read; connectors are built but only their configuration is consulted.
 */
export async function loadLiveSetup(
  config: Pick<ActivityConfig, 'connectorsFile' | 'dataDir'>,
  logger: Logger,
  options: { resolveSecrets?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<LiveSetup> {
  if (!config.connectorsFile) return EMPTY_LIVE_SETUP;
  const connectors = loadConnectorsConfigOrThrow(config.connectorsFile, options.env ?? process.env, {
    resolveSecrets: options.resolveSecrets ?? true,
  });
  return liveSetupOf(connectors, config, logger);
}

function liveSetupOf(connectors: ConnectorsConfig, config: Pick<ActivityConfig, 'dataDir'>, logger: Logger, approvers?: ApproversSetup): Promise<LiveSetup> {
  return buildLiveSetup(connectors, { logger, dataDir: config.dataDir, ...(approvers ? { approvers } : {}) });
}

/** The run's Slack presence (root message and thread) when the connectors file has a `slack:` section. */
function slackSurfaceOf(connectors: ConnectorsConfig | undefined, dataDir: string, logger: Logger): Pick<ActivityDeps, 'slackSurface'> {
  const slackSurface = buildSlackSurface(connectors?.slack, dataDir, logger);
  return slackSurface ? { slackSurface } : {};
}
