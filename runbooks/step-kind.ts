/**
 * Which kind a runbook step is. Workflow-safe and zod-free: the workflow sandbox imports it, so it
 * must not pull in the schema (./schema.ts, zod and the action catalogue), which would then be
 * evaluated again for every run the worker keeps in its cache. Only types come from ./schema.ts.
 */
import type { RunbookBranchStep, RunbookStep } from './schema';

/** The keys that decide a step's kind, in the order the schema's union lists them. */
export const STEP_KINDS = ['action', 'approval', 'parallel', 'wait', 'manual', 'sleep', 'decision', 'end', 'foreach', 'observe', 'runbook', 'sequence', 'severity'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The kind of a validated step (exactly one kind key is present). */
export function stepKind(step: RunbookStep | RunbookBranchStep): StepKind {
  if ('action' in step) return 'action';
  if ('approval' in step) return 'approval';
  if ('parallel' in step) return 'parallel';
  if ('wait' in step) return 'wait';
  if ('sleep' in step) return 'sleep';
  if ('decision' in step) return 'decision';
  if ('end' in step) return 'end';
  if ('foreach' in step) return 'foreach';
  if ('observe' in step) return 'observe';
  if ('runbook' in step) return 'runbook';
  if ('sequence' in step) return 'sequence';
  if ('severity' in step) return 'severity';
  return 'manual';
}

/** Every step of a runbook in order, each parallel step followed by its branches and each foreach by its body. */
export function everyStep(steps: readonly RunbookStep[]): Array<RunbookStep | RunbookBranchStep> {
  const all: Array<RunbookStep | RunbookBranchStep> = [];
  for (const step of steps) {
    all.push(step);
    if ('parallel' in step) {
      for (const branch of step.parallel) {
        all.push(branch);
        if ('sequence' in branch) all.push(...branch.sequence);
      }
    }
    if ('foreach' in step) all.push(...step.foreach.steps);
    if ('sequence' in step) all.push(...step.sequence);
  }
  return all;
}
