/**
 * Reads the members of Slack user groups with `usergroups.users.list` (scope `usergroups:read`),
 * keeping each answer for `membership_cache` so a burst of gates and refreshes costs one call per
 * group. Every failure is retryable: approval membership fails closed, so while Slack cannot be
 * asked nobody gains the right to approve, and the activity keeps trying until Slack answers.
 * A 429 carries Retry-After as Temporal's next retry delay.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, type WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { SLACK_CONNECTOR } from './client';
import { slackFailure } from './failures';

export interface UsergroupMembers {
  /** Slack user ids. */
  users: string[];
  /** Slack said the user group does not exist (deleted, or a typo in the file): it has no members. */
  missing: boolean;
}

export interface UsergroupReader {
  members(usergroup: string): Promise<UsergroupMembers>;
}

/** Slack's answer when the user group id names nothing: a definite answer, not an outage. */
const MISSING_USERGROUP_ERRORS = new Set(['no_such_subteam']);

export function slackUsergroupReader(client: WebClient, cacheMs: number, now: () => number = Date.now): UsergroupReader {
  const cache = new Map<string, { at: number; members: UsergroupMembers }>();
  // Concurrent gates asking for the same group share one request.
  const inFlight = new Map<string, Promise<UsergroupMembers>>();

  async function fetchMembers(usergroup: string): Promise<UsergroupMembers> {
    try {
      const answer = await client.usergroups.users.list({ usergroup });
      return { users: [...new Set(answer.users ?? [])], missing: false };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === ErrorCode.PlatformError && MISSING_USERGROUP_ERRORS.has((error as WebAPIPlatformError).data.error)) {
        return { users: [], missing: true };
      }
      throw retryable(slackFailure({ connector: SLACK_CONNECTOR, operation: `usergroups.users.list ${usergroup}` }, error));
    }
  }

  return {
    async members(usergroup) {
      const cached = cache.get(usergroup);
      if (cached && now() - cached.at < cacheMs) return cached.members;
      let pending = inFlight.get(usergroup);
      if (!pending) {
        pending = fetchMembers(usergroup).finally(() => inFlight.delete(usergroup));
        inFlight.set(usergroup, pending);
      }
      const members = await pending;
      cache.set(usergroup, { at: now(), members });
      return members;
    },
  };
}

/**
 * The same failure, but retryable. A refused token or a missing scope would normally stop at
 * once; here stopping would fail the run, while retrying keeps the gate closed until someone
 * fixes the token, which is what failing closed means.
 */
function retryable(failure: ApplicationFailure): ApplicationFailure {
  if (!failure.nonRetryable) return failure;
  return ApplicationFailure.create({
    message: failure.message,
    type: failure.type ?? undefined,
    nonRetryable: false,
    details: failure.details ? [...failure.details] : undefined,
    cause: failure.cause,
  });
}
