/**
 * The thread message that pings the people an overdue approval (or decision) was escalated to. Mentions only
 * notify in new messages (not in edits), so this is a message of its own, posted once.
 */
import type { KnownBlock } from '@slack/web-api';
import type { EscalationPingView } from '../../common/publisher-view';
import type { RunMode } from '../../common/run-state';
import { escapeText, exerciseBlocks, fallbackText, LIMITS, quote, truncate } from './format';
import type { SlackMessage } from './root-message';

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_USERGROUP = /^S[A-Z0-9]{2,}$/;

export function buildEscalationPing(ping: EscalationPingView, mode?: RunMode): SlackMessage {
  // Only well-formed ids become mentions: anything else would be sent as literal markup.
  const mentions = [
    ...ping.slackUsers.filter((id) => SLACK_USER.test(id)).map((id) => `<@${id}>`),
    ...ping.slackUsergroups.filter((id) => SLACK_USERGROUP.test(id)).map((id) => `<!subteam^${id}>`),
  ];
  const groups = ping.groups.map(escapeText).join(', ');
  const name = escapeText(ping.title ?? ping.stepId);
  const to = mentions.length > 0 ? mentions.join(' ') : `*${groups}*`;
  const gate = ping.gate === 'decision' ? 'decision' : 'approval';
  const lead = `:rotating_light: ${to}: the ${gate} *${name}* is overdue and was escalated to ${mentions.length > 0 ? `*${groups}*` : 'you'}. Please review the ${gate} card in this thread.`;
  const blocks: KnownBlock[] = [...exerciseBlocks(mode), { type: 'section', text: { type: 'mrkdwn', text: truncate(`${lead}\n${quote(ping.summary)}`, LIMITS.sectionText) } }];
  // The notification text carries the mentions too: that is what makes Slack notify them. It is
  // escaped piece by piece above (the mentions are markup on purpose).
  const text = `${mentions.join(' ')}${mentions.length ? ' ' : ''}${gate === 'decision' ? 'Decision' : 'Approval'} overdue, escalated to ${groups}: ${escapeText(ping.title ?? ping.stepId)}`;
  return { text: fallbackText(mode, text, (done) => done), blocks };
}
