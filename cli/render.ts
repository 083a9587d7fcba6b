/**
 * Human-readable rendering of run state for the terminal. `--json` output bypasses this and prints
 * the RunState contract (common/run-state.ts) as is.
 */
import type { RunState, StepState } from '../common/run-state';

const STATUS_MARK: Record<StepState['status'], string> = {
  pending: '·',
  running: '▶',
  waiting: '…',
  succeeded: '✓',
  failed: '✗',
  skipped: '-',
  compensated: '↺',
};

export function renderRunState(state: RunState): string {
  const lines = [
    `${state.workflowId}`,
    `  runbook   ${state.runbook.id} v${state.runbook.version} — ${state.runbook.title}`,
    `  incident  ${state.incidentId}   mode ${state.mode}   requested by ${state.requestedBy}`,
    `  status    ${state.status}${state.failure ? ` (${state.failure.step ? `${state.failure.step}: ` : ''}${state.failure.message})` : ''}`,
    `  started   ${state.startedAt}${state.endedAt ? `   ended ${state.endedAt}` : ''}`,
    '',
    ...state.steps.map(renderStep),
  ];
  return lines.join('\n');
}

export function renderStep(step: StepState): string {
  const indent = step.parent ? '    ' : '  ';
  const what = step.action ?? step.kind;
  const detail = stepDetail(step);
  return `${indent}${STATUS_MARK[step.status]} ${step.id.padEnd(28)} ${step.status.padEnd(11)} ${what}${detail ? `  ${detail}` : ''}`;
}

function stepDetail(step: StepState): string {
  if (step.status === 'failed' && step.error) return step.error.message;
  if (step.status === 'skipped') return step.skippedBecause ?? '';
  if (step.approval && step.status === 'waiting') {
    const approvals = step.approval.decisions.filter((d) => d.decision === 'approve').length;
    return `${approvals} of ${step.approval.quorum} approvals from ${step.approval.approverGroups.join(', ')}: ${step.approval.summary}`;
  }
  if (step.wait && step.status === 'waiting') return `waiting for event ${step.wait.event}`;
  if (step.manual && step.status === 'waiting') return `task for ${step.manual.assignee ?? 'anyone'}: ${step.manual.task}`;
  if (step.compensation) return `compensated by ${step.compensation.action} (${step.compensation.status})`;
  if (step.actor) return `by ${step.actor}${step.alreadyDone ? ' (already done)' : ''}`;
  return '';
}
