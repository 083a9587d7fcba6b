/**
 * The committed histories of real runs (test/fixtures/histories, recorded by
 * `npm run record-histories`), ready for `Worker.runReplayHistories`, sorted by workflow id.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');

export interface RecordedHistory {
  workflowId: string;
  history: ReturnType<typeof historyFromJSON>;
}

export function loadRecordedHistories(): RecordedHistory[] {
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ workflowId: name.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, name), 'utf8'))) }));
}

/** One recorded history by workflow id (the file name without `.json`). */
export function recordedHistory(workflowId: string): RecordedHistory {
  const found = loadRecordedHistories().find((h) => h.workflowId === workflowId);
  if (!found) throw new Error(`no recorded history ${workflowId}.json in ${HISTORIES_DIR}`);
  return found;
}
