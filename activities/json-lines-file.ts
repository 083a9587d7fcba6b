/**
 * An append-only JSON-lines file, the storage under the effect journal and the delivery log:
 * entries are appended and fsync'd (durable before the caller reports success), writes from this
 * process are serialised, and the whole file is re-read on each read, so a worker restarted after
 * a crash sees what the old one wrote.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export class JsonLinesFile<T> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly filePath: string) {}

  /** Every entry, oldest first; none when the file does not exist yet. */
  async readAll(): Promise<T[]> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parseLines<T>(text);
  }

  /** Appends one entry and fsyncs it. Call inside {@link serialise} when it depends on a read. */
  async append(entry: T): Promise<void> {
    await fs.mkdir(path.dirname(this.filePath), { recursive: true });
    const handle = await fs.open(this.filePath, 'a+');
    try {
      // A crash may have left a torn last line: start on a fresh one so this entry stays readable.
      const { size } = await handle.stat();
      let separator = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) separator = '\n';
      }
      await handle.appendFile(`${separator}${JSON.stringify(entry)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Runs `work` after every earlier serialised call of this process has finished. */
  serialise<R>(work: () => Promise<R>): Promise<R> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** A torn line was never acknowledged to anyone, so skipping it is correct. */
function parseLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return [];
      }
    });
}
