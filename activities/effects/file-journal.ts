/**
 * An effect journal kept as a JSON-lines file: one record per line, appended and fsync'd before
 * the activity reports success, so a worker killed at any point never loses or doubles an effect.
 *
 * Writes from this process are serialised; the file is re-read on each call, so a new worker
 * process (after a crash) sees what the old one recorded.
 */
import { JsonLinesFile } from '../json-lines-file';
import type { EffectJournal, EffectRecord } from '../ports';

export class FileEffectJournal implements EffectJournal {
  private readonly file: JsonLinesFile<EffectRecord>;

  constructor(readonly filePath: string) {
    this.file = new JsonLinesFile(filePath);
  }

  async recordOnce(record: EffectRecord): Promise<{ record: EffectRecord; alreadyRecorded: boolean }> {
    return this.file.serialise(async () => {
      const existing = (await this.file.readAll()).find((entry) => entry.idempotencyKey === record.idempotencyKey);
      if (existing) return { record: existing, alreadyRecorded: true };
      await this.file.append(record);
      return { record, alreadyRecorded: false };
    });
  }

  async find(idempotencyKey: string): Promise<EffectRecord | undefined> {
    return (await this.file.readAll()).find((entry) => entry.idempotencyKey === idempotencyKey);
  }

  async list(filter: { workflowId?: string } = {}): Promise<EffectRecord[]> {
    const all = await this.file.readAll();
    return filter.workflowId ? all.filter((entry) => entry.workflowId === filter.workflowId) : all;
  }
}
