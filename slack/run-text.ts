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
    `${code(state.workflowId)}  ·  *${state.status}*  ·  requested by ${who(state.requestedBy)}, ${when(state.startedAt)}${state.endedAt ? `  ·  ended ${when(state.endedAt)}` : ''}`,
  ];
  for (const step of state.steps) lines.push(`${step.parent ? '      ' : ''}${stepStatusEmoji(step.status)} ${escape(step.title ?? step.id)}: ${step.status}${stepDetail(step)}`);
  if (state.cancel) lines.push(`:octagonal_sign: cancelled by ${who(state.cancel.actor)}: “${escape(state.cancel.reason)}”`);
  if (state.failure) lines.push(`:x: ${state.failure.step ? `${escape(state.failure.step)}: ` : ''}${escape(state.failure.message)}`);
  return truncate(lines.join('\n'), 3800);
}

function stepDetail(step: StepState): string {
  if (step.approval && step.status === 'waiting') {
    const approvals = step.approval.decisions.filter((decision) => decision.decision === 'approve').length;
    return ` (${approvals} of ${step.approval.quorum} approvals from ${escape(step.approval.approverGroups.join(', '))}, until ${when(step.approval.deadline)})`;
  }
  if (step.wait && step.status === 'waiting') return ` (for event ${code(step.wait.event)})`;
  if (step.manual && step.status === 'waiting') return ` (${escape(truncate(step.manual.task, 200))})`;
  if (step.actor) return ` by ${who(step.actor)}`;
  return '';
}

export function renderRunList(runs: RunSummary[], heading: string): string {
  if (runs.length === 0) return `${heading}: none.`;
  const lines = runs.map((run) => {
    const mode = isExercise(run.mode) ? ` · ${EXERCISE_MARK_MRKDWN} (tabletop)` : '';
    const requester = run.requestedBy ? ` · by ${who(run.requestedBy)}` : '';
    return `• ${code(run.workflowId)} · *${run.status ?? run.execution.toLowerCase()}*${mode}${requester} · ${when(run.startedAt)}`;
  });
  return truncate(`${heading}:\n${lines.join('\n')}`, 3800);
}
