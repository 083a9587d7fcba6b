/**
 * Whether an approval gate with a count per group (`approvers: { account-owners: 1, app-owners: 1 }`)
 * has its approvals: each approving person fills at most one group's place, and only a place of a
 * group they belong to, so someone in both groups cannot satisfy both. Deciding that is a
 * matching between people and places; gates are small (at most 10 places), so the simple
 * augmenting-path search is plenty.
 *
 * A person's groups are the ones recorded on their decision (membership as it stood when they
 * decided). After an escalation, members of the escalation groups may fill any place: they stand
 * in for whoever did not answer. Under the open policy (no approvers file) groups are unknown and
 * approvals count in total. Workflow-safe: pure.
 */
import type { ApprovalDecision, GateMembershipState } from '../../common/run-state';

export interface GroupProgress {
  group: string;
  needed: number;
  filled: number;
}

/** Which decisions count toward the quorum: approvals, or the answers choosing one option. */
export type CountedDecision = (decision: ApprovalDecision) => boolean;
const APPROVALS: CountedDecision = (decision) => decision.decision === 'approve';

/** Per group, how many of its places the counted decisions so far fill (best assignment). */
export function groupProgress(gate: GateMembershipState, counts: CountedDecision = APPROVALS): GroupProgress[] | undefined {
  // Without an approvers file nobody's groups are known: the open policy counts approvals in total.
  if (!gate.groupQuorum || gate.policy === 'open') return undefined;
  const places = Object.entries(gate.groupQuorum).flatMap(([group, count]) => Array.from({ length: count }, () => group));
  const approvers = new Map<string, string[]>();
  for (const decision of gate.decisions) {
    if (!counts(decision)) continue;
    const person = decision.person ?? decision.actor;
    if (!approvers.has(person)) approvers.set(person, decision.groups ?? []);
  }
  const standIns = new Set(gate.escalation?.groups ?? []);
  const canFill = (groups: string[], group: string) => groups.includes(group) || groups.some((g) => standIns.has(g));
  const placeOf = new Array<string | undefined>(places.length).fill(undefined);
  const people = [...approvers.entries()];
  for (const [person, groups] of people) {
    const seen = new Set<number>();
    const augment = (who: string, theirGroups: string[]): boolean => {
      for (let index = 0; index < places.length; index++) {
        if (seen.has(index) || !canFill(theirGroups, places[index]!)) continue;
        seen.add(index);
        const holder = placeOf[index];
        if (holder === undefined || augment(holder, approvers.get(holder)!)) {
          placeOf[index] = who;
          return true;
        }
      }
      return false;
    };
    augment(person, groups);
  }
  return Object.entries(gate.groupQuorum).map(([group, needed]) => ({ group, needed, filled: places.filter((place, index) => place === group && placeOf[index] !== undefined).length }));
}

/** Whether the counted decisions meet the gate's quorum: per group when it has counts per group, else in total. */
export function quorumMet(gate: GateMembershipState, counts: CountedDecision = APPROVALS): boolean {
  const progress = groupProgress(gate, counts);
  if (progress) return progress.every((item) => item.filled >= item.needed);
  return gate.decisions.filter(counts).length >= gate.quorum;
}
