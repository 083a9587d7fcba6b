/**
 * Checks, before the first step of a live run, that this worker can perform every action the
 * runbook uses. A run that cannot finish for lack of configuration is refused up front instead of
 * stopping half-way (or, worse, being simulated).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActionName } from '../common/actions';
import { ErrorType } from '../common/errors';
import type { LiveReadinessRequest } from './action-request';

/** The actions (with their steps) that have no live provider among `configured`. */
export function missingLiveProviders(
  request: LiveReadinessRequest,
  configured: ReadonlySet<ActionName>,
): LiveReadinessRequest['actions'] {
  return request.actions.filter((entry) => !configured.has(entry.action));
}

export function describeMissingProviders(missing: LiveReadinessRequest['actions']): string {
  const list = missing.map((entry) => `${entry.action} (step ${entry.steps.join(', ')})`).join('; ');
  return (
    `live run refused: no live connector is configured for ${list}. ` +
    'Configure the connector for each, or run the runbook as a tabletop exercise (--tabletop).'
  );
}

export function createLiveReadinessActivity(configured: ReadonlySet<ActionName>) {
  return async function checkLiveReadiness(request: LiveReadinessRequest): Promise<{ ready: true }> {
    const missing = missingLiveProviders(request, configured);
    if (missing.length > 0) {
      throw ApplicationFailure.nonRetryable(describeMissingProviders(missing), ErrorType.NotConfigured, { missing });
    }
    return { ready: true };
  };
}
