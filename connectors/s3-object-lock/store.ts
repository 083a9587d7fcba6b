/**
 * The `s3-object-lock` evidence store: a bucket with Object Lock enabled, every object written
 * with a retention (COMPLIANCE by default) so no one, root included, can delete or shorten it.
 *
 * Streaming: @aws-sdk/lib-storage (managed multipart upload) is not installed, and a plain
 * PutObject of a stream needs its length up front, which log queries cannot know. So each artifact
 * first streams through the sha256 meter into a private spool file (memory stays at one chunk;
 * ./spool keeps killed attempts' files from piling up), then the spool file streams to S3 with its
 * exact length and `x-amz-checksum-sha256`: S3 refuses the upload unless the bytes it received
 * hash to the digest the custody entry will certify. The cost is local disk the size of one
 * artifact at a time. (PutObject takes up to 5 GiB.)
 *
 * A copy uploaded by an attempt killed before its custody entry stays locked, uncertified. Since
 * the digest is known before the upload, a retry of the step adopts such a copy instead of adding
 * another when the copy, read back, hashes to the same digest; a copy whose bytes differ stays
 * uncertified and `quell evidence verify` lists it.
 *
 * Custody entries use PutObject with `If-None-Match: *` (a conditional write: 412 when the key
 * exists). Entries are read back by version: a key with more than one version means someone wrote
 * over a locked entry, and verification says so.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { classifyAwsError } from '../aws/errors';
import type { ConnectorProbe } from '../connector';
import { notVerifiedFailure } from '../failures';
import { HashingMeter } from '../evidence-io/hashing-meter';
import { hashStream } from '../evidence-io/hashing-meter';
import type { EvidenceStore, ListedObject, ObjectRef, ProgressListener, PutContext, StoredCopy, StoredObject } from '../evidence-roles';
import { S3_STORE_CONNECTOR } from './connector-id';
import type { S3ObjectLockConfig } from './settings';
import type { Spool, Staged } from './spool';

const DAY_MS = 86_400_000;

export class S3ObjectLockStore implements EvidenceStore {
  readonly kind = 's3-object-lock' as const;
  readonly location: string;
  readonly removable = false;

  /** `spool`: where artifacts are staged before upload. */
  constructor(
    private readonly s3: S3Client,
    private readonly config: S3ObjectLockConfig,
    private readonly spool: Spool,
  ) {
    this.location = `s3://${config.bucket}/${config.prefix}`;
  }

  async putArtifact(key: string, body: Readable, mediaType: string, progress: ProgressListener, context: PutContext): Promise<StoredObject> {
    const site = { connector: S3_STORE_CONNECTOR, operation: `store ${this.location}${key}` };
    const staged = await this.spool.stage(context.step, body, progress, site);
    try {
      const adopted = await this.adoptable(staged, context.earlier);
      if (adopted) return { key: adopted.key, versionId: adopted.versionId, sha256: staged.sha256, size: staged.size, adopted: true };
      return await this.upload(site, key, staged, mediaType, progress);
    } finally {
      await staged.release();
    }
  }

  /**
   * An earlier uncertified copy holding exactly the staged bytes (same size, and its locked
   * version hashes to the staged digest when read back), if there is one. A copy that cannot be
   * read is not adopted: a fresh copy is always a correct outcome.
   */
  private async adoptable(staged: Staged, earlier: readonly StoredCopy[]): Promise<StoredCopy | undefined> {
    for (const copy of earlier.filter((candidate) => candidate.size === staged.size && candidate.versionId !== undefined)) {
      try {
        const read = await hashStream(await this.openArtifact({ object: copy.key, version_id: copy.versionId }), () => staged.touch());
        if (read.sha256 === staged.sha256 && read.size === staged.size) return copy;
      } catch {
        continue;
      }
    }
    return undefined;
  }

  private async upload(site: { connector: string; operation: string }, key: string, staged: Staged, mediaType: string, progress: ProgressListener): Promise<StoredObject> {
    const file = createReadStream(staged.file);
    try {
      // Counted again on the way out, so a long upload keeps reporting progress too.
      const uploaded = new HashingMeter((sent) => {
        staged.touch();
        progress(staged.size + sent);
      });
      file.on('error', (error) => uploaded.destroy(error));
      const response = await this.put(site, {
        Key: this.config.prefix + key,
        Body: file.pipe(uploaded),
        ContentLength: staged.size,
        ContentType: mediaType,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: Buffer.from(staged.sha256, 'hex').toString('base64'),
      });
      if (!response.VersionId) {
        throw notVerifiedFailure(site, `bucket ${this.config.bucket} returned no version id: is Object Lock (and so versioning) enabled?`);
      }
      return { key, versionId: response.VersionId, sha256: staged.sha256, size: staged.size };
    } finally {
      file.destroy();
    }
  }

  async openArtifact(ref: ObjectRef): Promise<Readable> {
    const site = { connector: S3_STORE_CONNECTOR, operation: `read ${this.describe(ref)}` };
    try {
      const response = await this.s3.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.config.prefix + ref.object, VersionId: ref.version_id }),
      );
      return response.Body as Readable;
    } catch (error) {
      throw classifyAwsError(site, error);
    }
  }

  async createIfAbsent(key: string, bytes: Buffer, mediaType = 'application/json'): Promise<boolean> {
    const site = { connector: S3_STORE_CONNECTOR, operation: `create ${this.location}${key}` };
    try {
      await this.s3.send(
        new PutObjectCommand({
          ...this.lockedPut({
            Key: this.config.prefix + key,
            Body: bytes,
            ContentType: mediaType,
            ChecksumAlgorithm: 'SHA256',
            ChecksumSHA256: createHash('sha256').update(bytes).digest('base64'),
          }),
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      // 412: the key exists. 409: another conditional write to the same key is in flight.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return false;
      throw classifyAwsError(site, error);
    }
  }

  async listFolder(folder: string): Promise<ListedObject[]> {
    const prefix = this.config.prefix + folder;
    // Per key: versions newest first (as S3 lists them) and whether a delete marker exists.
    const byKey = new Map<string, { versions: string[]; deleted: boolean }>();
    const slot = (key: string) => byKey.get(key) ?? byKey.set(key, { versions: [], deleted: false }).get(key)!;
    await this.eachVersionPage(folder, (page) => {
      for (const version of page.Versions ?? []) if (version.Key && version.VersionId) slot(version.Key).versions.push(version.VersionId);
      for (const marker of page.DeleteMarkers ?? []) if (marker.Key) slot(marker.Key).deleted = true;
    });
    const objects: ListedObject[] = [];
    for (const [fullKey, { versions, deleted }] of byKey) {
      const name = fullKey.slice(prefix.length);
      // The first version written is the one read; later ones (or a delete marker) mean tampering.
      const first = versions.at(-1);
      // Keys under a deeper folder are not in this one; a key with only delete markers has no bytes.
      if (name.includes('/') || first === undefined) continue;
      const key = fullKey.slice(this.config.prefix.length);
      objects.push({
        name,
        key,
        overwritten: versions.length > 1 || deleted,
        read: async () => readAll(await this.openArtifact({ object: key, version_id: first })),
      });
    }
    return objects;
  }

  async listCopies(prefix: string): Promise<StoredCopy[]> {
    const copies: StoredCopy[] = [];
    await this.eachVersionPage(prefix, (page) => {
      for (const version of page.Versions ?? []) {
        if (!version.Key || !version.VersionId) continue;
        copies.push({ key: version.Key.slice(this.config.prefix.length), versionId: version.VersionId, size: version.Size ?? 0 });
      }
    });
    return copies;
  }

  async discardCollection(): Promise<void> {
    // Locked versions cannot be deleted before their retention ends; that is the point.
  }

  describe(ref: ObjectRef): string {
    return `s3://${this.config.bucket}/${this.config.prefix}${ref.object}${ref.version_id ? `?versionId=${ref.version_id}` : ''}`;
  }

  async check(): Promise<ConnectorProbe[]> {
    const bucket = this.config.bucket;
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const detail = status === 404 ? `bucket ${bucket} does not exist` : `cannot reach bucket ${bucket}: ${describeAwsError(error)}`;
      return [{ name: 'bucket', ok: false, detail }];
    }
    const probes: ConnectorProbe[] = [{ name: 'bucket', ok: true, detail: `bucket ${bucket} exists` }];
    try {
      const lock = await this.s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
      const enabled = lock.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
      probes.push({
        name: 'object-lock',
        ok: enabled,
        detail: enabled
          ? `Object Lock enabled; objects kept ${this.config.retention_days} days in ${this.config.mode} mode`
          : `bucket ${bucket} does not have Object Lock enabled (it can only be enabled on a versioned bucket)`,
      });
    } catch (error) {
      probes.push({ name: 'object-lock', ok: false, detail: `bucket ${bucket} has no Object Lock configuration: ${describeAwsError(error)}` });
    }
    return probes;
  }

  /** Every page of ListObjectVersions under `prefix` (store-relative), in order. */
  private async eachVersionPage(prefix: string, take: (page: ListObjectVersionsCommandOutput) => void): Promise<void> {
    const site = { connector: S3_STORE_CONNECTOR, operation: `list ${this.location}${prefix}` };
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    try {
      do {
        const page = await this.s3.send(
          new ListObjectVersionsCommand({ Bucket: this.config.bucket, Prefix: this.config.prefix + prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
        );
        take(page);
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker !== undefined);
    } catch (error) {
      throw classifyAwsError(site, error);
    }
  }

  private async put(site: { connector: string; operation: string }, input: Omit<PutObjectCommandInput, 'Bucket'>) {
    try {
      return await this.s3.send(new PutObjectCommand(this.lockedPut(input)));
    } catch (error) {
      throw classifyAwsError(site, error);
    }
  }

  /** Adds the bucket and the retention every object gets. */
  private lockedPut(input: Omit<PutObjectCommandInput, 'Bucket'>): PutObjectCommandInput {
    return {
      ...input,
      Bucket: this.config.bucket,
      ObjectLockMode: this.config.mode,
      ObjectLockRetainUntilDate: new Date(Date.now() + this.config.retention_days * DAY_MS),
    };
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function describeAwsError(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'error'}${e.message ? `: ${e.message}` : ''}`;
}
