/**
 * The committed histories of real runs (test/fixtures/histories, recorded by
 * `npm run record-histories`), ready for `Worker.runReplayHistories`, sorted by workflow id; and
 * the recorded drills (test/fixtures/histories/drills/<recording>/, by `quell drill record`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DRILL_MANIFEST_FILE, readManifest, type DrillRecordingManifest, type RecordedRole } from '../../client/drill-record';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');

export interface RecordedHistory {
  workflowId: string;
  history: ReturnType<typeof historyFromJSON>;
}

export function loadRecordedHistories(): RecordedHistory[] {
  return historiesIn(HISTORIES_DIR);
}

/**
 * Recordings of the shipped runbooks' earlier versions (`credential-compromise-v3`), kept when a
 * runbook was revised: runs started before a revision carry their runbook and must still replay.
 */
export const EARLIER_VERSIONS_DIR = path.join(HISTORIES_DIR, 'earlier-versions');

export function loadEarlierVersionHistories(): RecordedHistory[] {
  return historiesIn(EARLIER_VERSIONS_DIR);
}

function historiesIn(dir: string): RecordedHistory[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ workflowId: name.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))) }));
}

/** One recorded history by workflow id (the file name without `.json`). */
export function recordedHistory(workflowId: string): RecordedHistory {
  const found = loadRecordedHistories().find((h) => h.workflowId === workflowId);
  if (!found) throw new Error(`no recorded history ${workflowId}.json in ${HISTORIES_DIR}`);
  return found;
}

/** Drill recordings (`quell drill record`, `npm run record-drill-histories`): one folder per drill. */
export const DRILL_HISTORIES_DIR = path.join(HISTORIES_DIR, 'drills');

export interface RecordedDrillHistory extends RecordedHistory {
  /** `<recording>/<file without .json>`: how tests name it. */
  name: string;
  /** The recording's folder name. */
  recording: string;
  /** `drill`, `run` or `follow-up`, as its manifest says. */
  role: RecordedRole;
  workflowType: string;
  manifest: DrillRecordingManifest;
}

/**
 * Every history of every drill recording, sorted by name. The workflow id is the recorded one: a
 * drill names its run and follow-ups after its own id, so a replay under any other id would differ
 * at the first child. Each file's workflow type is checked against its manifest: a replay runs
 * the type the history starts, so a manifest that disagrees is a broken fixture.
 */
export function loadRecordedDrillHistories(): RecordedDrillHistory[] {
  if (!fs.existsSync(DRILL_HISTORIES_DIR)) return [];
  const loaded: RecordedDrillHistory[] = [];
  for (const recording of fs.readdirSync(DRILL_HISTORIES_DIR).sort()) {
    const folder = path.join(DRILL_HISTORIES_DIR, recording);
    if (!fs.statSync(folder).isDirectory()) continue;
    const manifest = readManifest(path.join(folder, DRILL_MANIFEST_FILE));
    for (const entry of [...manifest.histories].sort((a, b) => a.file.localeCompare(b.file))) {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(folder, entry.file), 'utf8')));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      if (started !== entry.workflowType) throw new Error(`${recording}/${entry.file}: the manifest says ${entry.workflowType}, the history starts ${started}`);
      loaded.push({ workflowId: entry.workflowId, name: `${recording}/${entry.file.replace(/\.json$/, '')}`, history, recording, role: entry.role, workflowType: entry.workflowType, manifest });
    }
  }
  return loaded;
}
