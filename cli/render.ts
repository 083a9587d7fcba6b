/**
 * Human-readable rendering of run state for the terminal. `--json` output bypasses this and prints
 * the RunState contract (common/run-state.ts) as is.
 *
 * Each rendered line is made safe as a whole (cli/display.ts): values people gave (actors,
 * reasons, inputs inside summaries) cannot break a line or carry escape sequences, so every line
 * on screen is one Quell wrote.
 *
 * A tabletop run is an exercise and says so (common/exercise.ts): its state opens with the
 * banner, its progress lines and the start line carry the mark. A live run's carry neither.
 */
import { EXERCISE_BANNER, isExercise, withExerciseBanner, withExerciseMark } from '../common/exercise';
import { ownValue } from '../common/own';
import type { RunMode, RunState, StepState } from '../common/run-state';
import { shownLine } from './display';
import { groupProgress } from '../workflows/steps/group-quorum';

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
    ...(isExercise(state.mode) ? [`*** ${EXERCISE_BANNER} ***`] : []),
    `${state.workflowId}`,
    `  runbook   ${state.runbook.id} v${state.runbook.version} — ${state.runbook.title}`,
    `  incident  ${state.incidentId}   mode ${state.mode}   requested by ${state.requestedBy}${state.severity ? `   severity ${state.severity.current} (was ${state.severity.changes[0]!.from})` : ''}`,
    ...(state.parent ? [`  started by ${state.parent.workflowId} (step ${state.parent.stepId})`] : []),
    `  status    ${statusText(state)}`,
    `  started   ${state.startedAt}${state.endedAt ? `   ended ${state.endedAt}` : ''}`,
    '',
  ].map(shownLine);
  return [...lines, ...state.steps.flatMap((step) => [renderStep(step), ...renderGate(step)])].join('\n');
}

/** `completed: false-positive (closed as noise)`, `failed (step: why)`, or the bare status. */
export function statusText(state: Pick<RunState, 'status' | 'failure' | 'outcome'>): string {
  if (state.outcome) return `${state.status}: ${state.outcome.name}${state.outcome.summary ? ` (${state.outcome.summary})` : ''}`;
  if (state.failure) return `${state.status} (${state.failure.step ? `${state.failure.step}: ` : ''}${state.failure.message})`;
  return state.status;
}

/** The line `quell start` prints for a run it started. */
export function renderStarted(workflowId: string, mode: RunMode): string {
  return shownLine(withExerciseBanner(mode, `started ${workflowId}`));
}

/** One `--wait` progress line: the step as {@link renderStep} shows it, marked for an exercise. */
export function renderProgress(mode: RunMode, step: StepState): string {
  return withExerciseMark(mode, renderStep(step));
}

export function renderStep(step: StepState): string {
  const indent = step.parent ? '    ' : '  ';
  const what = step.action ?? step.kind;
  const detail = stepDetail(step);
  return shownLine(`${indent}${ownValue(STATUS_MARK, step.status) ?? '?'} ${step.id.padEnd(28)} ${step.status.padEnd(11)} ${what}${detail ? `  ${detail}` : ''}`);
}

/**
 * Under a waiting approval gate or decision: who may decide (the policy as the workflow enforces
 * it), who already did, the deadline, and what an operator must fix about membership.
 */
export function renderGate(step: StepState): string[] {
  const gate = step.approval ?? step.decision;
  if (!gate || step.status !== 'waiting') return [];
  const pad = step.parent ? '        ' : '      ';
  const lines: string[] = [];
  if (gate.policy === undefined) lines.push('who may decide: not known yet (membership is being resolved; decisions are refused until then)');
  else if (gate.policy === 'open') lines.push(`who may decide: anyone named${gate.requesterMayDecide ? '' : ' but the requester'} (open policy: no approvers file)`);
  else {
    const people = (gate.eligible ?? []).map((entry) => `${entry.person} (${entry.groups.join(', ')})`);
    lines.push(`who may decide: ${people.length > 0 ? people.join(', ') : 'nobody'}   as of ${gate.membershipResolvedAt ?? '?'}`);
  }
  for (const decision of gate.decisions) {
    const who = decision.person && decision.person !== decision.actor ? `${decision.actor} (${decision.person})` : decision.actor;
    const what = decision.decision === 'answer' ? `answered ${decision.option ?? '?'}` : `${decision.decision}d`;
    lines.push(`${what} by ${who} via ${decision.via} at ${decision.at}${decision.reason ? `: ${decision.reason}` : ''}`);
  }
  if (step.decision) {
    lines.push(`options: ${step.decision.options.map((option) => `${option.id} (${option.label})`).join(', ')}   answer with: quell answer <run> ${step.id} <option>`);
    for (const field of step.decision.fields) {
      lines.push(`field ${field.name}: ${field.type}${field.enum ? ` one of ${field.enum.join(', ')}` : ''}${field.required ? ', required' : ''}${field.description ? ` — ${field.description}` : ''}`);
    }
  }
  const hash = step.approval ? `summary sha256 ${step.approval.summarySha256}` : `question sha256 ${step.decision?.questionSha256 ?? '?'}`;
  lines.push(`deadline ${gate.deadline}${gate.escalated ? `   escalated to ${gate.escalation?.groups.join(', ') ?? 'the escalation groups'}` : ''}   ${hash}`);
  for (const group of gate.unknownGroups ?? []) lines.push(`problem: group ${group} is not defined in the approvers file`);
  for (const problem of gate.membershipProblems ?? []) lines.push(`problem: ${problem}`);
  return lines.map((line) => shownLine(`${pad}${line}`));
}

function stepDetail(step: StepState): string {
  if (step.status === 'failed' && step.error) return step.error.message;
  if (step.status === 'skipped') return step.skippedBecause ?? '';
  if (step.approval && step.status === 'waiting') {
    const approvals = step.approval.decisions.filter((d) => d.decision === 'approve').length;
    const perGroup = groupProgress(step.approval);
    const from = perGroup ? perGroup.map((item) => `${item.group} ${item.filled}/${item.needed}`).join(', ') : step.approval.approverGroups.join(', ');
    return `${approvals} of ${step.approval.quorum} approvals from ${from}: ${step.approval.summary}`;
  }
  if (step.decision && step.status === 'waiting') return `${decisionProgress(step.decision)}: ${step.decision.question}`;
  if (step.decision?.chosen && step.status === 'succeeded') {
    return `${step.decision.chosen}${step.decision.outcome === 'defaulted' ? ' (by default: nobody answered)' : ` by ${step.actor ?? '?'}`}`;
  }
  if (step.child) return `child run ${step.child.workflowId} (${step.child.runbookId} v${step.child.version})${step.child.status ? `: ${step.child.status}${step.child.outcome ? `: ${step.child.outcome}` : ''}` : ''}`;
  if (step.foreach && step.status === 'running') {
    const done = step.foreach.items.filter((item) => item.status === 'succeeded' || item.status === 'failed').length;
    return `${done} of ${step.foreach.items.length} items done, ${step.foreach.concurrency} at a time`;
  }
  if (step.observe && step.status === 'running') return `${step.observe.checks} checks of ${step.observe.action} so far, window ends ${step.observe.endsAt}`;
  if (step.observe?.outcome) return `${step.observe.outcome} after ${step.observe.checks} checks`;
  if (step.wait && step.status === 'waiting') return `waiting for event ${step.wait.event}`;
  if (step.manual && step.status === 'waiting') return `task for ${step.manual.assignee ?? 'anyone'}: ${step.manual.task}`;
  if (step.compensation) return `compensated by ${step.compensation.action} (${step.compensation.status})`;
  if (step.actor) return `by ${step.actor}${step.alreadyDone ? ' (already done)' : ''}`;
  return '';
}

/** `1 of 2 for confirmed from security-oncall`, or per group when the decision counts per group. */
function decisionProgress(decision: NonNullable<StepState['decision']>): string {
  const counts = decision.options
    .map((option) => ({ option: option.id, count: decision.decisions.filter((d) => d.option === option.id).length }))
    .filter((entry) => entry.count > 0);
  const answered = counts.length > 0 ? counts.map((entry) => `${entry.count} for ${entry.option}`).join(', ') : 'no answer yet';
  return `${answered} (quorum ${decision.quorum}) from ${decision.approverGroups.join(', ')}`;
}
