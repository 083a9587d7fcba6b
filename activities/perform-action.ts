/**
 * The one code path every action activity takes: validate the evaluated parameters against the
 * catalogue, choose the action performer for the run's mode, keep the activity heartbeating, note
 * each live attempt durably (./effects/intent-notes.ts), mark an effect a retry finds already in
 * place (./effects/retry-provenance.ts), and classify failures. A live run never falls back to the
 * tabletop simulator.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { ActionName } from '../common/actions';
import { actionWithSchema } from '../connectors/with-schemas';
import { ErrorType } from '../common/errors';
import type { ActionRequest, ActionResult } from './action-request';
import type { ActivityDeps } from './deps';
import type { ActionOutcome } from '../connectors/action-context';
import type { ActionPerformer } from './action-performer';
import type { AttemptOf, IntentNotes } from './effects/intent-notes';
import { markFoundOnRetry, type EarlierEvidence } from './effects/retry-provenance';
import { TabletopSimulator } from './tabletop/simulator';
import { checkOutputShape, outputShapesEnforced } from './output-shape';

// Well inside the activity profile's heartbeat timeout (workflows/activity-options.ts): a worker that
// dies mid-action is noticed within that timeout, so the retry starts a few seconds later.
const HEARTBEAT_EVERY_MS = 1_000;

export type ActionActivity = (request: ActionRequest) => Promise<ActionResult>;

export function createActionActivity(action: ActionName, deps: ActivityDeps): ActionActivity {
  const tabletop = new TabletopSimulator(deps.effectJournal, deps.tabletopLatencyMs ?? 0, deps.approvers);
  const enforceOutputShape = outputShapesEnforced();

  return async function performAction(request: ActionRequest): Promise<ActionResult> {
    const activity = Context.current();
    const attempt = activity.info.attempt;
    const log = deps.logger.child({
      workflowId: request.workflowId,
      runId: request.runId,
      stepId: request.stepId,
      action,
      purpose: request.purpose,
      attempt,
    });

    const parsed = actionWithSchema(action).safeParse(request.params);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'with'}: ${issue.message}`).join('; ');
      throw ApplicationFailure.nonRetryable(
        `step ${request.stepId}: invalid parameters for ${action}: ${problems}`,
        ErrorType.InvalidInput,
        { stepId: request.stepId, action },
      );
    }

    if (request.drillFault) failOnPurpose(request, request.drillFault, attempt);
    const performer = choosePerformer(action, request, deps, tabletop);
    // Notes are for live effects only: a tabletop effect's durable record is the effect journal.
    const notes = request.mode === 'live' ? new AttemptNotes(deps.intentNotes, attemptOf(action, request, attempt), log) : undefined;
    const beat = setInterval(() => activity.heartbeat(), HEARTBEAT_EVERY_MS);
    try {
      const earlier = attempt > 1 && notes ? await notes.earlier() : undefined;
      await notes?.started();
      let outcome: ActionOutcome;
      try {
        outcome = await performer.perform(action, parsed.data as Record<string, unknown>, {
          workflowId: request.workflowId,
          runId: request.runId,
          stepId: request.stepId,
          mode: request.mode,
          idempotencyKey: request.idempotencyKey,
          heartbeat: (details) => activity.heartbeat(details),
        });
      } catch (error) {
        await notes?.failed(error);
        throw error;
      }
      if (attempt > 1 && outcome.alreadyDone) {
        outcome = markFoundOnRetry(outcome, attempt, request.mode, earlier ?? { missing: 'not-kept' });
        log.info({ effectBy: outcome.output.effect_by, evidence: outcome.output.effect_evidence }, 'action found its effect in place on a retry');
      }
      checkOutputShape(action, performer.name, outcome.output, { enforce: enforceOutputShape, log, stepId: request.stepId });
      await notes?.finished(outcome);
      log.info({ performer: performer.name, alreadyDone: outcome.alreadyDone }, 'action finished');
      return { output: outcome.output, alreadyDone: outcome.alreadyDone, provider: performer.name };
    } catch (error) {
      log.warn({ err: error }, 'action failed');
      throw error;
    } finally {
      clearInterval(beat);
    }
  };
}

/**
 * A drill's fault inject: the attempt fails before anything is performed. Only a tabletop run may
 * carry one; anywhere else it is refused outright rather than ignored.
 */
function failOnPurpose(request: ActionRequest, fault: NonNullable<ActionRequest['drillFault']>, attempt: number): void {
  if (request.mode !== 'tabletop') {
    throw ApplicationFailure.nonRetryable(`step ${request.stepId}: a drill fault reached a ${request.mode} run; refused`, ErrorType.DrillFaultInLiveRun, { stepId: request.stepId });
  }
  if (attempt <= fault.failAttempts) {
    throw ApplicationFailure.retryable(
      `drill fault (inject ${fault.injectId}): attempt ${attempt} of ${fault.failAttempts} fails on purpose`,
      ErrorType.DrillFault,
      { stepId: request.stepId, injectId: fault.injectId },
    );
  }
}

function choosePerformer(action: ActionName, request: ActionRequest, deps: ActivityDeps, tabletop: ActionPerformer): ActionPerformer {
  if (request.mode === 'tabletop') return tabletop;
  const live = deps.live.actions[action];
  if (!live) {
    throw ApplicationFailure.nonRetryable(
      `step ${request.stepId}: no live action is configured for ${action} on this worker; refusing to simulate a live action`,
      ErrorType.NotConfigured,
      { stepId: request.stepId, action },
    );
  }
  return live;
}

function attemptOf(action: ActionName, request: ActionRequest, attempt: number): AttemptOf {
  const { idempotencyKey, workflowId, runId, stepId, purpose } = request;
  return { idempotencyKey, workflowId, runId, stepId, action, purpose, attempt };
}

/**
 * One live attempt's notes. A note that cannot be written or read is logged and skipped: the
 * notes only explain a retry, and containment must not wait on a full disk. A retry after a lost
 * note says so (`effect_by: unknown` or a weaker conclusion), never more than the notes show.
 */
class AttemptNotes {
  constructor(
    private readonly notes: IntentNotes | undefined,
    private readonly attempt: AttemptOf,
    private readonly log: Logger,
  ) {}

  async earlier(): Promise<EarlierEvidence> {
    if (!this.notes) return { missing: 'not-kept' };
    try {
      return { notes: await this.notes.earlier(this.attempt.idempotencyKey, this.attempt.attempt) };
    } catch (error) {
      this.log.warn({ err: error }, 'could not read the notes of earlier attempts');
      return { missing: 'unreadable' };
    }
  }

  started(): Promise<void> {
    return this.write('started', (notes) => notes.started(this.attempt));
  }

  finished(outcome: ActionOutcome): Promise<void> {
    return this.write('finished', (notes) => notes.finished(this.attempt, outcome));
  }

  failed(error: unknown): Promise<void> {
    return this.write('failed', (notes) => notes.failed(this.attempt, errorTypeOf(error)));
  }

  private async write(what: string, append: (notes: IntentNotes) => Promise<void>): Promise<void> {
    if (!this.notes) return;
    try {
      await append(this.notes);
    } catch (error) {
      this.log.warn({ err: error, note: what }, 'could not write an intent note; a retry will know less about this attempt');
    }
  }
}

/** A failure's type for the notes: the classified type, else the error's name (never its message). */
function errorTypeOf(error: unknown): string {
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && type.length > 0) return type;
  return error instanceof Error ? error.name : typeof error;
}
