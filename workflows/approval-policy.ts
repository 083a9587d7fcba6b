/**
 * The approval policy as the workflow enforces it: who the people behind identities are, who is in
 * each approver group (resolved by the `resolveApprovers` activity, so the answer is in history),
 * who may decide on a gate, and who may cancel the run.
 *
 * Membership is resolved when a run whose runbook has approval gates starts (in the background,
 * so containment never waits for Slack), when a gate opens, on escalation, and periodically while
 * a gate waits. Until a gate has an answer nobody can decide on it: the activity retries without
 * limit while Slack cannot be asked, and the policy fails closed.
 *
 * Everything here that adds commands to history runs only under `patched('approval-policy')`, so
 * runs recorded before the policy replay unchanged.
 *
 * Workflow-safe.
 */
import { CancellationScope, condition, isCancellation, log, patched, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { QuellActivities } from '../activities';
import type { ApproverResolution, ResolvedGroup, ResolvedPerson } from '../activities/approvers/types';
import { identityKey, samePerson } from '../common/identity';
import type { DecisionSource, EligibleApprover, GateMembershipState } from '../common/run-state';
import type { Runbook } from '../runbooks/schema';
import { describeError } from './outcomes';
import type { RunContext } from './run-context';
import { approverGroupsOf } from '../runbooks/approver-groups';
import { everyStep } from '../runbooks/step-kind';

export const APPROVAL_POLICY_PATCH = 'approval-policy';

/**
 * One attempt is a few Slack requests at most. No attempt limit: failing closed means waiting for
 * an answer, never guessing one. A 429 waits exactly Retry-After (nextRetryDelay).
 */
const APPROVER_LOOKUP: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
};

const { resolveApprovers } = proxyActivities<QuellActivities>(APPROVER_LOOKUP);

/** After its first hour a waiting gate refreshes at most hourly, so a gate open for weeks keeps a small history. */
const SLOW_REFRESH_AFTER_MS = 3_600_000;

/** One resolution, indexed for the checks. */
interface Directory {
  resolution: ApproverResolution;
  resolvedAt: string;
  personByIdentity: Map<string, string>;
  people: Map<string, ResolvedPerson>;
  groups: Map<string, ResolvedGroup>;
}

interface RunPolicy {
  /** The run applies the policy (it has gates and started, or reached a gate, under the patch). */
  active: boolean;
  /** The latest resolution of the runbook's groups; undefined until the first one arrives. */
  directory?: Directory;
  /** A resolution under way; a gate opening meanwhile waits for it rather than asking twice. */
  inFlight?: Promise<Directory>;
}

const runPolicies = new WeakMap<RunContext, RunPolicy>();
/** The resolution each gate's eligible set was computed from: its decisions map identities with it. */
const gateDirectories = new WeakMap<GateMembershipState, Directory>();

function runPolicy(ctx: RunContext): RunPolicy {
  let policy = runPolicies.get(ctx);
  if (!policy) {
    policy = { active: false };
    runPolicies.set(ctx, policy);
  }
  return policy;
}

/**
 * Every group a gate of the runbook names (an approval's approvers or a decision's deciders, then
 * escalate_to), first mention first.
 */
export function runbookApproverGroups(runbook: Runbook): string[] {
  const groups: string[] = [];
  // Every step wherever it sits (branches, sequences, loops), in runbook order.
  for (const candidate of everyStep(runbook.steps)) {
    let named: string[] = [];
    if ('approval' in candidate) named = [...approverGroupsOf(candidate.approval), ...(candidate.approval.escalate_to ?? [])];
    else if ('decision' in candidate) named = [...approverGroupsOf({ approvers: candidate.decision.deciders }), ...(candidate.decision.escalate_to ?? [])];
    for (const group of named) {
      if (!groups.includes(group)) groups.push(group);
    }
  }
  return groups;
}

/**
 * At run start: under the patch, resolves the runbook's groups in the background, so a cancel can
 * be checked against them before the first gate opens. Runbooks without approval gates name no
 * approvers and keep the open cancel rule.
 */
export function startApprovalPolicy(ctx: RunContext): void {
  if (runbookApproverGroups(ctx.input.runbook).length === 0) return;
  if (!patched(APPROVAL_POLICY_PATCH)) return;
  runPolicy(ctx).active = true;
  // Not awaited: the steps go on; only decisions and cancels wait for the answer.
  resolveMembership(ctx).catch((error: unknown) => {
    if (!isCancellation(error)) log.error('approver membership could not be resolved', { error: describeError(error).message });
  });
}

function resolveMembership(ctx: RunContext): Promise<Directory> {
  const policy = runPolicy(ctx);
  policy.inFlight ??= (async () => {
    try {
      // Shared by whoever asks while it runs, so no one caller's cancellation may cut it short.
      const groups = runbookApproverGroups(ctx.input.runbook);
      const resolution = await CancellationScope.nonCancellable(() => resolveApprovers({ groups }));
      const directory = indexResolution(resolution, ctx.now());
      policy.directory = directory;
      return directory;
    } finally {
      policy.inFlight = undefined;
    }
  })();
  return policy.inFlight;
}

function indexResolution(resolution: ApproverResolution, resolvedAt: string): Directory {
  const directory: Directory = { resolution, resolvedAt, personByIdentity: new Map(), people: new Map(), groups: new Map() };
  if (resolution.policy === 'open') return directory;
  for (const person of resolution.people) {
    directory.people.set(person.person.toLowerCase(), person);
    for (const identity of person.identities) {
      const at = identity.indexOf(':');
      directory.personByIdentity.set(identityKey(identity.slice(0, at), identity.slice(at + 1)), person.person);
    }
  }
  for (const group of resolution.groups) directory.groups.set(group.group, group);
  return directory;
}

/** Whether this gate runs under the policy (false: replaying a run recorded before it). */
export function gatePolicyApplies(ctx: RunContext): boolean {
  if (!patched(APPROVAL_POLICY_PATCH)) return false;
  runPolicy(ctx).active = true;
  return true;
}

export interface GateMembership {
  /** Recompute the eligible set from the last resolution now (the gate's groups changed). */
  reapply(): void;
  /** Resolve again now instead of at the next refresh (escalation). */
  refresh(): void;
  /** The gate closed: stop refreshing. */
  stop(): void;
}

/**
 * Keeps `gate.policy` and `gate.eligible` current while the gate waits: resolves at once, then
 * again every `membership_refresh` (hourly at most after the gate's first hour), and whenever
 * {@link GateMembership.refresh} asks. A recent run-level answer is shown at once so a gate does not
 * start out undecidable when membership was just read.
 */
export function keepGateMembership(ctx: RunContext, gate: GateMembershipState, stepId: string): GateMembership {
  const known = runPolicy(ctx).directory;
  if (known && isFresh(known)) applyToGate(ctx, gate, stepId, known);
  const wake = { requested: false };
  let stopped = false;
  const scope = new CancellationScope();
  const opened = Date.now();
  scope
    .run(async () => {
      for (;;) {
        wake.requested = false;
        const directory = await resolveMembership(ctx);
        // A shared resolution may answer after the gate closed; a closed gate keeps what it had.
        if (stopped) return;
        applyToGate(ctx, gate, stepId, directory);
        if (directory.resolution.policy === 'open') return;
        const base = directory.resolution.refreshEveryMs;
        const delay = Date.now() - opened < SLOW_REFRESH_AFTER_MS ? base : Math.max(base, SLOW_REFRESH_AFTER_MS);
        await condition(() => wake.requested, delay);
      }
    })
    .catch((error: unknown) => {
      if (isCancellation(error)) return;
      // Only a bug gets here (the activity retries without limit); the gate stays as it was.
      const message = `approver membership could not be resolved: ${describeError(error).message}`;
      gate.membershipProblems = [...(gate.membershipProblems ?? []), message];
      ctx.touch();
      log.error(message, { step: stepId });
    });
  return {
    reapply() {
      const directory = gateDirectories.get(gate);
      if (directory) applyToGate(ctx, gate, stepId, directory);
    },
    refresh() {
      wake.requested = true;
    },
    stop() {
      stopped = true;
      scope.cancel();
    },
  };

  function isFresh(directory: Directory): boolean {
    if (directory.resolution.policy === 'open') return true;
    return Date.now() - Date.parse(directory.resolvedAt) < directory.resolution.refreshEveryMs;
  }
}

function applyToGate(ctx: RunContext, gate: GateMembershipState, stepId: string, directory: Directory): void {
  gateDirectories.set(gate, directory);
  const first = gate.policy === undefined;
  gate.policy = directory.resolution.policy;
  gate.membershipResolvedAt = directory.resolvedAt;
  if (directory.resolution.policy === 'open') {
    if (first) ctx.record('approval.policy', `open: no approvers file, any named person${gate.requesterMayDecide ? '' : ' but the requester'} may decide`, { step: stepId });
    ctx.touch();
    return;
  }
  const requester = requesterPerson(ctx, directory);
  const eligible = new Map<string, EligibleApprover>();
  for (const group of gate.approverGroups) {
    for (const member of directory.groups.get(group)?.members ?? []) {
      if (!gate.requesterMayDecide && samePerson(member, requester)) continue;
      const key = member.toLowerCase();
      let entry = eligible.get(key);
      if (!entry) {
        const person = directory.people.get(key);
        entry = { person: member, ...(person?.slack ? { slack: person.slack } : {}), identities: person?.identities ?? [], groups: [] };
        eligible.set(key, entry);
      }
      if (!entry.groups.includes(group)) entry.groups.push(group);
    }
  }
  const before = (gate.eligible ?? []).map((e) => e.person);
  gate.eligible = [...eligible.values()];
  gate.unknownGroups = gate.approverGroups.filter((group) => !directory.groups.get(group)?.defined);
  if (directory.resolution.problems.length > 0) gate.membershipProblems = [...directory.resolution.problems];
  else delete gate.membershipProblems;
  if (gate.escalation) gate.escalation.slackUsergroups = slackUsergroupsOf(directory, gate.escalation.groups);

  const after = gate.eligible.map((e) => e.person);
  const added = after.filter((p) => !before.some((b) => samePerson(b, p)));
  const removed = before.filter((b) => !after.some((p) => samePerson(b, p)));
  if (first) {
    ctx.record('approval.policy', `enforced: ${after.length === 0 ? 'nobody' : after.join(', ')} may decide`, { step: stepId });
  } else if (added.length > 0 || removed.length > 0) {
    const change = [...added.map((p) => `+${p}`), ...removed.map((p) => `-${p}`)].join(' ');
    ctx.record('approval.membership-changed', change, { step: stepId });
  }
  ctx.touch();
}

function slackUsergroupsOf(directory: Directory, groups: readonly string[]): string[] {
  return [...new Set(groups.flatMap((group) => directory.groups.get(group)?.slackUsergroups ?? []))];
}

/** The Slack user groups of `groups` as last resolved for this gate (for escalation pings). */
export function gateSlackUsergroups(gate: GateMembershipState, groups: readonly string[]): string[] {
  const directory = gateDirectories.get(gate);
  return directory ? slackUsergroupsOf(directory, groups) : [];
}

/**
 * The person behind an identity: the approvers file's name for it, else the identity itself.
 * Without an enforced resolution people are their names as given (the open policy cannot tell
 * that `U0ALICE` on Slack and `alice` on the CLI are one person).
 */
function personIn(directory: Directory | undefined, via: string, actor: string): string {
  if (directory?.resolution.policy !== 'enforced') return actor.trim();
  return directory.personByIdentity.get(identityKey(via, actor)) ?? `${via}:${actor.trim()}`;
}

function requesterPerson(ctx: RunContext, directory: Directory | undefined): string {
  return personIn(directory, ctx.input.requestedVia, ctx.input.requestedBy);
}

/** The person behind an identity, as the run's latest resolution knows them (for the cancel record). */
export function runPerson(ctx: RunContext, via: DecisionSource, actor: string): string {
  return personIn(runPolicies.get(ctx)?.directory, via, actor);
}

/** "alice" or, when the identity is not the person's name, "U0ALICE (alice)". */
function describe(actor: string, person: string): string {
  return samePerson(actor, person) ? actor.trim() : `${actor.trim()} (${person})`;
}

/** Who is deciding on `gate`, resolved with the membership its eligible set came from. */
export function decisionPerson(gate: GateMembershipState, via: DecisionSource, actor: string): string {
  return personIn(gateDirectories.get(gate), via, actor);
}

/**
 * The policy part of a decision's validation (the gate is known to be open). Throws, with a reason
 * the person can act on, when they may not decide.
 */
export function checkDecider(
  ctx: RunContext,
  gate: GateMembershipState,
  stepId: string,
  request: { actor: string; via: DecisionSource; decision: 'approve' | 'reject' | 'answer' },
): string {
  if (!gate.policy) throw new Error('approver membership not yet known; try again shortly');
  const directory = gateDirectories.get(gate);
  const person = personIn(directory, request.via, request.actor);
  const who = describe(request.actor, person);
  if (!gate.requesterMayDecide && samePerson(person, requesterPerson(ctx, directory))) {
    throw new Error(requesterRefusal(who, request.decision));
  }
  if (gate.policy === 'enforced' && !(gate.eligible ?? []).some((entry) => samePerson(entry.person, person))) {
    const groups = gate.approverGroups.join(', ');
    throw new Error(`${who} may not decide on step ${stepId}: only members of ${groups} may (as of ${gate.membershipResolvedAt})`);
  }
  const earlier = gate.decisions.find((decision) => samePerson(decision.person ?? decision.actor, person));
  if (earlier) {
    const how = samePerson(earlier.actor, request.actor) ? '' : ` as ${earlier.actor} via ${earlier.via}`;
    const what = earlier.decision === 'answer' ? `answered ${earlier.option ?? ''}` : `${earlier.decision}d`;
    throw new Error(`${who} already decided on step ${stepId} (${what}${how} at ${earlier.at})`);
  }
  return person;
}

function requesterRefusal(who: string, decision: 'approve' | 'reject' | 'answer'): string {
  if (decision === 'approve') return `${who} requested this run and cannot approve it (separation of duties)`;
  if (decision === 'answer') return `${who} requested this run and cannot answer its decisions (separation of duties; the runbook may allow it with requester_may_answer)`;
  return `${who} requested this run and cannot decide on its gates (separation of duties); cancel the run to stop it`;
}

/**
 * Who may stop the run. Under an enforced policy: the requester, or a member of any approver group
 * of the runbook as last resolved; under the open policy (or for runbooks without gates) anyone
 * named. Throws with a reason otherwise. Returns the person cancelling.
 */
export function checkCanceller(ctx: RunContext, request: { actor: string; via: DecisionSource }): string {
  const policy = runPolicies.get(ctx);
  const directory = policy?.directory;
  const person = personIn(directory, request.via, request.actor);
  if (!policy?.active) return person;
  if (!directory) {
    // Before the first answer only the requester's own identity is known to be theirs.
    if (identityKey(request.via, request.actor) === identityKey(ctx.input.requestedVia, ctx.input.requestedBy)) return person;
    throw new Error(`approver membership not yet known; try again shortly (the requester, ${ctx.input.requestedBy}, may cancel now)`);
  }
  const requester = requesterPerson(ctx, directory);
  if (samePerson(person, requester)) return person;
  if (directory.resolution.policy === 'open') return person;
  const groups = runbookApproverGroups(ctx.input.runbook);
  const member = groups.some((group) => (directory.groups.get(group)?.members ?? []).some((m) => samePerson(m, person)));
  if (member) return person;
  throw new Error(
    `${describe(request.actor, person)} may not cancel this run: only its requester (${requester}) or a member of ${groups.join(', ')} may`,
  );
}
