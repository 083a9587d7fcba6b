/**
 * An effect journal kept as a JSON-lines file: one record per line, appended and fsync'd before
 * the activity reports success, so a worker killed at any point never loses or doubles an effect.
 *
 * Lookups by idempotency key go through an index in memory (key → where its first line is), built
 * by reading the file once and then kept current by reading only what was appended since (see
 * ../json-lines-file.ts): an action costs the same with ten records or a hundred thousand. A new
 * worker process (after a crash) builds its index from what the old one wrote.
 *
 * `recordOnce` calls for one key are serialised within this object. Processes sharing the data
 * folder take no lock, so two of them could each append a record for one key at the same moment;
 * the first line in the file is then the record for everyone, this object included: the loser is
 * answered with the winner's record and `alreadyRecorded: true`.
 */
import { JsonLinesFile, type LinePosition } from '../json-lines-file';
import type { EffectJournal, EffectRecord } from './effect-journal';

export class FileEffectJournal implements EffectJournal {
  private readonly file: JsonLinesFile<EffectRecord, LinePosition>;

  constructor(readonly filePath: string) {
    this.file = new JsonLinesFile<EffectRecord, LinePosition>(filePath, {
      keyOf: (record) => record.idempotencyKey,
      fold: (first, _record, at) => first ?? at,
    });
  }

  async recordOnce(record: EffectRecord): Promise<{ record: EffectRecord; alreadyRecorded: boolean }> {
    const key = record.idempotencyKey;
    return this.file.exclusive(key, async () => {
      const earlier = await this.file.lookup(key);
      if (earlier) return { record: await this.file.read(key, earlier), alreadyRecorded: true };
      const { at, kept: first } = await this.file.append(record);
      if (first.offset === at.offset) return { record, alreadyRecorded: false };
      // Another process recorded this key between our look and our write.
      return { record: await this.file.read(key, first), alreadyRecorded: true };
    });
  }

  async find(idempotencyKey: string): Promise<EffectRecord | undefined> {
    const first = await this.file.lookup(idempotencyKey);
    return first && this.file.read(idempotencyKey, first);
  }

  /** Every line of the file (duplicates included, should there be any): for audits and tests, not the hot path. */
  async list(filter: { workflowId?: string } = {}): Promise<EffectRecord[]> {
    const all = await this.file.readAll();
    return filter.workflowId ? all.filter((entry) => entry.workflowId === filter.workflowId) : all;
  }
}
