/**
 * Runs as short mrkdwn text for `/quell status` and `/quell list`. Pure.
 */
import type { RunSummary } from '../client/list-runs';
import { isExercise } from '../common/exercise';
import type { RunState, StepState } from '../common/run-state';
import { EXERCISE_MARK_MRKDWN, EXERCISE_MRKDWN, stepStatusEmoji } from './blocks/format';
import { code, escape, truncate, when, who } from './text';

export function renderRunStatus(state: RunState): string {
  const mode = isExercise(state.mode) ? '  ·  tabletop' : '';
  const lines = [
    // A tabletop run's status opens with the exercise banner; a live run's has none.
    ...(isExercise(state.mode) ? [EXERCISE_MRKDWN] : []),
    `*${escape(state.runbook.title)}*  ·  incident ${code(state.incidentId)}${mode}`,
    `${code(state.workflowId)}  ·  *${statusText(state.status, state.outcome?.name)}*  ·  requested by ${who(state.requestedBy)}, ${when(state.startedAt)}${state.endedAt ? `  ·  ended ${when(state.endedAt)}` : ''}`,
  ];
  for (const step of state.steps) lines.push(`${step.parent ? '      ' : ''}${stepStatusEmoji(step.status)} ${escape(step.title ?? step.id)}: ${step.status}${stepDetail(step)}`);
  if (state.cancel) lines.push(`:octagonal_sign: cancelled by ${who(state.cancel.actor)}: “${escape(state.cancel.reason)}”`);
  if (state.failure) lines.push(`:x: ${state.failure.step ? `${escape(state.failure.step)}: ` : ''}${escape(state.failure.message)}`);
  if (state.outcome?.summary) lines.push(`:checkered_flag: ${escape(state.outcome.name)}: “${escape(state.outcome.summary)}”`);
  return truncate(lines.join('\n'), 3800);
}

/** A run's status, with the outcome an `end` step gave it: `completed: false-positive`. */
function statusText(status: string, outcome: string | undefined): string {
  return outcome ? `${status}: ${escape(outcome)}` : status;
}

function stepDetail(step: StepState): string {
  if (step.approval && step.status === 'waiting') {
    const approvals = step.approval.decisions.filter((decision) => decision.decision === 'approve').length;
    return ` (${approvals} of ${step.approval.quorum} approvals from ${escape(step.approval.approverGroups.join(', '))}, until ${when(step.approval.deadline)})`;
  }
  if (step.wait && step.status === 'waiting') return ` (for event ${code(step.wait.event)})`;
  if (step.manual && step.status === 'waiting') return ` (${escape(truncate(step.manual.task, 200))})`;
  if (step.decision && step.status === 'waiting') {
    const gate = step.decision;
    return ` (“${escape(truncate(gate.question, 200))}”: ${gate.decisions.length} answer${gate.decisions.length === 1 ? '' : 's'}, ${gate.quorum} for one option decide${gate.quorum === 1 ? 's' : ''}, until ${when(gate.deadline)})`;
  }
  if (step.decision?.chosen !== undefined && step.status === 'succeeded') {
    const chosen = step.decision.options.find((option) => option.id === step.decision?.chosen)?.label ?? step.decision.chosen;
    return step.decision.outcome === 'defaulted' ? `: ${escape(chosen)}, chosen by default` : `: ${escape(chosen)}${step.actor ? ` by ${who(step.actor)}` : ''}`;
  }
  if (step.actor) return ` by ${who(step.actor)}`;
  return '';
}

export function renderRunList(runs: RunSummary[], heading: string): string {
  if (runs.length === 0) return `${heading}: none.`;
  const lines = runs.map((run) => {
    const mode = isExercise(run.mode) ? ` · ${EXERCISE_MARK_MRKDWN} (tabletop)` : '';
    const requester = run.requestedBy ? ` · by ${who(run.requestedBy)}` : '';
    return `• ${code(run.workflowId)} · *${statusText(run.status ?? run.execution.toLowerCase(), run.outcome)}*${mode}${requester} · ${when(run.startedAt)}`;
  });
  return truncate(`${heading}:\n${lines.join('\n')}`, 3800);
}
