/**
 * The manual task card in the run's thread: the task, who it is for, any instructions, and a
 * "Done" button (behind a confirm dialog, or opening the form of the task's declared outputs)
 * while it is open. When someone completes it the button goes and the card says
 * who did it, when, and their note.
 */
import type { Button, KnownBlock } from '@slack/web-api';
import type { ManualCardView } from '../../common/publisher-view';
import type { RunMode } from '../../common/run-state';
import { ActionId, type ManualButtonValue } from './interaction-ids';
import { actorText, escapeText, exerciseBlocks, fallbackText, LIMITS, plain, quote, slackDate, truncate } from './format';
import type { SlackMessage } from './root-message';

export function buildManualCard(card: ManualCardView, mode?: RunMode): SlackMessage {
  const name = escapeText(card.title ?? card.stepId);
  const head = card.open
    ? `:clipboard: *Task: ${name}*`
    : card.doneBy
      ? `:ballot_box_with_check: *Done: ${name}*`
      : `:x: *Not done: ${name}*`;
  const blocks: KnownBlock[] = [
    ...exerciseBlocks(mode),
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${head}\n${quote(card.task)}`, LIMITS.sectionText) } },
  ];
  if (card.assignee) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`Assigned to ${escapeText(card.assignee)}`, LIMITS.contextText) }] });
  if (card.instructions && card.open) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Instructions*\n${escapeText(card.instructions)}`, LIMITS.sectionText) } });
  }
  if (card.open) {
    const value: ManualButtonValue = { w: card.workflowId, s: card.stepId, ...(card.hasForm ? { f: 1 as const } : {}) };
    const button: Button = { type: 'button', action_id: ActionId.completeManual, text: plain('Done', LIMITS.buttonText), style: 'primary', value: JSON.stringify(value) };
    blocks.push({
      type: 'actions',
      block_id: `quell.manual.${card.stepId}`.slice(0, 255),
      // The run moves on when the task is marked done: a stray tap must not skip a human check.
      // A task with outputs opens their form instead, a deliberate step of its own.
      elements: [
        card.hasForm
          ? button
          : {
              ...button,
              confirm: {
                title: plain('Mark it done?', LIMITS.confirmTitle),
                text: { type: 'mrkdwn', text: truncate(`You confirm this is done:\n${quote(card.task)}`, LIMITS.confirmText) },
                confirm: plain('Done', LIMITS.confirmButton),
                deny: plain('Cancel', LIMITS.confirmButton),
              },
            },
      ],
    });
  } else if (card.doneBy) {
    const at = card.doneAt ? `, ${slackDate(card.doneAt)}` : '';
    const note = card.note ? `: “${escapeText(card.note)}”` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`Done by ${actorText(card.doneBy)}${at}${note}`, LIMITS.sectionText) } });
  } else if (card.error) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(escapeText(card.error), LIMITS.sectionText) } });
  }
  const text = card.open ? `Task: ${card.title ?? card.stepId}: ${card.task}` : `Task ${card.doneBy ? 'done' : card.status}: ${card.title ?? card.stepId}`;
  return { text: fallbackText(mode, text), blocks };
}
