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
import type { ApprovalGateState } from '../../common/run-state';

export interface GroupProgress {
  group: string;
  needed: number;
  filled: number;
}

/** Per group, how many of its places the approvals so far fill (best assignment). */
export function groupProgress(gate: ApprovalGateState): GroupProgress[] | undefined {
  // Without an approvers file nobody's groups are known: the open policy counts approvals in total.
  if (!gate.groupQuorum || gate.policy === 'open') return undefined;
  const places = Object.entries(gate.groupQuorum).flatMap(([group, count]) => Array.from({ length: count }, () => group));
  const approvers = new Map<string, string[]>();
  for (const decision of gate.decisions) {
    if (decision.decision !== 'approve') continue;
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

/** Whether the gate's approvals meet its quorum: per group when it has counts per group, else in total. */
export function quorumMet(gate: ApprovalGateState): boolean {
  const progress = groupProgress(gate);
  if (progress) return progress.every((item) => item.filled >= item.needed);
  return gate.decisions.filter((decision) => decision.decision === 'approve').length >= gate.quorum;
}
