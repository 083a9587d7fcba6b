/**
 * `evidence.collect` on live systems: plans the collection with the step's source, streams
 * every artifact into the step's store (hashing on the way, heartbeating with progress), then
 * appends one entry to the run's custody log in that store, certifying all of them.
 *
 * Idempotent by the step's idempotency key: a retry (or a duplicate running at the same time)
 * finds the entry already certified for the key and returns it with `alreadyDone: true`; copies
 * a losing duplicate stored are discarded where the store allows (the local store).
 *
 * An attempt killed between its copies and the entry leaves uncertified copies in the store. The
 * retry of the step finds them (every attempt folder of a step is named after its idempotency
 * key) and collects afresh; then, where the store can remove copies (local), it removes them once
 * the step's entry exists, and where it cannot (S3 Object Lock), the store adopts such a copy
 * instead of uploading another when the copy hashes to exactly the bytes just collected. A copy
 * that is neither stays uncertified; `quell evidence verify` lists it as not part of the chain.
 *
 * Failures are classified (connectors/failures): a path outside the allowed ones or bad parameters
 * are QuellInvalidInput, an unconfigured source or store QuellNotConfigured, both final; outages
 * and throttling are retried by Temporal.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ActionName } from '../../common/actions';
import type { ConnectorNeeds } from '../../connectors/connector';
import type { LiveAction } from '../action-performer';
import { notConfiguredFailure } from '../../connectors/failures';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import type {
  CollectParams,
  EvidenceSource,
  EvidenceStore,
  PlannedArtifact,
  SourceKind,
  StoreKind,
  StoredCopy,
  StoredObject,
} from '../../connectors/evidence-roles';
import type { CustodyArtifact, CustodyEntry } from './custody/entry';
import { attemptsPrefix, collectionFolder, collectionTag, copyPlace, runFolder } from './custody/layout';
import { appendCustodyEntry, findCustodyEntry } from './custody/log';
import { collectionWindow } from './collection-window';
import { implicitStore, notConfiguredMessage } from './needs';

export interface EvidenceCollectOptions {
  stores: ReadonlyMap<StoreKind, EvidenceStore>;
  sources: ReadonlyMap<SourceKind, EvidenceSource>;
  /** Configured stores or sources that cannot work, with the reason (e.g. no `aws` section). */
  unusable: ReadonlyMap<string, string>;
  defaultStore?: StoreKind;
  logger: Logger;
  /** What a step needs, from configuration alone (./needs). */
  needs(params: Record<string, unknown>): ConnectorNeeds;
}

/**
 * `evidence.collect` on live connectors. `perform` is idempotent by `context.idempotencyKey` (see
 * the module comment) and safe to run twice at once; its failures are classified for Temporal's
 * retry policy. `needs` is the configuration-only answer of ./needs.
 */
export class EvidenceCollectAction implements LiveAction {
  readonly name = 'live:evidence.collect';

  constructor(private readonly options: EvidenceCollectOptions) {}

  needs(_action: ActionName, params: Record<string, unknown>): ConnectorNeeds {
    return this.options.needs(params);
  }

  async perform(_action: ActionName, raw: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const params = raw as CollectParams;
    const store = this.storeFor(params);
    const source = this.sourceFor(params);
    const run = runFolder(context.workflowId);

    const certified = await findCustodyEntry(store, run, context.idempotencyKey);
    if (certified) return { output: collectionOutput(certified, store), alreadyDone: true };

    const window = collectionWindow(params, new Date());
    const planned = withUniqueNames(await source.plan({ params, window }));
    const tag = collectionTag(context.idempotencyKey);
    // Copies of earlier attempts of this step: with no entry for the key, none is certified.
    const earlier = await store.listCopies(attemptsPrefix(run, context.stepId, tag));
    const folder = collectionFolder(run, context.stepId, tag, randomBytes(8).toString('hex'));
    const attempt: Attempt = { store, run, folder, tag, earlier };
    let outcome: { entry: CustodyEntry; alreadyDone: boolean };
    try {
      const artifacts = await this.storeAll(attempt, planned, context);
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
      const entry = await this.entryAfterFailure(attempt, context.idempotencyKey);
      await this.removeUncertified(attempt, entry, 'the collection failed');
      // The step's entry exists: this attempt's append failed only on its reply, or a duplicate was
      // certified meanwhile (and may have removed our copies). Either way the step is done.
      if (entry) return { output: collectionOutput(entry, store), alreadyDone: !entry.artifacts.some((artifact) => artifact.object.startsWith(folder)) };
      throw error;
    }
    // A duplicate of this step certified its own copies first, or earlier attempts left copies: surplus.
    await this.removeUncertified(attempt, outcome.entry, 'a duplicate attempt was certified first');
    return { output: collectionOutput(outcome.entry, store), alreadyDone: outcome.alreadyDone };
  }

  /** Streams the planned artifacts into the attempt's folder one at a time, heartbeating with progress. */
  private async storeAll({ store, run, folder, tag, earlier }: Attempt, planned: readonly PlannedArtifact[], context: ActionContext): Promise<CustodyArtifact[]> {
    const artifacts: CustodyArtifact[] = [];
    for (const artifact of planned) {
      context.heartbeat({ artifact: artifact.name, bytes: 0 });
      const sameName = earlier.filter((copy) => copy.key === `${copyPlace(run, copy.key)?.folder}${artifact.name}`);
      const object = await store.putArtifact(
        `${folder}${artifact.name}`,
        await artifact.open(),
        artifact.mediaType,
        (bytes) => context.heartbeat({ artifact: artifact.name, bytes }),
        { step: tag, earlier: sameName },
      );
      if (object.adopted) {
        const where = store.describe({ object: object.key, ...(object.versionId !== undefined ? { version_id: object.versionId } : {}) });
        this.options.logger.info({ artifact: artifact.name, object: where }, 'adopted the identical copy an interrupted attempt of this step stored');
      }
      artifacts.push(custodyArtifact(artifact, object, new Date().toISOString()));
    }
    return artifacts;
  }

  /** The step's entry after this attempt failed, if a duplicate wrote it; undefined when the log cannot be read. */
  private async entryAfterFailure({ store, run, folder }: Attempt, idempotencyKey: string): Promise<CustodyEntry | undefined> {
    try {
      return await findCustodyEntry(store, run, idempotencyKey);
    } catch (error) {
      this.options.logger.warn({ err: error, folder, store: store.kind }, 'could not read the custody log after a failed collection');
      return undefined;
    }
  }

  /**
   * Removes, where the store allows, the attempt folders of this step that `entry` does not
   * certify. With the step's entry written, no other attempt of the step can ever be certified
   * (one entry per key), so this attempt's and earlier attempts' folders may all go, even one a
   * duplicate is still writing (it then finds the entry and reports it). Without an entry only this
   * attempt's own copies go; earlier ones wait for the attempt that certifies the step. Clean-up
   * problems are logged, never thrown over the step's own outcome.
   */
  private async removeUncertified({ store, run, folder, earlier }: Attempt, entry: CustodyEntry | undefined, why: string): Promise<void> {
    if (!store.removable) return;
    const candidates = new Set([folder, ...(entry ? earlier.flatMap((copy) => copyPlace(run, copy.key)?.folder ?? []) : [])]);
    for (const candidate of candidates) {
      if (entry?.artifacts.some((artifact) => artifact.object.startsWith(candidate))) continue;
      const log = this.options.logger.child({ folder: candidate, store: store.kind });
      try {
        log.info(candidate === folder ? `discarding uncertified copies: ${why}` : 'removing the uncertified copies an interrupted attempt of this step left');
        await store.discardCollection(candidate);
      } catch (error) {
        log.warn({ err: error }, 'could not discard uncertified copies');
      }
    }
  }

  private storeFor(params: CollectParams): EvidenceStore {
    const kind = params.store ?? implicitStore(this.options.defaultStore, [...this.options.stores.keys()]);
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
    return notConfiguredMessage(what, kind, this.options.unusable.get(`evidence-${what}:${kind}`));
  }
}

/** One collection attempt of a step: where it stores, and what earlier attempts of the step left. */
interface Attempt {
  store: EvidenceStore;
  run: string;
  /** This attempt's folder (ends with `/`). */
  folder: string;
  /** The step's {@link collectionTag}. */
  tag: string;
  /** Uncertified copies earlier attempts of the step stored. */
  earlier: readonly StoredCopy[];
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
