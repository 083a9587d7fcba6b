/**
 * Where evidence is kept. A store takes artifacts as streams (never whole in memory), keeps them
 * immutable (S3 Object Lock, or read-only files), and offers the one primitive the custody log
 * needs to stay linear under concurrent writers: create an object only if it does not exist yet.
 */
import type { Readable } from 'node:stream';
import type { ConnectorProbe } from '../../live/connector';

export type StoreKind = 's3-object-lock' | 'local';

export const STORE_KINDS: readonly StoreKind[] = ['s3-object-lock', 'local'];

/** A stored copy and what was measured while it streamed in. */
export interface StoredObject {
  /** Store-relative key. */
  key: string;
  /** S3 version id of the locked version written. */
  versionId?: string;
  /** sha256 (hex) of the bytes stored. */
  sha256: string;
  size: number;
}

/** A reference to a stored copy, as a custody entry records it. */
export interface ObjectRef {
  object: string;
  version_id?: string;
}

/** One custody entry object as found in the store. */
export interface CustodyObject {
  /** Index named by the object's file name. */
  index: number;
  key: string;
  /** True when the key was written more than once or deleted (possible only on S3 versions). */
  overwritten: boolean;
  /** The entry's bytes as first written. */
  read(): Promise<Buffer>;
}

/** Called while bytes stream, with the bytes handled so far (S3: spooled plus uploaded), for heartbeats. */
export type ProgressListener = (bytes: number) => void;

export interface EvidenceStore {
  readonly kind: StoreKind;
  /** `s3://bucket/prefix/` or the absolute folder: for messages and custody entries. */
  readonly location: string;
  /**
   * Streams `body` into the store at `key`, hashing it on the way, and makes the copy immutable.
   * Not idempotent by itself: callers use a fresh key per attempt (see ../custody/layout).
   */
  putArtifact(key: string, body: Readable, mediaType: string, progress: ProgressListener): Promise<StoredObject>;
  /** Opens a stored copy for reading (the exact version when the store keeps versions). */
  openArtifact(ref: ObjectRef): Promise<Readable>;
  /** Creates `key` holding `bytes` unless it exists; false when it already did. Atomic. */
  createIfAbsent(key: string, bytes: Buffer): Promise<boolean>;
  /** The custody entry objects of a run, by index. */
  listCustody(run: string): Promise<CustodyObject[]>;
  /**
   * Removes the folder of a collection attempt no custody entry certifies, where the store allows
   * it (S3 locks forbid it: those copies stay, uncertified).
   */
  discardCollection(folder: string): Promise<void>;
  /** Where a stored copy can be found, for people. */
  describe(ref: ObjectRef): string;
  /** Health probes for `quell doctor` and live readiness. */
  check(): Promise<ConnectorProbe[]>;
}
