/**
 * What a retried action reports when it finds its effect already in place.
 *
 * Without this, a retry whose earlier attempt made the change and then died reported "already
 * done" with the handler's view of *this* attempt ("deactivated nothing"), and the run's record,
 * which auditors read, said the run had done nothing. The retry's output now says that the
 * effect was found on retry, by which attempt, and whose it is as far as the evidence goes:
 *
 * - `this-run`: an earlier attempt of this run reached the system: it finished (its report, kept in
 *   the intent notes, is returned as the output: exactly what the run did), or it started and was
 *   cut off or failed part-way (the output is what the system reads back now). A tabletop effect
 *   found on retry is always this run's: the effect journal is keyed by the run's step.
 * - `before-this-run`: no earlier attempt of this run reached the system, or the first one that
 *   did already found the effect in place: someone or something else made it.
 * - `unknown`: this worker keeps no intent notes, or could not read them.
 *
 * `alreadyDone` stays what the handler said (this attempt changed nothing); the marking is what
 * tells whose change it was.
 */
import type { ActionOutcome } from '../../connectors/action-context';
import type { RunMode } from '../../common/run-state';
import type { EarlierAttempts } from './intent-notes';

export type EffectBy = 'this-run' | 'before-this-run' | 'unknown';

/** The fields added to the output of an action that found its effect on a retry. */
export interface FoundOnRetry {
  found_on_retry: true;
  /** The attempt that found the effect in place. */
  found_on_attempt: number;
  effect_by: EffectBy;
  /** The evidence for `effect_by`, in a sentence. */
  effect_evidence: string;
}

/** What the envelope knows about the earlier attempts: their notes, or why there are none. */
export type EarlierEvidence = { notes: EarlierAttempts } | { missing: 'not-kept' | 'unreadable' };

/**
 * The outcome a retry (attempt > 1) reports when its handler found the effect in place
 * (`outcome.alreadyDone`): the handler's outcome, or the earlier attempt's kept report, marked.
 */
export function markFoundOnRetry(outcome: ActionOutcome, attempt: number, mode: RunMode, earlier: EarlierEvidence): ActionOutcome {
  const { output, effectBy, evidence } = mode === 'tabletop' ? tabletopProvenance(outcome) : liveProvenance(outcome, earlier);
  const marking: FoundOnRetry = { found_on_retry: true, found_on_attempt: attempt, effect_by: effectBy, effect_evidence: evidence };
  return { output: { ...output, ...marking }, alreadyDone: outcome.alreadyDone };
}

interface Provenance {
  output: Record<string, unknown>;
  effectBy: EffectBy;
  evidence: string;
}

function tabletopProvenance(outcome: ActionOutcome): Provenance {
  return { output: outcome.output, effectBy: 'this-run', evidence: 'an earlier attempt of this step recorded the simulated effect in the effect journal' };
}

function liveProvenance(outcome: ActionOutcome, earlier: EarlierEvidence): Provenance {
  if ('missing' in earlier) {
    const why = earlier.missing === 'not-kept' ? 'this worker keeps no notes of earlier attempts' : 'the notes of earlier attempts could not be read';
    return { output: outcome.output, effectBy: 'unknown', evidence: `${why}; the output is what the system reads back now` };
  }
  const { started, failed, finished } = earlier.notes;
  if (finished && !finished.alreadyDone) {
    return {
      output: finished.output,
      effectBy: 'this-run',
      evidence: `attempt ${finished.attempt} made the change and reported it, but its report never reached the workflow; the output is that report`,
    };
  }
  if (finished) {
    // That attempt found the effect in place too; its report (and what it concluded about whose
    // the effect is) stands, as the latest the run has.
    const carried = finished.output.effect_by;
    const effectBy: EffectBy = carried === 'this-run' || carried === 'unknown' ? carried : 'before-this-run';
    return { output: finished.output, effectBy, evidence: `attempt ${finished.attempt} had already found the effect in place and reported it, but its report never reached the workflow; the output is that report` };
  }
  const last = started.at(-1);
  if (last !== undefined) {
    const failure = failed.find((entry) => entry.attempt === last);
    const how = failure ? `failed part-way (${failure.errorType})` : 'never reported back (its worker was lost)';
    return { output: outcome.output, effectBy: 'this-run', evidence: `attempt ${last} started it and ${how}; the output is what the system reads back now` };
  }
  return {
    output: outcome.output,
    effectBy: 'before-this-run',
    evidence: 'no earlier attempt of this run reached the system (none is noted in the data folder); the output is what the system reads back now',
  };
}
