/**
 * Runs a `severity` step: re-grades the run (`to` a severity, or a template such as a decision's
 * answer). The run's state and the QuellSeverity search attribute say the new severity, Slack's
 * root message shows it, and later `run.severity` templates and durations by severity follow it.
 * Re-grading to the severity the run already has changes nothing and says so.
 *
 * Workflow-safe.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { renderTemplate } from '../../common/expression';
import type { Severity } from '../../common/run-state';
import { QuellSeverity } from '../../common/search-attributes';
import type { SeverityStepSpec } from '../../runbooks/schema';
import { describeError, StepFailure } from '../outcomes';
import type { RunContext } from '../run-context';

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function runSeverityStep(ctx: RunContext, step: SeverityStepSpec): void {
  const state = ctx.step(step.id);
  let to: string;
  try {
    to = String(renderTemplate(step.severity.to, ctx.templateContext()) ?? '').trim();
  } catch (error) {
    throw new StepFailure(step.id, `could not evaluate to: ${describeError(error).message}`);
  }
  if (!(SEVERITIES as readonly string[]).includes(to)) throw new StepFailure(step.id, `to gave "${to.slice(0, 40)}", not a severity (${SEVERITIES.join(', ')})`);
  const target = to as Severity;
  ctx.moveStep(state, 'start');
  state.startedAt = ctx.now();
  const from = ctx.severity();
  if (target !== from) {
    const change = { from, to: target, step: step.id, at: ctx.now(), ...(step.severity.reason ? { reason: step.severity.reason } : {}) };
    ctx.state.severity = { current: target, changes: [...(ctx.state.severity?.changes ?? []), change] };
    upsertSearchAttributes([{ key: QuellSeverity, value: target }]);
    ctx.record('run.severity', `${from} → ${target}${step.severity.reason ? `: ${step.severity.reason}` : ''}`, { step: step.id });
  }
  state.output = { from, to: target, changed: target !== from, ...(step.severity.reason ? { reason: step.severity.reason } : {}) };
  state.endedAt = ctx.now();
  ctx.moveStep(state, 'succeed');
}
