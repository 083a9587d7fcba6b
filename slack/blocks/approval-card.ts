/**
 * The approval card in the run's thread: the exact summary being approved, progress toward the
 * quorum ("1 of 2 approvals"), every decision with who, how and when, the escalation if any, and
 * while the gate is open an Approve button (behind a confirm dialog) and a Reject button. Both
 * buttons carry the run, the gate and the sha256 of the summary shown, so a click is bound to
 * what the approver saw. When the gate closes the buttons go and the outcome is shown instead.
 */
import type { Button, KnownBlock } from '@slack/web-api';
import type { ApprovalCardView, DecisionView } from '../../common/publisher-view';
import type { RunMode } from '../../common/run-state';
import { ActionId, type ApprovalButtonValue } from './interaction-ids';
import { actorText, escapeText, exerciseBlocks, fallbackText, LIMITS, plain, quote, slackDate, slackUserOf, truncate, viaText } from './format';
import type { SlackMessage } from './root-message';

/** At most this many eligible approvers are listed by name. */
const ELIGIBLE_SHOWN = 15;

export function buildApprovalCard(card: ApprovalCardView, mode?: RunMode): SlackMessage {
  const name = escapeText(card.title ?? card.stepId);
  const approvals = card.decisions.filter((decision) => decision.decision === 'approve').length;
  const blocks: KnownBlock[] = [
    ...exerciseBlocks(mode),
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${headline(card)} *${name}*`, LIMITS.sectionText) } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(quote(card.summary), LIMITS.sectionText) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(
            [
              `*${approvals} of ${card.quorum} approval${card.quorum === 1 ? '' : 's'}*`,
              `approvers: ${card.approverGroups.map(escapeText).join(', ')}`,
              `requested by ${actorText(card.requester)} (who cannot approve)`,
              card.open ? `decide by ${slackDate(card.deadline)}` : undefined,
            ]
              .filter(Boolean)
              .join('  ·  '),
            LIMITS.contextText,
          ),
        },
      ],
    },
  ];
  const who = whoMayApprove(card);
  if (who) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(who, LIMITS.contextText) }] });
  if (card.escalated) {
    const to = card.escalateTo?.length ? ` to *${card.escalateTo.map(escapeText).join(', ')}*` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: Overdue: escalated${to}${card.open ? `; new deadline ${slackDate(card.deadline)}` : ''}` } });
  }
  if (card.decisions.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(card.decisions.map(decisionLine).join('\n'), LIMITS.sectionText) } });
  }
  if (card.open) blocks.push({ type: 'actions', block_id: `quell.approval.${card.stepId}`.slice(0, 255), elements: buttons(card) });
  else blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(outcomeText(card), LIMITS.sectionText) } });

  const plainName = card.title ?? card.stepId;
  const text = card.open
    ? `Approval needed (${approvals} of ${card.quorum}): ${plainName}: ${card.summary}`
    : `Approval ${card.outcome ?? 'closed'}: ${plainName}`;
  return { text: fallbackText(mode, text), blocks };
}

function headline(card: ApprovalCardView): string {
  if (card.open) return ':raised_hand: Approval needed:';
  switch (card.outcome) {
    case 'approved':
      return ':white_check_mark: Approved:';
    case 'rejected':
      return ':no_entry: Rejected:';
    case 'timed-out':
      return ':alarm_clock: Timed out:';
    default:
      return ':heavy_multiplication_x: Closed:';
  }
}

function decisionLine(decision: DecisionView): string {
  const verb = decision.decision === 'approve' ? ':thumbsup: approved' : ':thumbsdown: rejected';
  const reason = decision.reason ? `: “${escapeText(decision.reason)}”` : '';
  return `• ${actorText(decision.actor, decision.person, decision.via)} ${verb} via ${viaText(decision.via)}, ${slackDate(decision.at)}${reason}`;
}

/** The open policy, or the people who may decide (Slack users as mentions), when known. */
function whoMayApprove(card: ApprovalCardView): string | undefined {
  if (card.policy === 'open') return ':unlock: Open policy (no approvers file): anyone but the requester may approve.';
  if (!card.eligible || !card.open) return undefined;
  if (card.eligible.length === 0) return ':lock: Nobody is currently eligible to approve.';
  const names = card.eligible.slice(0, ELIGIBLE_SHOWN).map((entry) => {
    const slack = entry.slack ? slackUserOf(entry.slack.startsWith('slack:') ? entry.slack : `slack:${entry.slack}`) : undefined;
    return slack ? `<@${slack}>` : escapeText(entry.person);
  });
  const more = card.eligible.length > ELIGIBLE_SHOWN ? ` and ${card.eligible.length - ELIGIBLE_SHOWN} more` : '';
  return `Can approve: ${names.join(', ')}${more}`;
}

function outcomeText(card: ApprovalCardView): string {
  const approvers = card.decisions.filter((decision) => decision.decision === 'approve').map((decision) => actorText(decision.actor, decision.person, decision.via));
  switch (card.outcome) {
    case 'approved':
      return approvers.length > 0 ? `*Approved* by ${approvers.join(', ')}.` : '*Approved* by the timeout policy: nobody decided in time.';
    case 'rejected': {
      const rejection = card.decisions.find((decision) => decision.decision === 'reject');
      return rejection
        ? `*Rejected* by ${actorText(rejection.actor, rejection.person, rejection.via)}${rejection.reason ? `: “${escapeText(rejection.reason)}”` : ''}. The run stops and undoes what it can.`
        : '*Rejected*.';
    }
    case 'timed-out':
      return `*Timed out*: no decision by ${slackDate(card.deadline)}. The run stops and undoes what it can.`;
    default:
      return `*Closed* without a decision${card.closedReason ? `: ${escapeText(card.closedReason)}` : ''}.`;
  }
}

function buttons(card: ApprovalCardView): Button[] {
  const value: ApprovalButtonValue = { w: card.workflowId, s: card.stepId, h: card.summarySha256 };
  const json = JSON.stringify(value);
  return [
    {
      type: 'button',
      action_id: ActionId.approve,
      text: plain('Approve', LIMITS.buttonText),
      style: 'primary',
      value: json,
      confirm: {
        title: plain('Approve this?', LIMITS.confirmTitle),
        text: { type: 'mrkdwn', text: truncate(`You approve:\n${quote(card.summary)}`, LIMITS.confirmText) },
        confirm: plain('Approve', LIMITS.confirmButton),
        deny: plain('Cancel', LIMITS.confirmButton),
      },
    },
    { type: 'button', action_id: ActionId.reject, text: plain('Reject…', LIMITS.buttonText), style: 'danger', value: json },
  ];
}
