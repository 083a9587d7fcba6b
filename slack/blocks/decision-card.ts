/**
 * The decision card in the run's thread: the question, who may answer and by when, every answer
 * with who chose what, the escalation if any, and while the decision is open one button per
 * option. Each button carries the run, the decision, the option and the sha256 of the question
 * shown, so an answer is bound to what the person read; a decision that declares form fields
 * opens its form on the click instead of asking for a confirmation. When the decision closes the
 * buttons go and the choice is shown instead (with who made it, or that the timeout did).
 */
import type { Button, KnownBlock } from '@slack/web-api';
import type { DecisionAnswerView, DecisionCardView } from '../../common/publisher-view';
import type { RunMode } from '../../common/run-state';
import { ActionId, type DecisionButtonValue } from './interaction-ids';
import { actorText, escapeText, exerciseBlocks, fallbackText, LIMITS, plain, quote, slackDate, slackUserOf, truncate, viaText } from './format';
import type { SlackMessage } from './root-message';

/** At most this many eligible deciders are listed by name. */
const ELIGIBLE_SHOWN = 15;

export function buildDecisionCard(card: DecisionCardView, mode?: RunMode): SlackMessage {
  const name = escapeText(card.title ?? card.stepId);
  const facts = [
    `*${card.answers.length} answer${card.answers.length === 1 ? '' : 's'}*; ${card.quorum} for one option decide${card.quorum === 1 ? 's' : ''}`,
    `deciders: ${card.approverGroups.map(escapeText).join(', ')}`,
    `requested by ${actorText(card.requester)}${card.requesterMayAnswer ? '' : ' (who cannot answer)'}`,
    card.open ? `answer by ${slackDate(card.deadline)}` : undefined,
  ];
  const blocks: KnownBlock[] = [
    ...exerciseBlocks(mode),
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${headline(card)} *${name}*`, LIMITS.sectionText) } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(quote(card.question), LIMITS.sectionText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(facts.filter(Boolean).join('  ·  '), LIMITS.contextText) }] },
  ];
  const who = whoMayAnswer(card);
  if (who) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(who, LIMITS.contextText) }] });
  if (card.escalated) {
    const to = card.escalateTo?.length ? ` to *${card.escalateTo.map(escapeText).join(', ')}*` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: Overdue: escalated${to}${card.open ? `; new deadline ${slackDate(card.deadline)}` : ''}` } });
  }
  if (card.answers.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(card.answers.map((answer) => answerLine(card, answer)).join('\n'), LIMITS.sectionText) } });
  }
  if (card.open) blocks.push({ type: 'actions', block_id: `quell.decision.${card.stepId}`.slice(0, 255), elements: buttons(card) });
  else blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(outcomeText(card), LIMITS.sectionText) } });

  const plainName = card.title ?? card.stepId;
  const text = card.open
    ? `Decision needed: ${plainName}: ${card.question}`
    : card.chosen !== undefined
      ? `Decided: ${plainName}: ${labelOf(card, card.chosen)}`
      : `Decision ${card.outcome ?? 'closed'}: ${plainName}`;
  return { text: fallbackText(mode, text), blocks };
}

function headline(card: DecisionCardView): string {
  if (card.open) return ':question: Decision needed:';
  switch (card.outcome) {
    case 'answered':
      return ':ballot_box_with_check: Decided:';
    case 'defaulted':
      return ':hourglass: Decided by default:';
    case 'timed-out':
      return ':alarm_clock: Timed out:';
    default:
      return ':heavy_multiplication_x: Closed:';
  }
}

function labelOf(card: DecisionCardView, option: string): string {
  return card.options.find((candidate) => candidate.id === option)?.label ?? option;
}

function answerLine(card: DecisionCardView, answer: DecisionAnswerView): string {
  const reason = answer.reason ? `: “${escapeText(answer.reason)}”` : '';
  return `• ${actorText(answer.actor, answer.person, answer.via)} chose *${escapeText(labelOf(card, answer.option))}* via ${viaText(answer.via)}, ${slackDate(answer.at)}${reason}`;
}

/** The open policy, or the people who may answer (Slack users as mentions), while it is open. */
function whoMayAnswer(card: DecisionCardView): string | undefined {
  if (card.policy === 'open') return `:unlock: Open policy (no approvers file): anyone${card.requesterMayAnswer ? '' : ' but the requester'} may answer.`;
  if (!card.eligible || !card.open) return undefined;
  if (card.eligible.length === 0) return ':lock: Nobody is currently eligible to answer.';
  const names = card.eligible.slice(0, ELIGIBLE_SHOWN).map((entry) => {
    const slack = entry.slack ? slackUserOf(entry.slack.startsWith('slack:') ? entry.slack : `slack:${entry.slack}`) : undefined;
    return slack ? `<@${slack}>` : escapeText(entry.person);
  });
  const more = card.eligible.length > ELIGIBLE_SHOWN ? ` and ${card.eligible.length - ELIGIBLE_SHOWN} more` : '';
  return `Can answer: ${names.join(', ')}${more}`;
}

function outcomeText(card: DecisionCardView): string {
  const chosen = card.chosen !== undefined ? `*${escapeText(labelOf(card, card.chosen))}* (\`${escapeText(card.chosen)}\`)` : '';
  switch (card.outcome) {
    case 'answered': {
      const by = card.answers.filter((answer) => answer.option === card.chosen).map((answer) => actorText(answer.actor, answer.person, answer.via));
      return `Chosen: ${chosen}${by.length > 0 ? ` by ${by.join(', ')}` : ''}.`;
    }
    case 'defaulted':
      return `Chosen by default: ${chosen}: nobody answered by ${slackDate(card.deadline)}.`;
    case 'timed-out':
      return `*Timed out*: no answer by ${slackDate(card.deadline)}. The step fails.`;
    default:
      return `*Closed* without an answer${card.closedReason ? `: ${escapeText(card.closedReason)}` : ''}.`;
  }
}

function buttons(card: DecisionCardView): Button[] {
  return card.options.map((option): Button => {
    const value: DecisionButtonValue = { w: card.workflowId, s: card.stepId, o: option.id, h: card.questionSha256, ...(card.hasForm ? { f: 1 as const } : {}) };
    const button: Button = { type: 'button', action_id: `${ActionId.answer}.${option.id}`.slice(0, 255), text: plain(option.label, LIMITS.buttonText), value: JSON.stringify(value) };
    // A form is a deliberate step of its own; a plain answer is confirmed first, as an approval is.
    if (card.hasForm) return button;
    return {
      ...button,
      confirm: {
        title: plain('Answer this?', LIMITS.confirmTitle),
        text: { type: 'mrkdwn', text: truncate(`You answer *${escapeText(option.label)}* to:\n${quote(card.question)}`, LIMITS.confirmText) },
        confirm: plain('Answer', LIMITS.confirmButton),
        deny: plain('Cancel', LIMITS.confirmButton),
      },
    };
  });
}
