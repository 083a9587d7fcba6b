/**
 * The slack connector's read-only permission probe for `notify`: the scopes Slack reports for the
 * bot token with `auth.test` (the X-OAuth-Scopes header the Web API client exposes as
 * `response_metadata.scopes`). Posting needs `chat:write`; checking an uncertain post before
 * repeating it needs `channels:history`. A server that does not report scopes cannot be judged.
 */
import type { WebClient } from '@slack/web-api';
import type { PermissionCheck, PermissionQuestion } from '../connector';
import { SLACK_CONNECTOR } from './client';
import { slackFailure } from './failures';

export const NOTIFY_SCOPES = ['chat:write', 'channels:history'];

/** The verdict on each scope `notify` needs, from the scopes Slack listed (undefined: it listed none). */
export function scopeChecks(scopes: readonly string[] | undefined): PermissionCheck[] {
  return NOTIFY_SCOPES.map((scope) => {
    if (scopes === undefined) return { permission: scope, verdict: 'not-checkable', detail: 'Slack did not report the token scopes' };
    const held = scopes.includes(scope);
    return { permission: scope, verdict: held ? 'granted' : 'missing', detail: held ? 'the bot token has it' : `the bot token has ${scopes.join(', ') || 'no scope'}` };
  });
}

export function slackPermissionProbe(client: WebClient): (question: PermissionQuestion) => Promise<PermissionCheck[]> {
  return async ({ action }) => {
    if (action !== 'notify') return [];
    try {
      const identity = await client.auth.test();
      return scopeChecks(identity.response_metadata?.scopes);
    } catch (error) {
      const reason = slackFailure({ connector: SLACK_CONNECTOR, operation: 'auth.test' }, error).message;
      return NOTIFY_SCOPES.map((scope) => ({ permission: scope, verdict: 'not-checkable', detail: reason }));
    }
  };
}
