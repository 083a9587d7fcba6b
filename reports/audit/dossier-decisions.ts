/**
 * The dossier's decision-step entries: for each `decision` step of the runbook, the question as
 * it was asked (with its hash), the options and form, the deciders and quorum, every answer (each
 * an accepted `answerDecision` Update, cited by its accepted and completed events) and how it
 * closed. An answer records the option a person chose: it is never an approval or a rejection,
 * so it has its own entry rather than sitting among the approval decisions.
 *
 * The answers come from the Update events; what no event says (when the question was asked, a
 * default chosen by the timeout) from the run's final record in its close event.
 */
import type { ApprovalDecision, DecisionGateState, StepState } from '../../common/run-state';
import { approverGroupsOf, gateQuorum, groupQuorumOf } from '../../runbooks/approver-groups';
import type { DecisionStepSpec } from '../../runbooks/schema';
import { flattenSteps, type PlayerAction, type RunFacts } from '../drill/run-facts';
import type { AnswerEntryData, DecisionStepEntryData } from './dossier-types';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function decisionStepEntries(run: RunFacts): DecisionStepEntryData[] {
  const states = new Map<string, StepState>((run.final?.state.steps ?? []).map((state) => [state.id, state]));
  return flattenSteps(run.input?.runbook)
    .filter((step): step is DecisionStepSpec => 'decision' in step)
    .map((step) => decisionStepEntry(run, step, states.get(step.id)));
}

function decisionStepEntry(run: RunFacts, step: DecisionStepSpec, state: StepState | undefined): DecisionStepEntryData {
  const actions = run.playerActions.filter((action) => action.name === 'answerDecision' && action.stepId === step.id);
  const returned = actions.map((action) => action.completed?.result as DecisionGateState | undefined).filter((gate): gate is DecisionGateState => gate !== undefined);
  // The decision as last known: the final record's, else what the latest answer returned.
  const gate = state?.decision ?? returned[returned.length - 1];
  const spec = step.decision;
  const options = gate?.options ?? Object.entries(spec.options).map(([id, label]) => ({ id, label }));
  const groupQuorum = gate?.groupQuorum ?? groupQuorumOf({ approvers: spec.deciders });
  const reached = state ? state.status !== 'pending' && state.status !== 'skipped' : gate !== undefined;
  const outcome = gate?.outcome ?? (reached ? 'open' : 'not reached');
  const chosen = gate?.chosen;
  const chosenLabel = chosen ? options.find((option) => option.id === chosen)?.label : undefined;
  const chosenBy = (gate?.decisions ?? []).filter((decision) => decision.decision === 'answer' && decision.option === chosen).map((decision) => decision.person ?? decision.actor);
  const closedAt = gate?.outcome ? (state?.endedAt ?? closingAnswerAt(actions)) : undefined;
  return {
    stepId: step.id,
    ...(step.title ? { title: step.title } : {}),
    question: gate?.question ?? spec.question,
    ...(gate?.questionSha256 ? { questionSha256: gate.questionSha256 } : {}),
    options,
    fields: gate?.fields.map((field) => ({ name: field.name, type: field.type, required: field.required, ...(field.enum ? { enum: field.enum } : {}) })) ?? declaredFields(spec),
    deciders: gate?.approverGroups ?? approverGroupsOf({ approvers: spec.deciders }),
    quorum: gate?.quorum ?? gateQuorum({ approvers: spec.deciders, ...(spec.quorum !== undefined ? { quorum: spec.quorum } : {}) }),
    ...(groupQuorum ? { groupQuorum } : {}),
    ...(gate?.policy ? { policy: gate.policy } : {}),
    ...(state?.startedAt ? { askedAt: state.startedAt } : {}),
    ...(closedAt ? { closedAt } : {}),
    outcome,
    ...(chosen ? { chosen } : {}),
    ...(chosenLabel ? { chosenLabel } : {}),
    chosenBy,
    escalated: gate?.escalated ?? false,
    answers: actions.map((action) => answerEntry(action, gate)),
  };
}

/** The time of the answer whose Update closed the decision, when one did. */
function closingAnswerAt(actions: PlayerAction[]): string | undefined {
  const closing = actions.find((action) => (action.completed?.result as DecisionGateState | undefined)?.outcome);
  return closing?.completed?.at;
}

function declaredFields(spec: DecisionStepSpec['decision']): DecisionStepEntryData['fields'] {
  return Object.entries(spec.fields ?? {}).map(([name, field]) => ({ name, type: field.type, required: field.required ?? false, ...(field.enum ? { enum: [...field.enum] } : {}) }));
}

function answerEntry(action: PlayerAction, gate: DecisionGateState | undefined): AnswerEntryData {
  const request = (action.accepted.args[0] ?? {}) as Record<string, unknown>;
  const after = action.completed?.result as DecisionGateState | undefined;
  // The Update returns the decision right after recording this answer: its last answer is this one.
  const recorded: ApprovalDecision | undefined = after?.decisions[after.decisions.length - 1];
  const quoted = text(request.questionSha256)?.trim().toLowerCase();
  const asked = after?.questionSha256 ?? gate?.questionSha256;
  const fields = recorded?.fields ?? (request.fields && typeof request.fields === 'object' ? (request.fields as Record<string, unknown>) : undefined);
  const reason = text(request.reason);
  const option = action.option ?? recorded?.option ?? 'unknown';
  return {
    actor: action.actor,
    ...(recorded?.person ? { person: recorded.person } : {}),
    surface: action.via ?? 'unknown',
    at: recorded?.at ?? action.accepted.at,
    option,
    ...(fields && Object.keys(fields).length > 0 ? { fields } : {}),
    ...(reason ? { reason } : {}),
    ...(quoted ? { questionSha256: quoted } : {}),
    ...(quoted && asked ? { questionMatchesDecision: quoted === asked } : {}),
    decisionAfter: after ? (after.outcome ? `${after.outcome}: ${after.chosen ?? option}` : `open (${tally(after)})`) : 'not recorded',
    acceptedEventId: action.accepted.id,
    ...(action.completed ? { completedEventId: action.completed.id } : {}),
  };
}

/** `1 of 2 for confirmed`: the leading option's answers against the quorum. */
function tally(gate: DecisionGateState): string {
  const counts = new Map<string, number>();
  for (const decision of gate.decisions) if (decision.option) counts.set(decision.option, (counts.get(decision.option) ?? 0) + 1);
  const [leading, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
  return `${count} of ${gate.quorum} for ${leading}`;
}
