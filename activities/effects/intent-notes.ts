/**
 * Intent notes: a durable line per live action attempt, written before the handler touches the
 * system, and one more when the attempt ends (with what it reported, or the type of its failure).
 *
 * A retry that finds the effect already in place needs to know whose effect it is. The system
 * often cannot say (an inactive IAM key looks the same whoever deactivated it); these notes can:
 * an earlier attempt of the same step that started and never reported back was cut off in the
 * middle of it (its worker died), one that finished had its report lost on the way to Temporal
 * and left that report here, and no note at all means no earlier attempt of this run reached the
 * system. See ./retry-provenance.ts for how the action envelope reads them.
 *
 * Keyed by idempotency key, which names the run (workflow id and first run id), the step and the
 * purpose, so the notes of one key all belong to one run. Stored as a JSON-lines file in the
 * worker's data folder (../json-lines-file.ts): an append and a look-up cost the same however
 * many notes exist, each append is fsync'd before it resolves, and workers sharing the data folder
 * see each other's notes.
 *
 * No secrets: a note holds the step's identity, attempt numbers and times, a failure's type (never
 * its message), and a finished attempt's output, which is the output Temporal records in the run's
 * history anyway (handlers keep secrets out of outputs, see connectors/definition.ts).
 */
import type { ActionName } from '../../common/actions';
import { JsonLinesFile, type LinePosition } from '../json-lines-file';

/** Which attempt of which step a note is about. */
export interface AttemptOf {
  idempotencyKey: string;
  workflowId: string;
  runId: string;
  stepId: string;
  action: ActionName;
  purpose: 'perform' | 'compensate';
  attempt: number;
}

interface StartedNote extends AttemptOf {
  note: 'started';
  at: string;
}

interface FinishedNote {
  note: 'finished';
  idempotencyKey: string;
  attempt: number;
  at: string;
  alreadyDone: boolean;
  output: Record<string, unknown>;
}

interface FailedNote {
  note: 'failed';
  idempotencyKey: string;
  attempt: number;
  at: string;
  /** The failure's type (`QuellThrottled`…) or error name; never its message, which may quote anything. */
  errorType: string;
}

type IntentNote = StartedNote | FinishedNote | FailedNote;

/** What the index keeps per key: a few numbers, plus where the latest report is. */
interface KeyNotes {
  started: readonly number[];
  failed: readonly { attempt: number; errorType: string }[];
  finished?: { attempt: number; at: LinePosition };
}

/** What the earlier attempts of a step left, as seen by attempt `n`. */
export interface EarlierAttempts {
  /** Attempts before `n` that reached the handler, in the order they were noted. */
  started: number[];
  /** Of those, the ones that ended in a failure, with its type. */
  failed: { attempt: number; errorType: string }[];
  /** The latest attempt before `n` that finished, with what it reported. */
  finished?: { attempt: number; alreadyDone: boolean; output: Record<string, unknown> };
}

/** The intent notes of a worker's data folder (see the module comment); one object per file and process. */
export class IntentNotes {
  private readonly file: JsonLinesFile<IntentNote, KeyNotes>;

  constructor(readonly filePath: string) {
    this.file = new JsonLinesFile<IntentNote, KeyNotes>(filePath, {
      keyOf: (note) => note.idempotencyKey,
      fold: foldNote,
    });
  }

  /** Notes that `attempt` is about to call the handler; durable when it resolves. */
  async started(attempt: AttemptOf): Promise<void> {
    await this.file.append({ note: 'started', ...attempt, at: now() });
  }

  /** Notes what `attempt` reported (before Temporal has it: the report may still be lost). */
  async finished(attempt: Pick<AttemptOf, 'idempotencyKey' | 'attempt'>, report: { alreadyDone: boolean; output: Record<string, unknown> }): Promise<void> {
    await this.file.append({ note: 'finished', idempotencyKey: attempt.idempotencyKey, attempt: attempt.attempt, at: now(), ...report });
  }

  /** Notes that `attempt` failed, with the failure's type only. */
  async failed(attempt: Pick<AttemptOf, 'idempotencyKey' | 'attempt'>, errorType: string): Promise<void> {
    await this.file.append({ note: 'failed', idempotencyKey: attempt.idempotencyKey, attempt: attempt.attempt, at: now(), errorType });
  }

  /** What attempts before `attempt` of the step with `idempotencyKey` left (by any worker sharing the folder). */
  async earlier(idempotencyKey: string, attempt: number): Promise<EarlierAttempts> {
    const kept = await this.file.lookup(idempotencyKey);
    const result: EarlierAttempts = {
      started: (kept?.started ?? []).filter((n) => n < attempt),
      failed: (kept?.failed ?? []).filter((entry) => entry.attempt < attempt),
    };
    const finished = kept?.finished;
    if (finished && finished.attempt < attempt) {
      const note = await this.file.read(idempotencyKey, finished.at);
      if (note.note === 'finished') result.finished = { attempt: note.attempt, alreadyDone: note.alreadyDone, output: note.output };
    }
    return result;
  }
}

/** Folds one note into what is kept for its key, without changing `kept` (the index's rule). */
function foldNote(kept: KeyNotes | undefined, note: IntentNote, at: LinePosition): KeyNotes {
  const base: KeyNotes = kept ?? { started: [], failed: [] };
  switch (note.note) {
    case 'started':
      return { ...base, started: [...base.started, note.attempt] };
    case 'failed':
      return { ...base, failed: [...base.failed, { attempt: note.attempt, errorType: note.errorType }] };
    case 'finished':
      // The latest report wins: a later attempt's report already accounts for the earlier ones.
      return base.finished && base.finished.attempt > note.attempt ? base : { ...base, finished: { attempt: note.attempt, at } };
    default:
      return base; // a line of a kind this version does not know: ignore it
  }
}

function now(): string {
  return new Date().toISOString();
}
