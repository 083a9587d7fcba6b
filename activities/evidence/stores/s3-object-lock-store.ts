/**
 * The `s3-object-lock` evidence store: a bucket with Object Lock enabled, every object written
 * with a retention (COMPLIANCE by default) so no one, root included, can delete or shorten it.
 *
 * Streaming: @aws-sdk/lib-storage (managed multipart upload) is not installed, and a plain
 * PutObject of a stream needs its length up front, which log queries cannot know. So each artifact
 * first streams through the sha256 meter into a private spool file (memory stays at one chunk),
 * then the spool file streams to S3 with its exact length and `x-amz-checksum-sha256`: S3 refuses
 * the upload unless the bytes it received hash to the digest the custody entry will certify. The
 * cost is local disk the size of one artifact at a time. (PutObject takes up to 5 GiB.)
 *
 * Custody entries use PutObject with `If-None-Match: *` (a conditional write: 412 when the key
 * exists). Entries are read back by version: a key with more than one version means someone wrote
 * over a locked entry, and verification says so.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { classifyAwsError } from '../../aws/errors';
import type { ConnectorProbe } from '../../live/connector';
import type { Resolved } from '../../live/config-file';
import type { EvidenceConfig } from '../../live/config-schema';
import { notVerifiedFailure } from '../../live/failures';
import { custodyEntryIndex, custodyFolder } from '../custody/layout';
import { classifyFsError } from './fs-failure';
import { HashingMeter } from './hashing-meter';
import type { CustodyObject, EvidenceStore, ObjectRef, ProgressListener, StoredObject } from './store';

export const S3_STORE_CONNECTOR = 'evidence-store:s3-object-lock';

export type S3StoreConfig = NonNullable<Resolved<EvidenceConfig>['stores']['s3-object-lock']>;

const DAY_MS = 86_400_000;

export class S3ObjectLockStore implements EvidenceStore {
  readonly kind = 's3-object-lock' as const;
  readonly location: string;

  /** `spoolDir`: private folder for the spool files (created on demand, 0700). */
  constructor(
    private readonly s3: S3Client,
    private readonly config: S3StoreConfig,
    private readonly spoolDir: string,
  ) {
    this.location = `s3://${config.bucket}/${config.prefix}`;
  }

  async putArtifact(key: string, body: Readable, mediaType: string, progress: ProgressListener): Promise<StoredObject> {
    const site = { connector: S3_STORE_CONNECTOR, operation: `store ${this.location}${key}` };
    const spool = await this.spool(body, progress, site);
    const file = createReadStream(spool.file);
    try {
      // Counted again on the way out, so a long upload keeps reporting progress too.
      const uploaded = new HashingMeter((sent) => progress(spool.size + sent));
      file.on('error', (error) => uploaded.destroy(error));
      const response = await this.put(site, {
        Key: this.config.prefix + key,
        Body: file.pipe(uploaded),
        ContentLength: spool.size,
        ContentType: mediaType,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: Buffer.from(spool.sha256, 'hex').toString('base64'),
      });
      if (!response.VersionId) {
        throw notVerifiedFailure(site, `bucket ${this.config.bucket} returned no version id: is Object Lock (and so versioning) enabled?`);
      }
      return { key, versionId: response.VersionId, sha256: spool.sha256, size: spool.size };
    } finally {
      file.destroy();
      await fs.rm(path.dirname(spool.file), { recursive: true, force: true });
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

  async createIfAbsent(key: string, bytes: Buffer): Promise<boolean> {
    const site = { connector: S3_STORE_CONNECTOR, operation: `create ${this.location}${key}` };
    try {
      await this.s3.send(
        new PutObjectCommand({
          ...this.lockedPut({
            Key: this.config.prefix + key,
            Body: bytes,
            ContentType: 'application/json',
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

  async listCustody(run: string): Promise<CustodyObject[]> {
    const prefix = this.config.prefix + custodyFolder(run);
    const site = { connector: S3_STORE_CONNECTOR, operation: `list ${this.location}${custodyFolder(run)}` };
    // Per key: versions newest first (as S3 lists them) and whether a delete marker exists.
    const byKey = new Map<string, { versions: string[]; deleted: boolean }>();
    const slot = (key: string) => byKey.get(key) ?? byKey.set(key, { versions: [], deleted: false }).get(key)!;
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    try {
      do {
        const page = await this.s3.send(
          new ListObjectVersionsCommand({ Bucket: this.config.bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
        );
        for (const version of page.Versions ?? []) if (version.Key && version.VersionId) slot(version.Key).versions.push(version.VersionId);
        for (const marker of page.DeleteMarkers ?? []) if (marker.Key) slot(marker.Key).deleted = true;
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker !== undefined);
    } catch (error) {
      throw classifyAwsError(site, error);
    }
    const entries: CustodyObject[] = [];
    for (const [fullKey, { versions, deleted }] of byKey) {
      const index = custodyEntryIndex(fullKey.slice(prefix.length));
      const first = versions.at(-1);
      if (index === undefined || first === undefined) continue;
      const key = fullKey.slice(this.config.prefix.length);
      entries.push({
        index,
        key,
        overwritten: versions.length > 1 || deleted,
        read: async () => readAll(await this.openArtifact({ object: key, version_id: first })),
      });
    }
    return entries.sort((a, b) => a.index - b.index);
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

  /** Streams `body` to a private spool file through the meter; returns its digest and size. */
  private async spool(body: Readable, progress: ProgressListener, site: { connector: string; operation: string }) {
    let folder: string | undefined;
    try {
      await fs.mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
      folder = await fs.mkdtemp(path.join(this.spoolDir, 'spool-'));
      const file = path.join(folder, 'artifact');
      const meter = new HashingMeter(progress);
      await pipeline(body, meter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      return { file, sha256: meter.sha256, size: meter.bytes };
    } catch (error) {
      if (folder) await fs.rm(folder, { recursive: true, force: true });
      throw classifyFsError(site, error);
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
