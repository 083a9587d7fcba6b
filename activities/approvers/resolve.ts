/**
 * The `resolveApprovers` activity: who is in each approver group right now. Static people come
 * from the approvers file; Slack user groups are read through {@link UsergroupReader}. Without an
 * approvers file the answer is "open" (no membership to enforce). Tabletop runs resolve too: real
 * people approve drills.
 *
 * Idempotent (a read). Fails retryably while Slack cannot be asked, so the workflow keeps the gate
 * closed until the answer arrives.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { ErrorType } from '../../common/errors';
import { ownValue } from '../../common/own';
import type { ApproversConfig } from '../../config/approvers-file';
import type { UsergroupReader } from '../../connectors/slack/usergroups';
import { IDENTITY_SURFACES, type ApproverResolution, type ApproverResolutionRequest, type ResolvedGroup, type ResolvedPerson } from './types';

/** What the worker knows about approvers: the file and, when it names Slack user groups, a reader. */
export interface ApproversSetup {
  config: ApproversConfig;
  slack?: UsergroupReader;
}

const Request = z.strictObject({ groups: z.array(z.string().min(1).max(200)).max(200) });

export function createResolveApproversActivity(setup: ApproversSetup | undefined) {
  return async function resolveApprovers(raw: ApproverResolutionRequest): Promise<ApproverResolution> {
    const parsed = Request.safeParse(raw);
    if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid approver resolution request: ${parsed.error.message}`, ErrorType.InvalidInput);
    const request = parsed.data;
    if (!setup) return { policy: 'open' };
    return resolveApproverGroups(setup, [...new Set(request.groups)]);
  };
}

/**
 * Who is in each named group now (a group the file lacks comes back `defined: false`). Also used
 * by `notify` steps addressed to `group:<name>`, so a message reaches whom the gate would ask.
 */
export async function resolveApproverGroups(setup: ApproversSetup, groupNames: string[]): Promise<Extract<ApproverResolution, { policy: 'enforced' }>> {
  const { config } = setup;
  const people: ResolvedPerson[] = Object.entries(config.people).map(([person, entry]) => ({
    person,
    identities: IDENTITY_SURFACES.filter((via) => entry[via] !== undefined).map((via) => `${via}:${entry[via]}`),
    ...(entry.slack ? { slack: entry.slack } : {}),
  }));
  const bySlackId = new Map(people.filter((p) => p.slack).map((p) => [p.slack!.toUpperCase(), p]));
  const problems: string[] = [];

  // Group names come from runbooks: `constructor` must find a group of that name or none, never
  // Object.prototype's.
  const groupOf = (name: string) => ownValue(config.groups, name);
  const usergroupIds = [...new Set(groupNames.flatMap((name) => groupOf(name)?.slack_usergroups ?? []))];
  if (usergroupIds.length > 0 && !setup.slack) {
    // The loader refuses this combination at start-up; kept as a guard, never as a silent "no members".
    throw ApplicationFailure.nonRetryable('the approvers file names Slack user groups but this worker has no Slack bot token', ErrorType.NotConfigured);
  }
  const usergroups = new Map(
    await Promise.all(usergroupIds.map(async (id) => [id, await setup.slack!.members(id)] as const)),
  );

  const groups: ResolvedGroup[] = groupNames.map((group) => {
    const entry = groupOf(group);
    if (!entry) return { group, defined: false, members: [], slackUsergroups: [] };
    const members = new Set(entry.people);
    for (const id of entry.slack_usergroups) {
      const answer = usergroups.get(id)!;
      if (answer.missing) problems.push(`Slack user group ${id} of group ${group} does not exist (usergroups.users.list: no_such_subteam); it adds no one`);
      for (const user of answer.users) {
        let person = bySlackId.get(user.toUpperCase());
        if (!person) {
          // A member nobody claims under `people` is a person of their own, named by their identity.
          person = { person: `slack:${user}`, identities: [`slack:${user}`], slack: user };
          people.push(person);
          bySlackId.set(user.toUpperCase(), person);
        }
        members.add(person.person);
      }
    }
    return { group, defined: true, members: [...members], slackUsergroups: [...entry.slack_usergroups] };
  });

  return { policy: 'enforced', people, groups, refreshEveryMs: config.membershipRefreshMs, problems: [...new Set(problems)] };
}
