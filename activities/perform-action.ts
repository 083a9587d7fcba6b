/**
 * The one code path every action activity takes: validate the evaluated parameters against the
 * catalogue, choose the provider for the run's mode, keep the activity heartbeating, and classify
 * failures. A live run never falls back to the tabletop provider.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ACTION_CATALOGUE, type ActionName } from '../common/actions';
import { ErrorType } from '../common/errors';
import type { ActionRequest, ActionResult } from './action-request';
import type { ActivityDeps } from './deps';
import type { ActionProvider } from './ports';
import { TabletopProvider } from './tabletop/provider';

// Well inside the activity profile's heartbeat timeout (workflows/activity-options.ts): a worker that
// dies mid-action is noticed within that timeout, so the retry starts a few seconds later.
const HEARTBEAT_EVERY_MS = 1_000;

export type ActionActivity = (request: ActionRequest) => Promise<ActionResult>;

export function createActionActivity(action: ActionName, deps: ActivityDeps): ActionActivity {
  const tabletop = new TabletopProvider(deps.effectJournal, deps.tabletopLatencyMs ?? 0);

  return async function performAction(request: ActionRequest): Promise<ActionResult> {
    const activity = Context.current();
    const log = deps.logger.child({
      workflowId: request.workflowId,
      runId: request.runId,
      stepId: request.stepId,
      action,
      purpose: request.purpose,
      attempt: activity.info.attempt,
    });

    const parsed = ACTION_CATALOGUE[action].with.safeParse(request.params);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'with'}: ${issue.message}`).join('; ');
      throw ApplicationFailure.nonRetryable(
        `step ${request.stepId}: invalid parameters for ${action}: ${problems}`,
        ErrorType.InvalidInput,
        { stepId: request.stepId, action },
      );
    }

    const provider = chooseProvider(action, request, deps, tabletop);
    const beat = setInterval(() => activity.heartbeat(), HEARTBEAT_EVERY_MS);
    try {
      const outcome = await provider.perform(action, parsed.data as Record<string, unknown>, {
        workflowId: request.workflowId,
        runId: request.runId,
        stepId: request.stepId,
        mode: request.mode,
        idempotencyKey: request.idempotencyKey,
        heartbeat: (details) => activity.heartbeat(details),
      });
      log.info({ provider: provider.name, alreadyDone: outcome.alreadyDone }, 'action finished');
      return { output: outcome.output, alreadyDone: outcome.alreadyDone, provider: provider.name };
    } catch (error) {
      log.warn({ err: error }, 'action failed');
      throw error;
    } finally {
      clearInterval(beat);
    }
  };
}

function chooseProvider(action: ActionName, request: ActionRequest, deps: ActivityDeps, tabletop: ActionProvider): ActionProvider {
  if (request.mode === 'tabletop') return tabletop;
  const live = deps.live.providers[action];
  if (!live) {
    throw ApplicationFailure.nonRetryable(
      `step ${request.stepId}: no live provider is configured for ${action} on this worker; refusing to simulate a live action`,
      ErrorType.NotConfigured,
      { stepId: request.stepId, action },
    );
  }
  return live;
}
