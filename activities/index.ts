/**
 * The activity registry: one activity per catalogue action (so histories and the Web UI name the
 * action, e.g. `egress.block`), plus the live-readiness check and approver resolution. Workflows
 * import only its type.
 */
import { ACTION_NAMES, type ActionName } from '../common/actions';
import { createResolveApproversActivity } from './approvers/resolve';
import type { ActivityDeps } from './deps';
import { createLiveReadinessActivity } from './live-readiness';
import { createSlackSurfaceActivities } from './slack-surface';
import { createActionActivity, type ActionActivity } from './perform-action';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  const actionActivities = Object.fromEntries(
    ACTION_NAMES.map((action) => [action, createActionActivity(action, deps)]),
  ) as Record<ActionName, ActionActivity>;
  return {
    ...actionActivities,
    checkLiveReadiness: createLiveReadinessActivity(deps.live, deps.approvers?.config),
    resolveApprovers: createResolveApproversActivity(deps.approvers),
    ...createSlackSurfaceActivities(deps.slackSurface),
  };
}

export type QuellActivities = ReturnType<typeof createActivities>;
