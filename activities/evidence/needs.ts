/**
 * What an `evidence.collect` step needs, from its parameters and the connectors file alone: the
 * connectors of its source and store, and the problems visible before the run (a source or store
 * that is not configured or cannot be used, paths outside the allowed ones, a query CloudTrail
 * cannot take, an unreadable window or `since`). Builds no client and does no I/O beyond resolving the `file`
 * source's allowed paths, so the CLI and Slack can ask it before starting a run; the worker's
 * readiness check asks the same through the built action.
 */
import path from 'node:path';
import type { ConnectorNeeds } from '../../connectors/connector';
import type { ConnectorsConfig } from '../../connectors/connectors-file';
import type { ConnectorDefinition } from '../../connectors/definition';
import type { CollectParams, EvidenceConnectorNeeds } from '../../connectors/evidence-roles';
import { CONNECTORS } from '../../connectors/registry';
import { windowProblems } from './collection-window';
import { recordProblems } from './record-source';
import { evidenceSystems, type EvidenceSystem } from './systems';

/** The parts of the connectors file the answer depends on. */
export type EvidenceNeedsFile = Pick<ConnectorsConfig, 'file' | 'evidence'>;

export function evidenceNeeds(params: Record<string, unknown>, file: EvidenceNeedsFile, connectors: readonly ConnectorDefinition[] = CONNECTORS): ConnectorNeeds {
  const given = params as Partial<CollectParams>;
  const systems = evidenceSystems(file, connectors);
  const usable = (role: EvidenceSystem['role']) => new Map(systems.filter((s) => s.role === role && s.unusable === undefined).map((s) => [s.name, s]));
  const unusable = (role: EvidenceSystem['role'], name: string) => systems.find((s) => s.role === role && s.name === name)?.unusable;
  const sources = usable('evidence-source');
  const stores = usable('evidence-store');
  const connectorIds: string[] = [];
  const problems: string[] = [];

  if (given.source === undefined) {
    // Not known before the run (it reads a step output): any configured source may be used.
    connectorIds.push(...[...sources.values()].map((s) => s.definition.id));
  } else if (given.source === 'record') {
    problems.push(...recordProblems(given));
  } else {
    const source = sources.get(given.source);
    if (!source) problems.push(notConfiguredMessage('source', given.source, unusable('evidence-source', given.source)));
    else {
      connectorIds.push(source.definition.id);
      problems.push(...connectorProblems(source, params, path.dirname(file.file)));
    }
  }

  const storeName = given.store ?? implicitStore(file.evidence?.default_store, [...stores.keys()]);
  // No store named and none implied: the step's store is a template, any configured one may be used.
  if (storeName === undefined && stores.size > 0) connectorIds.push(...[...stores.values()].map((s) => s.definition.id));
  else if (storeName === undefined) problems.push(notConfiguredMessage('store', 'any'));
  else if (!stores.has(storeName)) problems.push(notConfiguredMessage('store', storeName, unusable('evidence-store', storeName)));
  else connectorIds.push(stores.get(storeName)!.definition.id);

  problems.push(...windowProblems(given, new Date()));
  return { connectors: connectorIds, problems };
}

/** The store a step that names none uses: the file's default, else the only usable one. */
export function implicitStore<K extends string>(defaultStore: K | undefined, usable: readonly K[]): K | undefined {
  if (defaultStore) return defaultStore;
  return usable.length === 1 ? usable[0] : undefined;
}

/** "evidence store s3-object-lock is not configured (add evidence.stores.s3-object-lock …)". */
export function notConfiguredMessage(what: 'source' | 'store', name: string, unusable?: string): string {
  if (unusable) return `evidence ${what} ${name} cannot be used: ${unusable}`;
  if (name === 'any') return 'no evidence store is configured (add evidence.stores to the connectors file)';
  return `evidence ${what} ${name} is not configured (add evidence.${what}s.${name} to the connectors file)`;
}

/** The source connector's own check of the parameters, with the file's folder for relative paths. */
function connectorProblems(source: EvidenceSystem, params: Record<string, unknown>, baseDir: string): string[] {
  // Evidence connectors' `needs` take the folder as a fourth argument (see EvidenceConnectorNeeds).
  const needs = source.definition.needs as EvidenceConnectorNeeds<unknown> | undefined;
  return needs?.('evidence.collect', params, source.settings, { baseDir }) ?? [];
}
