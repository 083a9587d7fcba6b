/**
 * The drill's readiness probe (placeholder until the probe lands): answers that nothing was
 * probed, so a drill started with --probe-readiness says so instead of implying all is well.
 */
import type { DrillReadinessReport } from '../../common/drill-state';
import type { LiveReadinessRequest } from '../action-request';

export function createDrillReadinessProbe() {
  return async function probeDrillReadiness(request: LiveReadinessRequest): Promise<DrillReadinessReport> {
    return {
      probedAt: new Date().toISOString(),
      findings: request.requirements.map(({ stepId, action }) => ({ stepId, action, check: 'probe', ok: false, detail: 'not probed: this worker has no readiness probe yet' })),
    };
  };
}
