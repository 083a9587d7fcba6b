/**
 * Who may steer a drill: members of the scenario's facilitator groups, as the approvers file says
 * (resolved by the same `resolveApprovers` activity approvals use, so the answer is in history).
 * Without an approvers file the policy is open, as it is for approvals. Slack and the CLI check
 * too, but this is the check that holds: every control is validated here.
 *
 * Workflow-safe.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { QuellActivities } from '../../activities';
import type { ApproverResolution } from '../../activities/approvers/types';
import { identityKey, samePerson } from '../../common/identity';
import type { DecisionSource } from '../../common/run-state';

/** Fails closed: retried without limit while the answer cannot be had; controls wait for it. */
const { resolveApprovers } = proxyActivities<QuellActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export class FacilitatorPolicy {
  private resolution: ApproverResolution | undefined;

  constructor(private readonly groups: readonly string[]) {}

  get known(): boolean {
    return this.resolution !== undefined;
  }

  /** Reads the facilitator groups' members (at launch). */
  async resolve(): Promise<void> {
    this.resolution = await resolveApprovers({ groups: [...this.groups] });
  }

  /** Throws, with a reason the person can act on, unless `actor` may steer the drill. */
  check(actor: string, via: DecisionSource): void {
    const resolution = this.resolution;
    if (!resolution) throw new Error('facilitator membership not yet known; try again shortly');
    if (resolution.policy === 'open') return;
    const person = resolution.people.find((candidate) =>
      candidate.identities.some((identity) => {
        const at = identity.indexOf(':');
        return identityKey(identity.slice(0, at), identity.slice(at + 1)) === identityKey(via, actor);
      }),
    )?.person;
    const member = person !== undefined && resolution.groups.some((group) => this.groups.includes(group.group) && group.members.some((name) => samePerson(name, person)));
    if (!member) throw new Error(`${actor.trim()} (${via}) may not steer this drill: only members of ${this.groups.join(', ')} may`);
  }
}
