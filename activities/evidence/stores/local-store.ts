/**
 * The `local` evidence store: files under `dir`, laid out as ../custody/layout describes. Each
 * copy is written to a temporary name beside its final one, flushed to disk, made read-only
 * (0444) and only then renamed into place, so a reader never sees a half-written artifact.
 * Custody entries are published with link(2), which fails when the name exists: an atomic
 * "create if absent" that also never exposes a partly written entry.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ConnectorProbe } from '../../live/connector';
import { custodyEntryIndex, custodyFolder } from '../custody/layout';
import { classifyFsError } from './fs-failure';
import { HashingMeter } from './hashing-meter';
import type { CustodyObject, EvidenceStore, ObjectRef, ProgressListener, StoredObject } from './store';

export const LOCAL_STORE_CONNECTOR = 'evidence-store:local';

const READ_ONLY = 0o444;
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o750;

export class LocalEvidenceStore implements EvidenceStore {
  readonly kind = 'local' as const;
  readonly location: string;

  constructor(dir: string) {
    this.location = path.resolve(dir);
  }

  async putArtifact(key: string, body: Readable, _mediaType: string, progress: ProgressListener): Promise<StoredObject> {
    const site = { connector: LOCAL_STORE_CONNECTOR, operation: `store ${key}` };
    const final = this.pathOf(key);
    const temp = temporaryBeside(final);
    const meter = new HashingMeter(progress);
    try {
      await fs.mkdir(path.dirname(final), { recursive: true, mode: PRIVATE_DIR });
      await pipeline(body, meter, createWriteStream(temp, { flags: 'wx', mode: PRIVATE_FILE }));
      await flushToDisk(temp);
      await fs.chmod(temp, READ_ONLY);
      await fs.rename(temp, final);
      await flushToDisk(path.dirname(final));
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw classifyFsError(site, error);
    }
    return { key, sha256: meter.sha256, size: meter.bytes };
  }

  async openArtifact(ref: ObjectRef): Promise<Readable> {
    const file = this.pathOf(ref.object);
    const stream = createReadStream(file);
    try {
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
    } catch (error) {
      throw classifyFsError({ connector: LOCAL_STORE_CONNECTOR, operation: `read ${ref.object}` }, error);
    }
    return stream;
  }

  async createIfAbsent(key: string, bytes: Buffer): Promise<boolean> {
    const site = { connector: LOCAL_STORE_CONNECTOR, operation: `create ${key}` };
    const final = this.pathOf(key);
    const temp = temporaryBeside(final);
    try {
      await fs.mkdir(path.dirname(final), { recursive: true, mode: PRIVATE_DIR });
      const handle = await fs.open(temp, 'wx', PRIVATE_FILE);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.chmod(temp, READ_ONLY);
      try {
        await fs.link(temp, final);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
      await flushToDisk(path.dirname(final));
      return true;
    } catch (error) {
      throw classifyFsError(site, error);
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async listCustody(run: string): Promise<CustodyObject[]> {
    const folder = custodyFolder(run);
    let names: string[];
    try {
      names = await fs.readdir(this.pathOf(folder));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw classifyFsError({ connector: LOCAL_STORE_CONNECTOR, operation: `list ${folder}` }, error);
    }
    const entries: CustodyObject[] = [];
    for (const name of names) {
      const index = custodyEntryIndex(name);
      if (index === undefined) continue;
      const key = `${folder}${name}`;
      entries.push({ index, key, overwritten: false, read: () => fs.readFile(this.pathOf(key)) });
    }
    return entries.sort((a, b) => a.index - b.index);
  }

  async discardCollection(folder: string): Promise<void> {
    await fs.rm(this.pathOf(folder), { recursive: true, force: true });
  }

  describe(ref: ObjectRef): string {
    return this.pathOf(ref.object);
  }

  async check(): Promise<ConnectorProbe[]> {
    const probe = path.join(this.location, `.quell-probe-${randomBytes(6).toString('hex')}`);
    try {
      await fs.mkdir(this.location, { recursive: true, mode: PRIVATE_DIR });
      await fs.writeFile(probe, 'probe', { flag: 'wx', mode: PRIVATE_FILE });
      await fs.rm(probe);
      return [{ name: 'writable', ok: true, detail: `${this.location} is writable` }];
    } catch (error) {
      return [{ name: 'writable', ok: false, detail: `cannot write in ${this.location}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }];
    }
  }

  /** The absolute path of a store-relative key; refuses any key that would leave the folder. */
  private pathOf(key: string): string {
    const resolved = path.resolve(this.location, ...key.split('/'));
    if (!resolved.startsWith(`${this.location}${path.sep}`)) throw new Error(`key ${key} leaves the evidence folder`);
    return resolved;
  }
}

function temporaryBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.partial`);
}

/** fsync a file or folder, so a crash right after cannot lose what was just written or renamed. */
async function flushToDisk(target: string): Promise<void> {
  const handle = await fs.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
