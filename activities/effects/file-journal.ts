/**
 * An effect journal kept as a JSON-lines file: one record per line, appended and fsync'd before
 * the activity reports success, so a worker killed at any point never loses or doubles an effect.
 *
 * Writes from this process are serialised; the file is re-read on each call, so a new worker
 * process (after a crash) sees what the old one recorded.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EffectJournal, EffectRecord } from '../ports';

export class FileEffectJournal implements EffectJournal {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly filePath: string) {}

  async recordOnce(record: EffectRecord): Promise<{ record: EffectRecord; alreadyRecorded: boolean }> {
    return this.serialise(async () => {
      const text = await this.readText();
      const existing = parseRecords(text).find((entry) => entry.idempotencyKey === record.idempotencyKey);
      if (existing) return { record: existing, alreadyRecorded: true };
      await fs.mkdir(path.dirname(this.filePath), { recursive: true });
      // Start on a fresh line if a crash left a torn one, so this record stays parseable.
      const separator = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
      const handle = await fs.open(this.filePath, 'a');
      try {
        await handle.appendFile(`${separator}${JSON.stringify(record)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { record, alreadyRecorded: false };
    });
  }

  async find(idempotencyKey: string): Promise<EffectRecord | undefined> {
    return (await this.readAll()).find((entry) => entry.idempotencyKey === idempotencyKey);
  }

  async list(filter: { workflowId?: string } = {}): Promise<EffectRecord[]> {
    const all = await this.readAll();
    return filter.workflowId ? all.filter((entry) => entry.workflowId === filter.workflowId) : all;
  }

  private async readAll(): Promise<EffectRecord[]> {
    return parseRecords(await this.readText());
  }

  private async readText(): Promise<string> {
    try {
      return await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** A crash can leave a torn line; it was never acknowledged, so skipping it is correct. */
function parseRecords(text: string): EffectRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as EffectRecord];
      } catch {
        return [];
      }
    });
}
