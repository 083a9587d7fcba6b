/**
 * The live provider of `evidence.collect`: plans the collection with the step's source, streams
 * every artifact into the step's store (hashing on the way, heartbeating with progress), then
 * appends one entry to the run's custody log in that store, certifying all of them.
 *
 * Idempotent by the step's idempotency key: a retry (or a duplicate running at the same time)
 * finds the entry already certified for the key and returns it with `alreadyDone: true`; copies
 * a losing duplicate stored are discarded where the store allows (the local store). A retry after
 * a crash before the entry was written collects afresh into a new folder; the copies of the
 * crashed attempt stay uncertified (S3 keeps them locked, which is what Object Lock is for).
 *
 * Failures are classified (../live/failures): a path outside the allowed ones or bad parameters
 * are QuellInvalidInput, an unconfigured source or store QuellNotConfigured, both final; outages
 * and throttling are retried by Temporal.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ActionName } from '../../common/actions';
import { parseDuration } from '../../common/duration';
import type { ConnectorNeeds, LiveActionProvider } from '../live/connector';
import { invalidFailure, notConfiguredFailure } from '../live/failures';
import type { ActionContext, ActionOutcome } from '../ports';
import type { CustodyArtifact, CustodyEntry } from './custody/entry';
import { collectionFolder, runFolder } from './custody/layout';
import { appendCustodyEntry, findCustodyEntry } from './custody/log';
import type { CollectParams, CollectionWindow, EvidenceSource, PlannedArtifact, SourceKind } from './sources/source';
import type { EvidenceStore, StoreKind, StoredObject } from './stores/store';

/** Window used when a step gives none. */
export const DEFAULT_WINDOW = '24h';

export interface EvidenceProviderOptions {
  stores: ReadonlyMap<StoreKind, EvidenceStore>;
  sources: ReadonlyMap<SourceKind, EvidenceSource>;
  /** Configured stores or sources that cannot work, with the reason (e.g. no `aws` section). */
  unusable: ReadonlyMap<string, string>;
  defaultStore?: StoreKind;
  logger: Logger;
}

/**
 * `evidence.collect` on live connectors. `perform` is idempotent by `context.idempotencyKey` (see
 * the module comment) and safe to run twice at once; its failures are classified for Temporal's
 * retry policy. `needs` names the source and store connectors a step uses, and the problems
 * visible from its parameters (unconfigured source or store, paths outside the allowed ones).
 */
export class EvidenceCollectProvider implements LiveActionProvider {
  readonly name = 'live:evidence.collect';

  constructor(private readonly options: EvidenceProviderOptions) {}

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    const given = params as Partial<CollectParams>;
    const connectors: string[] = [];
    const problems: string[] = [];
    const { sources, stores } = this.options;

    if (given.source === undefined) {
      for (const source of sources.values()) if (source.connector) connectors.push(source.connector);
    } else {
      const source = sources.get(given.source);
      if (!source) problems.push(this.notConfigured('source', given.source));
      else {
        if (source.connector) connectors.push(source.connector);
        problems.push(...source.problems(given));
      }
    }

    const storeKind = given.store ?? this.implicitStore();
    // No store named and none implied: the step's store is a template, any configured one may be used.
    if (storeKind === undefined && stores.size > 0) connectors.push(...[...stores.values()].map(storeConnector));
    else if (storeKind === undefined) problems.push(this.notConfigured('store', 'any'));
    else if (!stores.has(storeKind)) problems.push(this.notConfigured('store', storeKind));
    else connectors.push(storeConnector(stores.get(storeKind)!));

    if (typeof given.window === 'string') {
      const parsed = parseDuration(given.window);
      if (!parsed.ok) problems.push(`window: ${parsed.message}`);
    }
    return { connectors, problems };
  }

  async perform(_action: ActionName, raw: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const params = raw as CollectParams;
    const store = this.storeFor(params);
    const source = this.sourceFor(params);
    const run = runFolder(context.workflowId);

    const certified = await findCustodyEntry(store, run, context.idempotencyKey);
    if (certified) return { output: collectionOutput(certified, store), alreadyDone: true };

    const window = collectionWindow(params.window ?? DEFAULT_WINDOW, new Date());
    const planned = withUniqueNames(await source.plan({ params, window }));
    const folder = collectionFolder(run, context.stepId, randomBytes(8).toString('hex'));
    let outcome: { entry: CustodyEntry; alreadyDone: boolean };
    try {
      const artifacts = await storeAll(store, folder, planned, context);
      outcome = await appendCustodyEntry(store, run, {
        idempotency_key: context.idempotencyKey,
        source: params.source,
        label: params.label ?? params.source,
        ...(params.query !== undefined ? { query: params.query } : {}),
        ...(params.principal !== undefined ? { principal: params.principal } : {}),
        window: source.windowed ? { start: window.start.toISOString(), end: window.end.toISOString() } : null,
        collector: { host: os.hostname(), pid: process.pid, workflow_id: context.workflowId, run_id: context.runId, step_id: context.stepId },
        store: { kind: store.kind, location: store.location },
        artifacts,
        recorded_at: new Date().toISOString(),
      });
    } catch (error) {
      await this.discardIfUncertified(store, run, folder, context.idempotencyKey, 'the collection failed');
      throw error;
    }
    // A duplicate of this step certified its own copies first; ours are surplus.
    if (outcome.alreadyDone) await this.discardIfUncertified(store, run, folder, context.idempotencyKey, 'a duplicate attempt was certified first');
    return { output: collectionOutput(outcome.entry, store), alreadyDone: outcome.alreadyDone };
  }

  /**
   * Removes this attempt's copies unless an entry certifies them: an append that failed only on
   * its reply (the entry was written) must not lose its artifacts. When the log cannot be read the
   * copies stay. Clean-up problems are logged, never thrown over the step's own outcome.
   */
  private async discardIfUncertified(store: EvidenceStore, run: string, folder: string, idempotencyKey: string, why: string): Promise<void> {
    const log = this.options.logger.child({ folder, store: store.kind });
    try {
      const entry = await findCustodyEntry(store, run, idempotencyKey);
      if (entry?.artifacts.some((artifact) => artifact.object.startsWith(folder))) return;
      log.info(`discarding uncertified copies: ${why}`);
      await store.discardCollection(folder);
    } catch (error) {
      log.warn({ err: error }, 'could not discard uncertified copies');
    }
  }

  private implicitStore(): StoreKind | undefined {
    const { defaultStore, stores } = this.options;
    if (defaultStore) return defaultStore;
    return stores.size === 1 ? [...stores.keys()][0] : undefined;
  }

  private storeFor(params: CollectParams): EvidenceStore {
    const kind = params.store ?? this.implicitStore();
    const store = kind === undefined ? undefined : this.options.stores.get(kind);
    if (!store) {
      const site = { connector: `evidence-store:${kind ?? '(none)'}`, operation: 'collect evidence' };
      throw notConfiguredFailure(
        site,
        kind === undefined ? 'the step names no store and the connectors file sets no evidence.default_store' : this.notConfigured('store', kind),
      );
    }
    return store;
  }

  private sourceFor(params: CollectParams): EvidenceSource {
    const source = this.options.sources.get(params.source);
    if (!source) throw notConfiguredFailure({ connector: `evidence-source:${params.source}`, operation: 'collect evidence' }, this.notConfigured('source', params.source));
    return source;
  }

  private notConfigured(what: 'source' | 'store', kind: string): string {
    const reason = this.options.unusable.get(`evidence-${what}:${kind}`);
    if (reason) return `evidence ${what} ${kind} cannot be used: ${reason}`;
    if (kind === 'any') return 'no evidence store is configured (add evidence.stores to the connectors file)';
    return `evidence ${what} ${kind} is not configured (add evidence.${what}s.${kind} to the connectors file)`;
  }
}

function storeConnector(store: EvidenceStore): string {
  return `evidence-store:${store.kind}`;
}

/** [now - window, now]; an unreadable window is invalid input. */
export function collectionWindow(window: string, now: Date): CollectionWindow {
  const parsed = parseDuration(window);
  if (!parsed.ok) throw invalidFailure({ connector: 'evidence', operation: 'collect evidence' }, `window: ${parsed.message}`);
  return { start: new Date(now.getTime() - parsed.ms), end: now };
}

/** Streams the planned artifacts into `folder` one at a time, heartbeating with progress. */
async function storeAll(store: EvidenceStore, folder: string, planned: readonly PlannedArtifact[], context: ActionContext): Promise<CustodyArtifact[]> {
  const artifacts: CustodyArtifact[] = [];
  for (const artifact of planned) {
    context.heartbeat({ artifact: artifact.name, bytes: 0 });
    const object = await store.putArtifact(`${folder}${artifact.name}`, await artifact.open(), artifact.mediaType, (bytes) =>
      context.heartbeat({ artifact: artifact.name, bytes }),
    );
    artifacts.push(custodyArtifact(artifact, object, new Date().toISOString()));
  }
  return artifacts;
}

function custodyArtifact(artifact: PlannedArtifact, object: StoredObject, collectedAt: string): CustodyArtifact {
  const records = artifact.records?.();
  return {
    name: artifact.name,
    object: object.key,
    ...(object.versionId !== undefined ? { version_id: object.versionId } : {}),
    sha256: object.sha256,
    size: object.size,
    media_type: artifact.mediaType,
    ...(records !== undefined ? { records } : {}),
    collected_at: collectedAt,
  };
}

/** The step's output, a function of the certified entry only, so a retry returns the same. */
export function collectionOutput(entry: CustodyEntry, store: EvidenceStore): Record<string, unknown> {
  return {
    source: entry.source,
    store: store.kind,
    label: entry.label,
    artifacts: entry.artifacts.map((artifact) => ({
      name: artifact.name,
      sha256: artifact.sha256,
      size: artifact.size,
      location: store.describe(artifact),
      ...(artifact.records !== undefined ? { records: artifact.records } : {}),
    })),
    window: entry.window,
    custody_index: entry.index,
    custody_head: entry.hash,
    collected_at: entry.recorded_at,
  };
}

/** Artifact names are keys within one collection folder: a repeated name gets `-2`, `-3`, … */
function withUniqueNames(planned: PlannedArtifact[]): PlannedArtifact[] {
  const used = new Set<string>();
  return planned.map((artifact) => {
    let name = artifact.name;
    const { dir, name: stem, ext } = path.posix.parse(artifact.name);
    for (let n = 2; used.has(name); n += 1) name = path.posix.join(dir, `${stem}-${n}${ext}`);
    used.add(name);
    return name === artifact.name ? artifact : { ...artifact, name };
  });
}
