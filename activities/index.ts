/**
 * The activity registry: one activity per catalogue action (so histories and the Web UI name the
 * action, e.g. `egress.block`), plus the live-readiness check and approver resolution. Workflows
 * import only its type.
 */
import { ACTION_NAMES, type ActionName } from '../common/actions';
import { createResolveApproversActivity } from './approvers/resolve';
import type { ActivityDeps } from './deps';
import { createLiveReadinessActivity } from './live-readiness';
import { createDrillReadinessProbe } from './readiness-probe';
import { createDrillSummaryActivity } from './drill-summary';
import { withoutSecrets } from '../connectors/failures';
import { createSlackSurfaceActivities } from './slack-surface';
import { createActionActivity, type ActionActivity } from './perform-action';
import { createAuditArchiveActivity } from './audit-archive';
import { createCheckChildInputsActivity } from './sub-runbook/check-inputs';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  const actionActivities = Object.fromEntries(
    ACTION_NAMES.map((action) => [action, createActionActivity(action, deps)]),
  ) as Record<ActionName, ActionActivity>;
  return failuresWithoutSecrets({
    ...actionActivities,
    checkLiveReadiness: createLiveReadinessActivity(deps.live, deps.approvers?.config),
    resolveApprovers: createResolveApproversActivity(deps.approvers),
    probeDrillReadiness: createDrillReadinessProbe(deps.live, deps.approvers?.config),
    postDrillSummary: createDrillSummaryActivity(deps.slackSurface),
    checkChildInputs: createCheckChildInputsActivity(),
    archiveClosedRunsActivity: createAuditArchiveActivity(deps.auditArchive && { ...deps.auditArchive, live: deps.live }),
    ...createSlackSurfaceActivities(deps.slackSurface, deps.approvers),
  });
}

/**
 * Every activity's failure passes through {@link withoutSecrets} before Temporal records it: the
 * connectors classify their failures cleanly, and this is the net for whatever else escapes (a
 * client library's error quoting a URL with credentials would otherwise land in the history).
 */
function failuresWithoutSecrets<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: Parameters<typeof activity>) => {
      try {
        return await activity(...args);
      } catch (error) {
        throw withoutSecrets(error);
      }
    };
  }
  return wrapped as T;
}

export type QuellActivities = ReturnType<typeof createActivities>;
