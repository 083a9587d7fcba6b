/**
 * Decision steps in the drill report: for each, the question as asked, how it closed (answered,
 * defaulted by its timeout, timed out, still open, never reached), the option chosen and who gave
 * it, and every accepted answerDecision Update with the person the policy named, the form fields
 * and the reason. Read from the run's history: the Updates, and the final record in its close
 * event for what no event says (a default, when it was escalated).
 */
import type { ApprovalDecision, DecisionGateState } from '../../common/run-state';
import { gateQuorum } from '../../runbooks/approver-groups';
import type { DecisionStepSpec, Runbook } from '../../runbooks/schema';
import type { HistoryDrillClock } from './drill-time';
import { actorMoment } from './player-acts';
import type { AnswerFigure, DecisionFigure } from './report-decisions';
import { flattenSteps, stepOutcome, type PlayerAction, type RunFacts } from './run-facts';

/** The decision as last known: the final state's, else the one the latest answer returned. */
export function lastKnownDecision(run: RunFacts, stepId: string): DecisionGateState | undefined {
  const final = run.final?.state.steps.find((step) => step.id === stepId)?.decision;
  if (final) return final;
  const returned = run.playerActions.filter((action) => action.name === 'answerDecision' && action.stepId === stepId && action.completed?.result);
  return returned.length > 0 ? (returned[returned.length - 1]!.completed!.result as DecisionGateState) : undefined;
}

export function decisionFigures(ctx: { runbook: Runbook; clock: HistoryDrillClock }, run: RunFacts): DecisionFigure[] {
  return flattenSteps(ctx.runbook).flatMap((spec) => {
    if (!('decision' in spec)) return [];
    const gate = lastKnownDecision(run, spec.id);
    const outcome = stepOutcome(run, ctx.clock, spec.id);
    const reached = outcome.status !== 'pending' && outcome.status !== 'skipped' && (outcome.status !== 'unknown' || gate !== undefined);
    const closingRef = run.view.closing ? run.view.ref(run.view.closing) : undefined;
    const escalated = gate?.escalation?.at && closingRef ? ctx.clock.recordedMoment(gate.escalation.at, closingRef) : undefined;
    const chosen = gate?.chosen;
    const chosenLabel = chosen ? gate?.options.find((option) => option.id === chosen)?.label : undefined;
    const answers = run.playerActions.filter((action) => action.name === 'answerDecision' && action.stepId === spec.id).map((action) => answerFigure(action, { clock: ctx.clock, run }));
    const figure: DecisionFigure = {
      stepId: spec.id,
      question: gate?.question ?? spec.decision.question,
      quorum: gate?.quorum ?? quorumOf(spec),
      outcome: gate?.outcome ?? (reached ? 'open' : 'not-reached'),
      ...(chosen ? { chosen } : {}),
      ...(chosenLabel ? { chosenLabel } : {}),
      answeredBy: (gate?.decisions ?? []).filter((decision) => decision.decision === 'answer' && decision.option === chosen).map((decision) => decision.person ?? decision.actor),
      answers,
      ...(gate?.outcome && outcome.ended ? { closed: outcome.ended } : {}),
      ...(escalated ? { escalated } : {}),
    };
    return [figure];
  });
}

function quorumOf(spec: DecisionStepSpec): number {
  return gateQuorum({ approvers: spec.decision.deciders, ...(spec.decision.quorum !== undefined ? { quorum: spec.decision.quorum } : {}) });
}

function answerFigure(action: PlayerAction, ctx: { clock: HistoryDrillClock; run: RunFacts }): AnswerFigure {
  const request = (action.accepted.args[0] ?? {}) as { reason?: unknown };
  const after = action.completed?.result as DecisionGateState | undefined;
  // The Update returns the decision right after recording this answer: its last answer is this one.
  const recorded: ApprovalDecision | undefined = after?.decisions[after.decisions.length - 1];
  const reason = typeof request.reason === 'string' && request.reason !== '' ? request.reason : undefined;
  return {
    ...actorMoment(action, ctx),
    stepId: action.stepId ?? '',
    option: action.option ?? recorded?.option ?? 'unknown',
    ...(recorded?.person ? { person: recorded.person } : {}),
    ...(recorded?.fields && Object.keys(recorded.fields).length > 0 ? { fields: recorded.fields } : {}),
    ...(reason ? { reason } : {}),
  };
}
