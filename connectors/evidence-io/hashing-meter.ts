/**
 * A pass-through stream that hashes (sha256) and counts the bytes flowing through it, and reports
 * progress at most once per interval: evidence streams through it into a store, so the digest is
 * of exactly the bytes stored, computed without holding them.
 */
import { createHash } from 'node:crypto';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ProgressListener } from '../evidence-roles';

const PROGRESS_EVERY_MS = 1_000;

export class HashingMeter extends Transform {
  private readonly hash = createHash('sha256');
  private counted = 0;
  private lastReport = 0;
  private digestHex?: string;

  constructor(private readonly progress: ProgressListener = () => undefined) {
    super();
  }

  get bytes(): number {
    return this.counted;
  }

  /** The hex digest; available once the stream has ended. */
  get sha256(): string {
    if (this.digestHex === undefined) throw new Error('the stream has not finished: no digest yet');
    return this.digestHex;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.counted += chunk.length;
    const now = Date.now();
    if (now - this.lastReport >= PROGRESS_EVERY_MS) {
      this.lastReport = now;
      this.progress(this.counted);
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digestHex = this.hash.digest('hex');
    this.progress(this.counted);
    callback();
  }
}

/** Reads `stream` to its end and returns its sha256 and length, holding one chunk at a time. */
export async function hashStream(stream: Readable, progress?: ProgressListener): Promise<{ sha256: string; size: number }> {
  const meter = new HashingMeter(progress);
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(stream, meter, discard);
  return { sha256: meter.sha256, size: meter.bytes };
}
