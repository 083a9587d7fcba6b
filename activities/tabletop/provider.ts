/**
 * The tabletop provider: records exactly what each action would do and returns realistic,
 * repeatable output, without touching the outside world. Drills use it; so do tests of the engine.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ActionName } from '../../common/actions';
import type { ActionContext, ActionOutcome, ActionProvider, EffectJournal } from '../ports';
import { planCredentialsRevoke, planSessionsRevoke } from '../credentials/tabletop';
import { planEgressBlock, planEgressUnblock } from '../egress/tabletop';
import { planEvidenceCollect } from '../evidence/tabletop';
import { planIdentityAccessReport, planIdentityDeprovision } from '../identity/tabletop';
import { planNotify } from '../notify/tabletop';
import { planVendorRequestDeletion } from '../vendor/tabletop';
import type { TabletopPlanner } from './plan';

const PLANNERS: Record<ActionName, TabletopPlanner> = {
  'credentials.revoke': planCredentialsRevoke,
  'sessions.revoke': planSessionsRevoke,
  'egress.block': planEgressBlock,
  'egress.unblock': planEgressUnblock,
  'evidence.collect': planEvidenceCollect,
  'vendor.request_deletion': planVendorRequestDeletion,
  'identity.deprovision': planIdentityDeprovision,
  'identity.access_report': planIdentityAccessReport,
  notify: planNotify,
};

const HEARTBEAT_EVERY_MS = 1_000;

export class TabletopProvider implements ActionProvider {
  readonly name = 'tabletop';

  constructor(
    private readonly journal: EffectJournal,
    private readonly latencyMs = 0,
  ) {}

  async perform(action: ActionName, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const earlier = await this.journal.find(context.idempotencyKey);
    if (earlier) return { output: earlier.output, alreadyDone: true };

    await this.simulateLatency(context);
    const at = new Date().toISOString();
    const plan = PLANNERS[action](params, { idempotencyKey: context.idempotencyKey, at });
    const output = { ...plan.output, simulated: true, would_do: plan.wouldDo };
    const { record, alreadyRecorded } = await this.journal.recordOnce({
      idempotencyKey: context.idempotencyKey,
      action,
      mode: context.mode,
      workflowId: context.workflowId,
      stepId: context.stepId,
      params,
      output,
      recordedAt: at,
    });
    return { output: record.output, alreadyDone: alreadyRecorded };
  }

  /** Drills pace like real systems; heartbeating meanwhile lets Temporal notice a dead worker. */
  private async simulateLatency(context: ActionContext): Promise<void> {
    let remaining = this.latencyMs;
    while (remaining > 0) {
      const step = Math.min(remaining, HEARTBEAT_EVERY_MS);
      await delay(step);
      remaining -= step;
      context.heartbeat({ simulatedLatencyLeftMs: remaining });
    }
  }
}
