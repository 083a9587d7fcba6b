/**
 * Builds the activities' dependencies from configuration. Live connectors will be added here;
 * until one is configured for an action, live runs that need it are refused.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { ActionName } from '../common/actions';
import type { ActivityDeps } from './deps';
import { FileEffectJournal } from './effects/file-journal';

export interface ActivityConfig {
  dataDir: string;
  tabletopLatencyMs: number;
}

export function effectJournalPath(dataDir: string): string {
  return path.join(dataDir, 'effects.jsonl');
}

export function buildActivityDeps(config: ActivityConfig, logger: Logger): ActivityDeps {
  return {
    logger,
    effectJournal: new FileEffectJournal(effectJournalPath(config.dataDir)),
    liveProviders: {},
    tabletopLatencyMs: config.tabletopLatencyMs,
  };
}

/**
 * Actions this deployment can perform live. Empty until live connectors are configured; the CLI
 * uses it to refuse a live run up front, the worker re-checks before the first step.
 */
export function configuredLiveActions(): ReadonlySet<ActionName> {
  return new Set<ActionName>();
}
