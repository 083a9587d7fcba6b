/**
 * Schedules one action activity for a step. Actions are activities named after the catalogue
 * entry, so the history reads `egress.block`, not a generic dispatcher.
 *
 * Workflow-safe: activities are imported as a type only.
 */
import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { ActionResult } from '../activities/action-request';
import type { QuellActivities } from '../activities';
import type { ActionName } from '../common/actions';
import { takeDrillFault } from './drill/run-effects';
import type { RunContext } from './run-context';

export async function callAction(
  ctx: RunContext,
  request: {
    stepId: string;
    action: ActionName;
    params: Record<string, unknown>;
    purpose: 'perform' | 'compensate';
    /** Distinguishes repeated effects of one step (e.g. the n-th reminder). */
    keySuffix?: string;
  },
  options: ActivityOptions,
): Promise<ActionResult> {
  const activities = proxyActivities<QuellActivities>(options);
  const keyPurpose = request.keySuffix ? `${request.purpose}/${request.keySuffix}` : request.purpose;
  const drillFault = takeDrillFault(ctx, request.action);
  return activities[request.action]({
    action: request.action,
    params: request.params,
    workflowId: ctx.state.workflowId,
    runId: workflowInfo().runId,
    stepId: request.stepId,
    mode: ctx.input.mode,
    idempotencyKey: ctx.idempotencyKey(request.stepId, keyPurpose),
    purpose: request.purpose,
    ...(drillFault ? { drillFault } : {}),
  });
}
