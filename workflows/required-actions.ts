/**
 * Lists every action a run may perform (steps, compensations, and the notifications reminders and
 * escalations send), each with its `with` block evaluated as far as it can be before the run
 * starts: inputs and `run.*` are known, step outputs are not (values that read them stay
 * unresolved); and the approver groups its gates name. The live-readiness check asks the worker
 * about all of them before the first step, so a run that would stop half-way for lack of a
 * connector, or whose approvals could not be enforced, is refused up front.
 *
 * Workflow-safe.
 */
import type { LiveReadinessRequest, LiveRequirement } from '../activities/action-request';
import type { ActionName } from '../common/actions';
import { isTruthy, renderTemplate, templateReferences, type TemplateContext } from '../common/expression';
import type { Runbook, RunbookBranchStep, RunbookStep } from '../runbooks/schema';
import { approverGroupsOf } from '../runbooks/approver-groups';

/** Known before the run: what templates may read at start. */
export interface StartScope {
  inputs: Record<string, unknown>;
  run: Record<string, unknown>;
}

export function requiredActions(runbook: Runbook, scope: StartScope = { inputs: {}, run: {} }): LiveReadinessRequest {
  const requirements: LiveRequirement[] = [];
  // Gates need their groups defined in the approvers file, or the policy could not be enforced.
  const approvals: NonNullable<LiveReadinessRequest['approvals']> = [];
  const context: TemplateContext = { inputs: scope.inputs, steps: {}, run: scope.run };
  const need = (action: ActionName, stepId: string, purpose: LiveRequirement['purpose'], params: Record<string, unknown>) => {
    requirements.push({ action, stepId, purpose, params: resolveKnown(params, context) as Record<string, unknown> });
  };
  const visit = (step: RunbookStep | RunbookBranchStep) => {
    // A step the inputs already rule out (`when` false) needs nothing: a run without a vendor is
    // not refused for want of a vendor connector.
    if (step.when !== undefined && resolveKnown(step.when, context) !== undefined && !isTruthy(resolveKnown(step.when, context))) return;
    if ('action' in step) {
      need(step.action, step.id, 'perform', step.with ?? {});
      if (step.compensate) need(step.compensate.action, step.id, 'compensate', step.compensate.with ?? {});
    } else if ('parallel' in step) {
      step.parallel.forEach(visit);
    } else if ('observe' in step) {
      need(step.observe.check.action, step.id, 'perform', step.observe.check.with ?? {});
    } else if ('foreach' in step) {
      step.foreach.steps.forEach(visit);
    } else if ('sequence' in step) {
      step.sequence.forEach(visit);
    } else if ('approval' in step) {
      approvals.push({ stepId: step.id, groups: [...new Set([...approverGroupsOf(step.approval), ...(step.approval.escalate_to ?? [])])] });
      if (step.approval.on_timeout === 'escalate') need('notify', step.id, 'notify', { to: step.approval.escalate_to, message: 'escalation' });
    } else if ('decision' in step) {
      const { deciders, escalate_to } = step.decision;
      approvals.push({ stepId: step.id, groups: [...new Set([...approverGroupsOf({ approvers: deciders }), ...(escalate_to ?? [])])] });
      if (step.decision.on_timeout === 'escalate') need('notify', step.id, 'notify', { to: escalate_to, message: 'escalation' });
    } else if ('wait' in step && step.wait.remind_every) {
      need('notify', step.id, 'notify', { message: 'reminder' });
    }
  };
  runbook.steps.forEach(visit);
  return { actions: summarise(requirements), requirements, approvals };
}

/** Actions with the steps that use them, for messages. */
function summarise(requirements: LiveRequirement[]): LiveReadinessRequest['actions'] {
  const byAction = new Map<ActionName, string[]>();
  for (const { action, stepId } of requirements) {
    const steps = byAction.get(action) ?? [];
    if (!steps.includes(stepId)) steps.push(stepId);
    byAction.set(action, steps);
  }
  return [...byAction.entries()].map(([action, steps]) => ({ action, steps }));
}

/**
 * Evaluates templates that read only inputs and `run.*`; a string that reads a step's output (or
 * fails to evaluate) becomes undefined, meaning "not known before the run".
 */
function resolveKnown(value: unknown, context: TemplateContext): unknown {
  if (typeof value === 'string') {
    try {
      // Step outputs and a loop's item are known only while the run goes.
      if (templateReferences(value).some((ref) => ref.path[0] === 'steps' || ref.path[0] === 'item')) return undefined;
      return renderTemplate(value, context);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(value)) return value.map((item) => resolveKnown(item, context));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveKnown(item, context);
      if (resolved !== undefined) result[key] = resolved;
    }
    return result;
  }
  return value;
}
