/**
 * A player's act on a run (an accepted Update) as the report shows it, and who the approval
 * policy said that player was. Shared by the scorecard, the decision figures and the injects.
 */
import { samePerson } from '../../common/identity';
import type { GateMembershipState } from '../../common/run-state';
import type { HistoryDrillClock } from './drill-time';
import type { ActorMoment } from './report-base';
import type { PlayerAction, RunFacts } from './run-facts';

export function actorMoment(action: PlayerAction, ctx: { clock: HistoryDrillClock; run: RunFacts }): ActorMoment {
  return {
    ...ctx.clock.moment(action.accepted, ctx.run.view.ref(action.accepted)),
    actor: action.actor,
    ...(action.via ? { via: action.via } : {}),
    what: action.name,
    ...(action.stepId ? { stepId: action.stepId } : {}),
  };
}

/**
 * The person the policy named for this approval or answer, from the gate or decision the Update
 * returned. An answer is recorded as `answer` with its option, so it is matched as one: never
 * taken for an approval or a rejection by the same person on the same step.
 */
export function decisionPerson(action: PlayerAction): string | undefined {
  const gate = action.completed?.result as GateMembershipState | undefined;
  const kind = action.name === 'answerDecision' ? 'answer' : action.name === 'decideApproval' ? action.decision : undefined;
  if (!kind) return undefined;
  const recorded = gate?.decisions?.filter((candidate) => samePerson(candidate.actor, action.actor) && candidate.decision === kind && (kind !== 'answer' || candidate.option === action.option)).pop();
  return recorded?.person;
}
