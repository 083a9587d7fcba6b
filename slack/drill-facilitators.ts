/**
 * Who may start and steer drills from Slack: members of the facilitator groups (a scenario's
 * `participants.facilitators` at start, the drill's own copy afterwards), as the approvers file
 * defines those groups, by the rules approval gates use: a group's listed people, matched by
 * their Slack user id, and the members of its Slack user groups (usergroups.users.list, with the
 * app's bot token, reused for the file's `membership_cache`). A group the file does not define
 * has no members.
 *
 * Fails closed: without an approvers file, with one that does not load, or when a Slack user
 * group cannot be read and the person is not found elsewhere, the answer is a refusal.
 */
import type { WebClient } from '@slack/web-api';
import { ownValue } from '../common/own';
import { formatApproversError, loadApproversFile, type ApproversConfig } from '../config/approvers-file';
import type { AppContext } from './context';
import { slackError } from './reply';

export type FacilitatorCheck =
  | { allowed: true; group: string }
  /** `undefinedGroups`: named as facilitators but absent from the approvers file. */
  | { allowed: false; reason: 'not-member'; groups: string[]; undefinedGroups: string[] }
  | { allowed: false; reason: 'unresolved'; message: string };

/** Slack's answer for a user group id that names nothing: it adds no one, as for approvals. */
const MISSING_USERGROUP = 'no_such_subteam';

interface CachedMembers {
  at: number;
  users: ReadonlySet<string>;
}

/** One cache per running app, so two apps in one process (tests) never share an answer. */
const caches = new WeakMap<AppContext, Map<string, CachedMembers>>();

export async function checkFacilitator(ctx: AppContext, client: WebClient, userId: string, groups: readonly string[]): Promise<FacilitatorCheck> {
  if (!ctx.approversFile) {
    return unresolved('drills from Slack need the approvers file (QUELL_APPROVERS_FILE) to say who facilitates, and none is configured.');
  }
  const loaded = loadApproversFile(ctx.approversFile);
  if (!loaded.ok) {
    ctx.logger.error({ problems: loaded.errors.map(formatApproversError) }, 'approvers file does not load; drill commands are refused');
    return unresolved('the approvers file has errors (`quell doctor` lists them). Fix it, then try again.');
  }
  const { config } = loaded;
  const user = userId.toUpperCase();
  const wanted = [...new Set(groups)];
  const defined = wanted.flatMap((name) => {
    const entry = ownValue(config.groups, name);
    return entry ? [{ name, entry }] : [];
  });
  const undefinedGroups = wanted.filter((name) => !defined.some((group) => group.name === name));
  if (undefinedGroups.length > 0) ctx.logger.warn({ groups: undefinedGroups, file: config.file }, 'facilitator groups not defined in the approvers file have no members');

  // Listed people first: they need no call to Slack.
  for (const { name, entry } of defined) {
    if (entry.people.some((person) => ownValue(config.people, person)?.slack?.toUpperCase() === user)) return { allowed: true, group: name };
  }
  const failures: string[] = [];
  for (const { name, entry } of defined) {
    for (const usergroup of entry.slack_usergroups) {
      try {
        if ((await usergroupMembers(ctx, client, config, usergroup)).has(user)) return { allowed: true, group: name };
      } catch (error) {
        const problem = slackError(error);
        ctx.logger.warn({ err: problem, usergroup, group: name }, 'Slack user group members could not be read for a drill command');
        failures.push(`${usergroup} (group ${name}): ${problem.error ?? problem.message}`);
      }
    }
  }
  if (failures.length > 0) {
    return unresolved(`Slack did not list the members of user group ${failures.join('; ')}. Try again in a moment; if it keeps failing, check that the bot token has the usergroups:read scope.`);
  }
  return { allowed: false, reason: 'not-member', groups: wanted, undefinedGroups };
}

async function usergroupMembers(ctx: AppContext, client: WebClient, config: ApproversConfig, usergroup: string): Promise<ReadonlySet<string>> {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  const cached = cache.get(usergroup);
  if (cached && Date.now() - cached.at < config.membershipCacheMs) return cached.users;
  let users: ReadonlySet<string>;
  try {
    const answer = await client.usergroups.users.list({ usergroup });
    users = new Set((answer.users ?? []).map((id) => id.toUpperCase()));
  } catch (error) {
    if (slackError(error).error !== MISSING_USERGROUP) throw error;
    ctx.logger.warn({ usergroup, file: config.file }, 'Slack user group in the approvers file does not exist; it adds no one');
    users = new Set();
  }
  cache.set(usergroup, { at: Date.now(), users });
  return users;
}

function unresolved(message: string): FacilitatorCheck {
  return { allowed: false, reason: 'unresolved', message };
}
