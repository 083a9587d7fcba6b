/**
 * What the root message adds for the run's structure: a loop's progress (its items are counted
 * on the loop's line, not listed one by one), an observation window's checks and how it ended, a
 * sub-runbook step's child run, the run's severity once re-graded, and, on a child run, the run
 * that started it.
 *
 * These views change when the old ones did not (a window's check, an item's step), so a run that
 * started before them must not see them: the publisher shows them only under
 * SLACK_STRUCTURE_PATCH, and only asks for it in runs that have something to show. Every other
 * run's root message is exactly what it was.
 *
 * Workflow-safe: types and common/ only.
 */
import type { RootView, StepLineView } from '../common/publisher-view';
import type { RunState, StepState } from '../common/run-state';
import type { RunbookBranchStep, RunbookStep } from '../runbooks/schema';
import type { RunRunbookInput } from './input';

/** The patch under which the root message shows loops, windows, child runs, severity and the parent run. */
export const SLACK_STRUCTURE_PATCH = 'slack-run-structure';

/** Whether the run has anything these views show: a loop, a window, a sub-runbook or a severity step anywhere, or a parent run. */
export function runShowsStructure(input: RunRunbookInput): boolean {
  const shows = (step: RunbookStep | RunbookBranchStep) => 'foreach' in step || 'observe' in step || 'runbook' in step || 'severity' in step;
  const within = (step: RunbookStep | RunbookBranchStep): boolean => shows(step) || ('sequence' in step && step.sequence.some(shows));
  return input.parent !== undefined || input.runbook.steps.some((step) => within(step) || ('parallel' in step && step.parallel.some(within)));
}

/** A loop's item steps are not lines of their own: the loop's line counts them. */
export function listedInRoot(step: StepState): boolean {
  return step.item === undefined;
}

/** What a loop's, a window's or a sub-runbook's line adds. */
export function structureLine(step: StepState): Partial<StepLineView> {
  const line: Partial<StepLineView> = {};
  if (step.foreach) {
    const count = (status: string) => step.foreach?.items.filter((item) => item.status === status).length ?? 0;
    line.items = { total: step.foreach.items.length, done: count('succeeded'), failed: count('failed'), skipped: count('skipped') };
  }
  if (step.observe) line.checks = { count: step.observe.checks, ...(step.observe.outcome ? { outcome: step.observe.outcome } : {}) };
  if (step.child) {
    line.child = {
      workflowId: step.child.workflowId,
      ...(step.child.status ? { status: step.child.status } : {}),
      ...(step.child.outcome ? { outcome: step.child.outcome } : {}),
    };
  }
  return line;
}

/** What the root adds: the severity once it changed (and what it was before), and the run that started this one. */
export function structureRoot(state: RunState): Partial<RootView> {
  const changes = state.severity?.changes ?? [];
  const last = changes[changes.length - 1];
  return {
    ...(state.severity && last ? { severity: { current: state.severity.current, was: last.from } } : {}),
    ...(state.parent ? { parent: { workflowId: state.parent.workflowId, stepId: state.parent.stepId } } : {}),
  };
}
