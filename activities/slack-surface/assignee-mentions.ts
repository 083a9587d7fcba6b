/**
 * Whom a manual task's card mentions in the run's thread. The assignee is written either as
 * `group:<name>` (an approver group: its people and its Slack user groups' members, resolved as
 * gates resolve them) or as a person's name under `people` in the approvers file; anything else is
 * a name shown on the card and mentions nobody, as before.
 *
 * The card is how the task reaches people, so resolving never stops it from being posted: a group
 * that cannot be resolved, or members without a Slack user id, are said on the card instead. A
 * Slack user group that cannot be read right now fails the attempt, which the publisher retries.
 */
import { ownValue } from '../../common/own';
import type { KnownBlock } from '@slack/web-api';
import { resolveApproverGroups, type ApproversSetup } from '../approvers/resolve';
import type { SlackMessage } from '../../slack/blocks';

const GROUP_PREFIX = 'group:';
/** Slack's limit for one context element's text. */
const CONTEXT_TEXT_MAX = 3000;

export interface AssigneeMentions {
  /** Slack user ids to mention, each once, in the order met. */
  users: string[];
  /** What kept someone from being mentioned, for the card (and the log). */
  problems: string[];
}

export async function assigneeMentions(approvers: ApproversSetup | undefined, assignee: string): Promise<AssigneeMentions> {
  if (!assignee.startsWith(GROUP_PREFIX)) {
    const slack = approvers ? ownValue(approvers.config.people, assignee)?.slack : undefined;
    return { users: slack ? [slack] : [], problems: [] };
  }
  const group = assignee.slice(GROUP_PREFIX.length);
  if (!approvers) return { users: [], problems: [`${assignee} is not resolved: no approvers file is configured (QUELL_APPROVERS_FILE)`] };
  if (ownValue(approvers.config.groups, group) === undefined) {
    return { users: [], problems: [`approver group ${group} is not defined in ${approvers.config.file}`] };
  }
  const resolution = await resolveApproverGroups(approvers, [group]);
  const slackOf = new Map(resolution.people.map((person) => [person.person, person.slack]));
  const members = resolution.groups[0]?.members ?? [];
  const users = [...new Set(members.map((person) => slackOf.get(person)).filter((id): id is string => id !== undefined))];
  const lacking = members.filter((person) => slackOf.get(person) === undefined);
  const problems = [
    ...(members.length === 0 ? [`${assignee} has no members right now`] : []),
    ...(lacking.length > 0 ? [`not mentioned (no Slack user id): ${lacking.join(', ')}`] : []),
  ];
  return { users, problems };
}

/** The card with the mentions (and any problem) added: a context line, and the notification text. */
export function withMentions(message: SlackMessage, mentions: AssigneeMentions): SlackMessage {
  if (mentions.users.length === 0 && mentions.problems.length === 0) return message;
  const tags = mentions.users.map((user) => `<@${user}>`).join(' ');
  const line = [...(tags ? [`For ${tags}`] : []), ...mentions.problems.map((problem) => `:warning: ${escapeMrkdwn(problem)}`)].join('\n');
  const context: KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: line.slice(0, CONTEXT_TEXT_MAX) }] };
  // After the task's own section (and any exercise banner before it), above instructions and buttons.
  const at = Math.max(message.blocks.findIndex((block) => block.type === 'section') + 1, 0);
  return {
    text: tags ? `${tags} ${message.text}` : message.text,
    blocks: [...message.blocks.slice(0, at), context, ...message.blocks.slice(at)],
  };
}

/** Names from files and runbooks are shown as written, never as Slack markup. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
