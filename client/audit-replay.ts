/**
 * Does today's workflow code reproduce a recorded run? The run's event history is replayed
 * against the workflow bundle with no server and no worker polling: the SDK feeds the recorded
 * events to the code and compares every command the code issues with the one the history holds.
 * A mismatch is a determinism violation, which means this code would not have made that run (or
 * would break it if it were still open).
 *
 * The bundle is built once per process and workflows folder and reused, because webpack takes
 * seconds and an auditor may replay many runs. The compiled build replays against the bundle
 * `npm run build` wrote, the same file the compiled worker runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type DataConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Worker, bundleWorkflowCode, type ReplayWorkerOptions } from '@temporalio/worker';
import type { RunMode } from '../common/run-state';
import { PAYLOAD_KEYS_VARIABLE } from '../config/codec/payload-data-converter';
import { fetchStoredRunHistory } from './decoded-history';
import { QuellClientError } from './errors';

type History = temporal.api.history.v1.IHistory;

/** Whether the code reproduces the run, and if not, the first mismatch in the SDK's words. */
export interface ReplayVerdict {
  reproduced: boolean;
  workflowId: string;
  workflowType: string;
  eventCount: number;
  /**
   * The run's mode, so surfaces can mark an exercise: a drill is always tabletop; a run says so in
   * its start input. Absent when the input cannot be read (encrypted, or not Quell's).
   */
  mode?: RunMode;
  /** One line: what was replayed, or on failure which command met which recorded event. */
  detail: string;
}

export interface ReplayOptions {
  /** The workflows index to bundle (default: Quell's own, or the build's bundle when compiled). */
  workflowsPath?: string;
  /** Needed when the history's payloads were written through a codec (encryption). */
  dataConverter?: DataConverter;
  /** The id the run had; the code may derive names from it (a drill names its runs after it). */
  workflowId?: string;
}

/**
 * Where `npm run build` writes the bundle, seen from the compiled client/ folder; the same place
 * worker/workflow-bundle.ts reads it from (client/ may not import worker/).
 */
const BUILT_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

const bundles = new Map<string, Promise<ReplayWorkerOptions['workflowBundle']>>();

/** The workflow bundle for `workflowsPath`, built on first use and kept for the process. */
function workflowBundleFor(workflowsPath: string | undefined): Promise<ReplayWorkerOptions['workflowBundle']> {
  const compiled = __filename.endsWith('.js');
  if (workflowsPath === undefined && compiled && fs.existsSync(BUILT_BUNDLE_PATH)) return Promise.resolve({ codePath: BUILT_BUNDLE_PATH });
  const resolved = workflowsPath === undefined ? require.resolve('../workflows') : path.resolve(workflowsPath);
  let bundle = bundles.get(resolved);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath: resolved, logger: new DefaultLogger('WARN') }).then(({ code }) => ({ code }));
    // A failed build is not cached: the next call tries again (the folder may have been fixed).
    bundle.catch(() => bundles.delete(resolved));
    bundles.set(resolved, bundle);
  }
  return bundle;
}

/** Replays one history against the workflow code and says whether the code reproduces it. */
export async function replayHistory(history: History, options: ReplayOptions = {}): Promise<ReplayVerdict> {
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new QuellClientError('invalid-input', 'history: the first event is not the start of a workflow execution, so it cannot be replayed');
  const workflowType = started.workflowType?.name ?? 'unknown';
  const workflowId = options.workflowId ?? (started.workflowId || 'replayed-run');
  const mode = await modeOf(workflowType, started, options.dataConverter);
  const base = { workflowId, workflowType, eventCount: events.length, ...(mode ? { mode } : {}) };
  const workflowBundle = await workflowBundleFor(options.workflowsPath);
  try {
    await Worker.runReplayHistory({ workflowBundle, ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}), replayName: 'quell-audit-replay' }, history, workflowId);
  } catch (error) {
    const unreadable = error instanceof Error ? /Unknown encoding: ([\w./+-]+)/.exec(error.message)?.[1] : undefined;
    if (unreadable) {
      // Not a verdict on the code: the code never saw its inputs.
      throw new QuellClientError(
        'refused',
        `cannot replay ${workflowId}: its payloads are encoded as ${unreadable}; replay needs the payload keys it was written with (${PAYLOAD_KEYS_VARIABLE})`,
        { cause: error },
      );
    }
    if (error instanceof Error && (error.name === 'DeterminismViolationError' || error.name === 'ReplayError')) {
      return { ...base, reproduced: false, detail: mismatchOf(error) };
    }
    throw error;
  }
  return { ...base, reproduced: true, detail: `${workflowType} replayed ${events.length} events with no determinism violation` };
}

/**
 * Drills and their debriefs are exercises by nature; a runbook run records its mode in its start
 * input, opened with the codecs when the history was written encrypted.
 */
async function modeOf(workflowType: string, started: temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes, dataConverter: DataConverter | undefined): Promise<RunMode | undefined> {
  if (workflowType === 'runDrill' || workflowType === 'drillDebrief') return 'tabletop';
  const stored = started.input?.payloads?.[0];
  if (!stored) return undefined;
  try {
    let payload = stored;
    // Codecs encode in order, so they decode in reverse.
    for (const codec of [...(dataConverter?.payloadCodecs ?? [])].reverse()) {
      const [decoded] = await codec.decode([payload]);
      if (!decoded) return undefined;
      payload = decoded;
    }
    const mode = (defaultPayloadConverter.fromPayload(payload) as { mode?: unknown } | undefined)?.mode;
    return mode === 'live' || mode === 'tabletop' ? mode : undefined;
  } catch {
    // Encrypted without the keys here, or not Quell's input: the replay itself will tell.
    return undefined;
  }
}

/**
 * The SDK wraps core's finding twice: an explanation, then core's debug rendering of the failure.
 * The finding itself (its quoted `message`, else what follows "Details:") names the state
 * machine and the recorded event that disagreed. One line only: never a stack.
 */
function mismatchOf(error: Error): string {
  const message = error.message;
  const quoted = /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1]?.replace(/\\(.)/g, '$1');
  const found = quoted ?? /Details:\s*([\s\S]*)$/.exec(message)?.[1] ?? message;
  const firstLine = found.split('\n').find((line) => line.trim() !== '') ?? message;
  const kind = error.name === 'DeterminismViolationError' ? 'determinism violation' : 'replay failed';
  return `${kind}: ${firstLine.trim()}`;
}

/** Fetches a run's history from Temporal and replays it. */
export async function replayRun(client: Client, workflowId: string, options: Omit<ReplayOptions, 'workflowId'> = {}): Promise<ReplayVerdict> {
  return replayHistory(await fetchStoredRunHistory(client, workflowId), { ...options, workflowId });
}

/**
 * Reads a history exported as JSON: by `temporal workflow show --output json`, by Quell's
 * recorders (`npm run record-histories`, `quell drill record`), or a bare array of its events.
 * @throws QuellClientError naming the file and what is wrong with it.
 */
export function readHistoryFile(file: string): History {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new QuellClientError('invalid-input', `history file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new QuellClientError('invalid-input', `history file ${file}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const shaped = Array.isArray(parsed) ? { events: parsed } : parsed;
  const events = (shaped as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0) {
    throw new QuellClientError('invalid-input', `history file ${file}: no events; expected the JSON of \`temporal workflow show --output json\``);
  }
  let history: History;
  try {
    history = historyFromJSON(shaped);
  } catch (error) {
    throw new QuellClientError('invalid-input', `history file ${file}: not a Temporal event history (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
  if (!history.events?.[0]?.workflowExecutionStartedEventAttributes) {
    throw new QuellClientError('invalid-input', `history file ${file}: the first event is not the start of a workflow execution (a partial export cannot be replayed)`);
  }
  return history;
}
