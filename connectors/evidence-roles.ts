/**
 * The two roles a system can play for `evidence.collect`, as the action consumes them: an
 * evidence *source* (where copies come from: `with.source`) and an evidence *store* (where copies
 * and the run's custody log are kept: `with.store`). A connector that plays one returns the
 * object from its live build as its `roles`.
 *
 * Defined here, below both the connectors and the action, so a connector never imports the
 * action that uses it.
 */
import type { Readable } from 'node:stream';
import type { ActionName, ActionWith } from '../common/actions';

export type SourceKind = ActionWith<'evidence.collect'>['source'];
export type CollectParams = ActionWith<'evidence.collect'>;

export type StoreKind = string;

// ── sources ──

export interface CollectionWindow {
  start: Date;
  end: Date;
}

export interface CollectionRequest {
  params: CollectParams;
  /** The time range asked for; sources without one (files, records) ignore it. */
  window: CollectionWindow;
}

export interface PlannedArtifact {
  /** Name within the custody entry, already safe as a relative key ({@link safeArtifactName}). */
  name: string;
  mediaType: string;
  /** Opens the stream; called once, when the store is ready to take it. */
  open(): Promise<Readable>;
  /** Records counted while the stream was read (NDJSON sources); call after it ended. */
  records?(): number;
}

/**
 * Where evidence comes from. A source first *plans* a collection (checks the parameters, resolves
 * paths and log groups, refuses what is not allowed) without storing anything, then hands out one
 * lazily opened stream per artifact, so the action stores them one at a time.
 */
export interface EvidenceSource {
  readonly kind: SourceKind;
  /** Whether the custody entry records the window (the source queried over it). */
  readonly windowed: boolean;
  /** Checks the request and lists the artifacts; throws a classified failure, stores nothing. */
  plan(request: CollectionRequest): Promise<PlannedArtifact[]>;
}

/**
 * What an evidence connector's `needs` may use besides the step's parameters and its settings:
 * the connectors file's folder, against which relative paths in the settings are resolved.
 * `evidence.collect` passes it; without it, relative paths resolve against the working directory.
 */
export interface EvidenceNeedsContext {
  readonly baseDir: string;
}

/** The `needs` of an evidence connector's definition, with the context the action hands it. */
export type EvidenceConnectorNeeds<Settings = never> = (
  action: ActionName,
  params: Record<string, unknown>,
  settings: Settings,
  context?: EvidenceNeedsContext,
) => string[];

/**
 * An artifact name safe as a relative key: `/`-separated segments of printable characters, no
 * empty, `.` or `..` segment. Anything else is replaced, so a log group or file path can be used.
 */
export function safeArtifactName(raw: string): string {
  const segments = raw
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => segment.replace(/[^A-Za-z0-9._@+=,-]/g, '_'))
    .map((segment) => (segment === '.' || segment === '..' ? segment.replace(/\./g, '_') : segment));
  return segments.length > 0 ? segments.join('/') : 'artifact';
}

// ── stores ──

/** A stored copy and what was measured while it streamed in. */
export interface StoredObject {
  /** Store-relative key. */
  key: string;
  /** S3 version id of the locked version written. */
  versionId?: string;
  /** sha256 (hex) of the bytes stored. */
  sha256: string;
  size: number;
  /** True when an earlier attempt's copy was adopted instead of writing a new one. */
  adopted?: boolean;
}

/** A reference to a stored copy, as a custody entry records it. */
export interface ObjectRef {
  object: string;
  version_id?: string;
}

/** An object found directly in a folder of the store. */
export interface ListedObject {
  /** Its name within the folder. */
  name: string;
  /** Store-relative key. */
  key: string;
  /** True when the key was written more than once or deleted (possible only where versions are kept). */
  overwritten: boolean;
  /** The bytes as first written. */
  read(): Promise<Buffer>;
}

/** Called while bytes stream, with the bytes handled so far (S3: spooled plus uploaded), for heartbeats. */
export type ProgressListener = (bytes: number) => void;

/** One stored version of an object, as found by {@link EvidenceStore.listCopies}. */
export interface StoredCopy {
  /** Store-relative key. */
  key: string;
  /** The S3 version, where the store keeps versions. */
  versionId?: string;
  size: number;
}

/** What a store is told about the attempt an artifact belongs to. */
export interface PutContext {
  /**
   * Stands for the step (a digest of its idempotency key, safe as a file name); every attempt of
   * the step passes the same one. A store that stages copies on local disk (S3) stages them in a
   * folder of this name, so a retry clears what an attempt killed mid-copy left there.
   */
  readonly step: string;
  /**
   * Copies of this artifact (same name) that earlier attempts of the step stored without a custody
   * entry: they were cut off between the copy and the entry. A store that cannot remove them
   * (S3 Object Lock) returns one of them instead of writing another copy when its bytes, read back,
   * hash to exactly the digest of the bytes just collected. A store that can remove them writes a
   * fresh copy and lets the action remove the earlier ones once the step's entry exists: adopting
   * a copy there could race with the attempt that wrote it removing it after a failure.
   */
  readonly earlier: readonly StoredCopy[];
}

/**
 * Where evidence is kept. A store takes artifacts as streams (never whole in memory), keeps them
 * immutable (S3 Object Lock, or read-only files), and offers the one primitive a custody log
 * needs to stay linear under concurrent writers: create an object only if it does not exist yet.
 * It knows nothing of custody logs; keys are chosen by the action.
 */
export interface EvidenceStore {
  readonly kind: StoreKind;
  /** `s3://bucket/prefix/` or the absolute folder: for messages and custody entries. */
  readonly location: string;
  /**
   * Whether a copy no custody entry certifies can be removed: true for a folder; false under S3
   * Object Lock, where it stays until its retention ends.
   */
  readonly removable: boolean;
  /**
   * Streams `body` into the store at `key`, hashing it on the way, and makes the copy immutable;
   * or returns an adopted earlier copy (see {@link PutContext.earlier}), whose key then differs.
   * Not idempotent by itself: callers use a fresh key per attempt.
   */
  putArtifact(key: string, body: Readable, mediaType: string, progress: ProgressListener, context: PutContext): Promise<StoredObject>;
  /** Opens a stored copy for reading (the exact version when the store keeps versions). */
  openArtifact(ref: ObjectRef): Promise<Readable>;
  /** Creates `key` holding `bytes` unless it exists; false when it already did. Atomic. `mediaType` defaults to JSON. */
  createIfAbsent(key: string, bytes: Buffer, mediaType?: string): Promise<boolean>;
  /** The objects directly in `folder` (a key prefix ending with `/`), in no particular order. */
  listFolder(folder: string): Promise<ListedObject[]>;
  /**
   * Every stored version of every object whose key starts with `prefix`, at any depth, in no
   * particular order: what verification compares with the custody log to find uncertified copies.
   */
  listCopies(prefix: string): Promise<StoredCopy[]>;
  /**
   * Removes the folder of a collection attempt no custody entry certifies, where the store allows
   * it (S3 locks forbid it: those copies stay, uncertified).
   */
  discardCollection(folder: string): Promise<void>;
  /** Where a stored copy can be found, for people. */
  describe(ref: ObjectRef): string;
}
