/**
 * The `local` evidence store: files under `dir`, one per key (`/` separates folders). Each
 * copy is written to a temporary name beside its final one, flushed to disk, made read-only
 * (0444) and only then renamed into place, so a reader never sees a half-written artifact.
 * Custody entries are published with link(2), which fails when the name exists: an atomic
 * "create if absent" that also never exposes a partly written entry.
 *
 * Copies no custody entry certifies (an attempt killed between its copies and its entry) can be
 * removed here, so the store never adopts them: the action removes them once the step's entry
 * exists (see PutContext in ../evidence-roles).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ConnectorProbe } from '../connector';
import { classifyFsError } from '../evidence-io/fs-failure';
import { HashingMeter } from '../evidence-io/hashing-meter';
import type { EvidenceStore, ListedObject, ObjectRef, ProgressListener, StoredCopy, StoredObject } from '../evidence-roles';
import { LOCAL_STORE_CONNECTOR } from './connector-id';

const READ_ONLY = 0o444;
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o750;

export class LocalEvidenceStore implements EvidenceStore {
  readonly kind = 'local' as const;
  readonly location: string;
  readonly removable = true;

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

  async listFolder(folder: string): Promise<ListedObject[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.pathOf(folder));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw classifyFsError({ connector: LOCAL_STORE_CONNECTOR, operation: `list ${folder}` }, error);
    }
    return names.map((name) => {
      const key = `${folder}${name}`;
      // Files here are read-only once in place: a key is never written twice.
      return { name, key, overwritten: false, read: () => fs.readFile(this.pathOf(key)) };
    });
  }

  async listCopies(prefix: string): Promise<StoredCopy[]> {
    // The prefix may end inside a name (`<step>/<tag>-`): walk its folder, keep what starts with it.
    const cut = prefix.lastIndexOf('/') + 1;
    const copies: StoredCopy[] = [];
    const walk = async (folder: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await fs.readdir(this.pathOf(folder), { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw classifyFsError({ connector: LOCAL_STORE_CONNECTOR, operation: `list ${prefix}` }, error);
      }
      for (const entry of entries) {
        const key = `${folder}${entry.name}`;
        if (!key.startsWith(prefix)) continue;
        if (entry.isDirectory()) await walk(`${key}/`);
        // A writer's temporary file left by a kill is reported too: it is a leftover like any other.
        else {
          const size = await sizeOf(this.pathOf(key));
          if (size !== undefined) copies.push({ key, size });
        }
      }
    };
    await walk(prefix.slice(0, cut));
    return copies;
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

/** The size of a file, or undefined when it went away meanwhile (an attempt removed its copies). */
async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.lstat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
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
