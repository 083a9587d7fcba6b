/**
 * The wait card in the run's thread: which event the run waits for, until when, and while it
 * waits a button named after the event ("Vendor confirmed deletion") that delivers it (or, for a
 * wait that declares outputs, opens their form). Once the event arrived (or the wait failed) the
 * button goes and the card says who reported it and when.
 */
import type { Button, KnownBlock } from '@slack/web-api';
import type { WaitCardView } from '../../common/publisher-view';
import type { RunMode } from '../../common/run-state';
import { ActionId, type EventButtonValue } from './interaction-ids';
import { actorText, escapeText, eventButtonLabel, exerciseBlocks, fallbackText, LIMITS, plain, slackDate, truncate, viaText } from './format';
import type { SlackMessage } from './root-message';

export function buildWaitCard(card: WaitCardView, mode?: RunMode): SlackMessage {
  const name = escapeText(card.title ?? card.stepId);
  const label = eventButtonLabel(card.event);
  const head = card.open
    ? `:hourglass_flowing_sand: *Waiting for \`${escapeText(card.event)}\`* (${name})`
    : card.status === 'succeeded'
      ? `:white_check_mark: *\`${escapeText(card.event)}\` received* (${name})`
      : `:x: *No \`${escapeText(card.event)}\`* (${name})`;
  const facts = [
    card.deadline ? `${card.open ? 'deadline' : 'deadline was'} ${slackDate(card.deadline)}` : 'no deadline',
    `${card.remindersSent} reminder${card.remindersSent === 1 ? '' : 's'} sent`,
  ].join('  ·  ');
  const blocks: KnownBlock[] = [
    ...exerciseBlocks(mode),
    { type: 'section', text: { type: 'mrkdwn', text: truncate(head, LIMITS.sectionText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: facts }] },
  ];
  if (card.open) {
    const value: EventButtonValue = { w: card.workflowId, s: card.stepId, e: card.event, ...(card.hasForm ? { f: 1 as const } : {}) };
    const button: Button = { type: 'button', action_id: ActionId.deliverEvent, text: plain(label, LIMITS.buttonText), style: 'primary', value: JSON.stringify(value) };
    blocks.push({
      type: 'actions',
      block_id: `quell.wait.${card.stepId}`.slice(0, 255),
      // Reporting an event moves the run on; one stray click should not do that. A wait with
      // outputs opens their form instead, a deliberate step of its own.
      elements: [
        card.hasForm
          ? button
          : {
              ...button,
              confirm: {
                title: plain(`${label}?`, LIMITS.confirmTitle),
                text: { type: 'mrkdwn', text: truncate(`Report \`${escapeText(card.event)}\` to the run: the step waiting for it completes.`, LIMITS.confirmText) },
                confirm: plain('Report it', LIMITS.confirmButton),
                deny: plain('Cancel', LIMITS.confirmButton),
              },
            },
      ],
    });
  } else if (card.status === 'succeeded') {
    const by = card.receivedBy ? ` from ${actorText(card.receivedBy, undefined, card.receivedVia)}` : '';
    const via = card.receivedVia ? ` via ${viaText(card.receivedVia)}` : '';
    const at = card.receivedAt ? `, ${slackDate(card.receivedAt)}` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`Received${by}${via}${at}.`, LIMITS.sectionText) } });
  } else if (card.error) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(escapeText(card.error), LIMITS.sectionText) } });
  }
  const text = card.open ? `Waiting for ${card.event} (${card.title ?? card.stepId})` : `${card.event}: ${card.status} (${card.title ?? card.stepId})`;
  return { text: fallbackText(mode, text), blocks };
}
