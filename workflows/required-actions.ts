/**
 * Lists every action a run may need (steps, compensations, and the notifications that reminders
 * and escalations send), with the steps that need each: the live-readiness check asks the worker
 * about all of them before the first step runs.
 *
 * Workflow-safe.
 */
import type { LiveReadinessRequest } from '../activities/action-request';
import type { ActionName } from '../common/actions';
import type { Runbook, RunbookBranchStep, RunbookStep } from '../runbooks/schema';

export function requiredActions(runbook: Runbook): LiveReadinessRequest['actions'] {
  const byAction = new Map<ActionName, string[]>();
  const need = (action: ActionName, stepId: string) => {
    const steps = byAction.get(action) ?? [];
    if (!steps.includes(stepId)) steps.push(stepId);
    byAction.set(action, steps);
  };
  const visit = (step: RunbookStep | RunbookBranchStep) => {
    if ('action' in step) {
      need(step.action, step.id);
      if (step.compensate) need(step.compensate.action, step.id);
    } else if ('parallel' in step) {
      step.parallel.forEach(visit);
    } else if ('approval' in step && step.approval.on_timeout === 'escalate') {
      need('notify', step.id);
    } else if ('wait' in step && step.wait.remind_every) {
      need('notify', step.id);
    }
  };
  runbook.steps.forEach(visit);
  return [...byAction.entries()].map(([action, steps]) => ({ action, steps }));
}
