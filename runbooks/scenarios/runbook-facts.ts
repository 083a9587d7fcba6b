/**
 * What a scenario may refer to in its runbook: step ids (branches included), the actions it calls
 * (compensations included: a fault there exercises undo), the events its wait steps wait for,
 * the approver groups its gates name, and the targets it sets. Workflow-safe: pure functions.
 */
import type { Runbook, RunbookBranchStep, RunbookStep } from '../schema';
import { TARGET_NAMES } from './schema';
import { approverGroupsOf } from '../approver-groups';
import { everyStep } from '../step-kind';

export interface RunbookFacts {
  stepIds: string[];
  actions: string[];
  events: string[];
  approverGroups: string[];
  targets: string[];
}

function allSteps(runbook: Runbook): Array<RunbookStep | RunbookBranchStep> {
  return everyStep(runbook.steps);
}

const unique = (values: string[]): string[] => [...new Set(values)];

export function runbookFacts(runbook: Runbook): RunbookFacts {
  const steps = allSteps(runbook);
  return {
    stepIds: steps.map((step) => step.id),
    actions: unique(steps.flatMap((step) => ('action' in step ? [step.action, ...(step.compensate ? [step.compensate.action] : [])] : []))),
    events: unique(steps.flatMap((step) => ('wait' in step ? [step.wait.event] : []))),
    approverGroups: unique(steps.flatMap((step) => ('approval' in step ? [...approverGroupsOf(step.approval), ...(step.approval.escalate_to ?? [])] : []))),
    targets: TARGET_NAMES.filter((name) => runbook.targets?.[name] !== undefined),
  };
}
