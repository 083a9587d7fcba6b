/**
 * A closed drill's Temporal histories, recorded for replay tests: the drill's own, its run's and
 * every follow-up run's, each as the JSON `historyToJSON` writes (what `historyFromJSON` and
 * `Worker.runReplayHistories` read), plus a manifest saying which drill, which scenario (id and
 * sha256) and which workflow type each file holds.
 *
 * An open drill is refused: its histories are still growing, and a replay test needs the whole of
 * each. The runs are found in the drill's own history (the children it started), not by name, so
 * a run the drill started is never left out and nothing else is swept in.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { drillRunWorkflowId } from '../common/drill-state';
import type { RunDrillInput } from '../workflows/drill/state';
import { decodeStoredHistory } from './decoded-history';
import { QuellClientError } from './errors';
import { checkWorkflowId } from './runs';
import { withWorkflowErrors } from './workflow-errors';

type History = temporal.api.history.v1.IHistory;

/** The name of the manifest file in a recording's folder. */
export const DRILL_MANIFEST_FILE = 'manifest.json';
/** A recording's folder name: plain, so it cannot climb out of the folder it is written to. */
export const RECORDING_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
export const RECORDING_NAME_RULE = "use 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit";

export type RecordedRole = 'drill' | 'run' | 'follow-up';

export interface RecordedWorkflow {
  file: string;
  workflowId: string;
  /** The workflow type the history starts (what a replay runs it with). */
  workflowType: string;
  role: RecordedRole;
  /** How the workflow closed, in Temporal's words (COMPLETED, CANCELLED, …). */
  closedAs: string;
  events: number;
}

export interface DrillRecordingManifest {
  exercise: true;
  drillId: string;
  scenario: { id: string; version: number; sha256: string };
  runbook: { id: string; sha256: string };
  recordedAt: string;
  histories: RecordedWorkflow[];
}

export interface DrillRecording {
  manifest: DrillRecordingManifest;
  /** File name → its JSON text, one per entry of `manifest.histories`. */
  texts: Map<string, string>;
}

/**
 * Fetches the histories of a closed drill and its runs. Refused: an unknown id, a workflow that is
 * not a drill, a drill (or one of its runs) still open.
 */
export async function recordDrill(client: Client, drillId: string, now: () => Date = () => new Date()): Promise<DrillRecording> {
  checkWorkflowId(drillId);
  const drill = await closedWorkflow(client, drillId, 'drill', drillId);
  if (drill.description.type !== 'runDrill') {
    throw new QuellClientError('refused', `${drillId} is not a drill (its workflow type is ${drill.description.type}); only drills are recorded here`);
  }
  const input = startInput<RunDrillInput>(drill.history);
  const histories: Array<{ entry: RecordedWorkflow; history: History }> = [{ entry: entryOf('drill.json', drillId, 'drill', drill), history: drill.history }];
  for (const child of childrenStarted(drill.history)) {
    const role: RecordedRole = child.workflowId === drillRunWorkflowId(drillId) ? 'run' : 'follow-up';
    const recorded = await closedWorkflow(client, child.workflowId, role === 'run' ? 'run' : 'follow-up run', drillId, child.runId);
    histories.push({ entry: entryOf(fileNameOf(drillId, child.workflowId, role), child.workflowId, role, recorded), history: recorded.history });
  }
  const manifest: DrillRecordingManifest = {
    exercise: true,
    drillId,
    scenario: { id: input.scenario.id, version: input.scenario.version, sha256: input.scenario.sha256 },
    runbook: { id: input.runbook.id, sha256: input.runbookSha256 },
    recordedAt: now().toISOString(),
    histories: histories.map(({ entry }) => entry),
  };
  // The same layout record-histories writes: historyToJSON, re-indented for readable diffs.
  const texts = new Map(histories.map(({ entry, history }) => [entry.file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`]));
  return { manifest, texts };
}

/**
 * Writes a recording into `dir` (created if missing). A folder holding an earlier recording (its
 * manifest) is replaced file by file; any other non-empty folder is refused, so a mistyped --out
 * never mixes histories into someone's files. Returns the paths written.
 */
export function writeDrillRecording(recording: DrillRecording, dir: string): string[] {
  const manifestPath = path.join(dir, DRILL_MANIFEST_FILE);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new QuellClientError('refused', `${dir} is a file, not a folder`);
    const earlier = fs.existsSync(manifestPath) ? readManifest(manifestPath) : undefined;
    if (!earlier && fs.readdirSync(dir).length > 0) {
      throw new QuellClientError('refused', `${dir} is not empty and holds no drill recording (${DRILL_MANIFEST_FILE}); choose another --out or --name`);
    }
    // Only what the earlier recording wrote: a follow-up it had and this one lacks must not linger.
    for (const entry of earlier?.histories ?? []) fs.rmSync(path.join(dir, path.basename(entry.file)), { force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const entry of recording.manifest.histories) {
    const file = path.join(dir, entry.file);
    fs.writeFileSync(file, recording.texts.get(entry.file)!);
    written.push(file);
  }
  fs.writeFileSync(manifestPath, `${JSON.stringify(recording.manifest, null, 2)}\n`);
  written.push(manifestPath);
  return written;
}

/** Reads a recording's manifest. @throws QuellClientError naming the file when it is not one. */
export function readManifest(file: string): DrillRecordingManifest {
  let parsed: Partial<DrillRecordingManifest> | undefined;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DrillRecordingManifest>;
  } catch (error) {
    throw new QuellClientError('invalid-input', `${file} is not a drill recording manifest: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed?.drillId !== 'string' || !Array.isArray(parsed.histories) || parsed.histories.some((entry) => typeof entry?.file !== 'string' || typeof entry.workflowType !== 'string')) {
    throw new QuellClientError('invalid-input', `${file} is not a drill recording manifest: it needs drillId and histories[] with file and workflowType`);
  }
  return parsed as DrillRecordingManifest;
}

/** The default folder name of a drill's recording: its id without the prefix, made plain. */
export function defaultRecordingName(drillId: string): string {
  const plain = drillId.replace(/^quell-drill:/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return plain.slice(0, 80) || 'drill';
}

interface ClosedWorkflow {
  description: WorkflowExecutionDescription;
  history: History;
}

async function closedWorkflow(client: Client, workflowId: string, what: string, drillId: string, runId?: string): Promise<ClosedWorkflow> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const description = await withWorkflowErrors(workflowId, { noun: what === 'drill' ? 'drill' : 'run', takesNoMore: 'controls' }, () => handle.describe());
  if (description.status.name === 'RUNNING') {
    if (what === 'drill') {
      throw new QuellClientError('refused', `drill ${drillId} is still open; a drill is recorded once it and its runs have closed. End it first: quell drill end ${drillId}`);
    }
    // The drill has closed but left this run open (it was terminated, say): only the run can be closed now.
    throw new QuellClientError('refused', `the ${what} ${workflowId} of drill ${drillId} is still open; a drill is recorded once its runs have closed. Cancel it first: quell cancel ${workflowId} --reason TEXT`);
  }
  return { description, history: await decodeStoredHistory(client, await handle.fetchHistory(), workflowId) };
}

function entryOf(file: string, workflowId: string, role: RecordedRole, recorded: ClosedWorkflow): RecordedWorkflow {
  return { file, workflowId, workflowType: recorded.description.type, role, closedAs: recorded.description.status.name, events: recorded.history.events?.length ?? 0 };
}

/** `run.json`, or `follow-up-<inject>.json` for a follow-up (the inject id, made plain). */
function fileNameOf(drillId: string, workflowId: string, role: RecordedRole): string {
  if (role === 'run') return 'run.json';
  const tail = workflowId.startsWith(`${drillId}:`) ? workflowId.slice(drillId.length + 1) : workflowId;
  return `${tail.replace(/[^A-Za-z0-9._-]+/g, '-')}.json`;
}

/** The children the drill really started (a start that failed left no run to record), in order. */
function childrenStarted(history: History): Array<{ workflowId: string; runId?: string }> {
  const started: Array<{ workflowId: string; runId?: string }> = [];
  for (const event of history.events ?? []) {
    const execution = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (execution?.workflowId) started.push({ workflowId: execution.workflowId, ...(execution.runId ? { runId: execution.runId } : {}) });
  }
  return started;
}

function startInput<T>(history: History): T {
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new QuellClientError('refused', 'the drill history has no start input');
  return defaultPayloadConverter.fromPayload<T>(payload);
}
