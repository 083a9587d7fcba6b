/**
 * The tabletop simulator: performs every action of a tabletop run by recording exactly what it
 * would do and returning realistic, repeatable output, without touching the outside world. Drills
 * use it; so do tests of the engine.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ActionName } from '../../common/actions';
import type { ActionContext, ActionOutcome } from '../../connectors/action-context';
import type { ActionPerformer } from '../action-performer';
import type { EffectJournal } from '../effects/effect-journal';
import { simulateCredentialsRevoke, simulateSessionsRevoke } from '../../connectors/simulations/credentials';
import { simulateEgressBlock, simulateEgressUnblock } from '../../connectors/simulations/egress';
import {
  simulateAccessDenyAll,
  simulateAccessRestore,
  simulateCredentialsDeactivate,
  simulateCredentialsList,
  simulateCredentialsReactivate,
  simulateMfaDeactivate,
} from '../../connectors/simulations/iam-access';
import { planEvidenceCollect } from '../evidence/tabletop';
import { simulateIdentityDeprovision } from '../../connectors/simulations/identity';
import { planIdentityAccessReport } from '../access-report/tabletop';
import { planNotify, planNotifyToGroups } from '../notify/tabletop';
import { groupNameOf } from '../notify/recipients';
import type { ApproversSetup } from '../approvers/resolve';
import { planVendorRequestDeletion } from '../data-deletion/tabletop';
import { planVendorRequest } from '../vendor-request/tabletop';
import type { TabletopPlanner } from '../../connectors/simulation';
import { connectorsById, isRoutedAction } from '../../connectors/catalogue';
import { selectedSystem } from '../route-action';

/** The generic tabletop planner of each action (a routed action's connectors may bring their own). */
export const GENERIC_TABLETOP_PLANNERS: Readonly<Record<ActionName, TabletopPlanner>> = {
  'credentials.revoke': simulateCredentialsRevoke,
  'sessions.revoke': simulateSessionsRevoke,
  'credentials.deactivate': simulateCredentialsDeactivate,
  'credentials.reactivate': simulateCredentialsReactivate,
  'credentials.list': simulateCredentialsList,
  'access.deny_all': simulateAccessDenyAll,
  'access.restore': simulateAccessRestore,
  'mfa.deactivate': simulateMfaDeactivate,
  'egress.block': simulateEgressBlock,
  'egress.unblock': simulateEgressUnblock,
  'evidence.collect': planEvidenceCollect,
  'vendor.request_deletion': planVendorRequestDeletion,
  'vendor.request': planVendorRequest,
  'identity.deprovision': simulateIdentityDeprovision,
  'identity.access_report': planIdentityAccessReport,
  notify: planNotify,
};

const HEARTBEAT_EVERY_MS = 1_000;

/**
 * A routed action is simulated the way the system its step names would do it (each connector
 * gives its simulation); a system not given (a tabletop rule id carries none) gets the action's
 * generic simulation.
 */
function simulationFor(action: ActionName, params: Record<string, unknown>): TabletopPlanner {
  if (!isRoutedAction(action)) return GENERIC_TABLETOP_PLANNERS[action];
  const system = selectedSystem(params);
  return (system === undefined ? undefined : connectorsById().get(system)?.routed?.[action]?.simulate) ?? GENERIC_TABLETOP_PLANNERS[action];
}

/** A notify step with a `group:<name>` recipient: its plan needs the groups resolved first. */
function notifiesGroups(action: ActionName, params: Record<string, unknown>): boolean {
  return action === 'notify' && Array.isArray(params.to) && params.to.some((to) => typeof to === 'string' && groupNameOf(to) !== undefined);
}

export class TabletopSimulator implements ActionPerformer {
  /** Recorded in histories (ActionResult.provider): keep it. */
  readonly name = 'tabletop';

  constructor(
    private readonly journal: EffectJournal,
    private readonly latencyMs = 0,
    /** The approvers file, so `notify` to `group:<name>` names the people it would reach. */
    private readonly approvers?: ApproversSetup,
  ) {}

  async perform(action: ActionName, params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
    const earlier = await this.journal.find(context.idempotencyKey);
    if (earlier) return { output: earlier.output, alreadyDone: true };

    await this.simulateLatency(context);
    const at = new Date().toISOString();
    const seed = { idempotencyKey: context.idempotencyKey, at };
    const plan = notifiesGroups(action, params) ? await planNotifyToGroups(params, seed, this.approvers) : simulationFor(action, params)(params, seed);
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
