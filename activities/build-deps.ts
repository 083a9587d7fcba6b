/**
 * Builds the activities' dependencies from configuration: the effect journal, and the live
 * connectors named by the connectors file (QUELL_CONNECTORS_FILE). Without that file nothing is
 * live, and live runs are refused before their first step.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { ActivityDeps } from './deps';
import { FileEffectJournal } from './effects/file-journal';
import { loadConnectorsConfigOrThrow } from './live/config-file';
import { EMPTY_LIVE_SETUP, type LiveSetup } from './live/connector';
import { buildLiveSetup } from './live/build-live-setup';

export interface ActivityConfig {
  dataDir: string;
  tabletopLatencyMs: number;
  /** Absolute path of the connectors file; undefined: no live connectors. */
  connectorsFile?: string;
}

export function effectJournalPath(dataDir: string): string {
  return path.join(dataDir, 'effects.jsonl');
}

/** @throws ConnectorsConfigError listing every problem of the connectors file (file:line:col). */
export function buildActivityDeps(config: ActivityConfig, logger: Logger): ActivityDeps {
  return {
    logger,
    effectJournal: new FileEffectJournal(effectJournalPath(config.dataDir)),
    live: loadLiveSetup(config, logger),
    tabletopLatencyMs: config.tabletopLatencyMs,
  };
}

/**
 * The live setup of `config.connectorsFile`. With `resolveSecrets: false` (the CLI) secret values
 * are not read; connectors are built but only their configuration is consulted.
 */
export function loadLiveSetup(
  config: Pick<ActivityConfig, 'connectorsFile' | 'dataDir'>,
  logger: Logger,
  options: { resolveSecrets?: boolean; env?: NodeJS.ProcessEnv } = {},
): LiveSetup {
  if (!config.connectorsFile) return EMPTY_LIVE_SETUP;
  const connectors = loadConnectorsConfigOrThrow(config.connectorsFile, options.env ?? process.env, {
    resolveSecrets: options.resolveSecrets ?? true,
  });
  return buildLiveSetup(connectors, { logger, dataDir: config.dataDir });
}
