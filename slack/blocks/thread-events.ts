/**
 * Event lines in the run's thread: what happened, who did it, when. Several events that happen
 * together arrive as one message of several lines (one request instead of many).
 */
import type { KnownBlock } from '@slack/web-api';
import type { EventLineView } from '../../common/publisher-view';
import type { RunMode } from '../../common/run-state';
import { actorText, chunkLines, escapeText, exerciseBlocks, fallbackText, LIMITS, slackDate } from './format';
import type { SlackMessage } from './root-message';

export function buildEventLines(lines: EventLineView[], mode?: RunMode): SlackMessage {
  const texts = lines.map(eventLineText);
  const banner = exerciseBlocks(mode);
  const sections = chunkLines(texts, LIMITS.sectionText)
    .slice(0, LIMITS.blocks - banner.length)
    .map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  // Each line is escaped on its own (eventLinePlain); the banner is Quell's own words.
  return { text: fallbackText(mode, lines.map(eventLinePlain).join('\n'), (done) => done), blocks: [...banner, ...sections] };
}

/** One event as a mrkdwn line, led by the time it happened. */
export function eventLineText(event: EventLineView): string {
  return `${slackDate(event.at, '{time_secs}')}  ${sentence(event)}`;
}

function sentence(event: EventLineView): string {
  const step = `*${escapeText(event.stepTitle ?? event.step ?? 'the run')}*`;
  const who = event.actor ? actorText(event.actor) : 'someone';
  const detail = event.detail ? escapeText(event.detail) : '';
  const reason = event.detail ? `: “${detail}”` : '';
  switch (event.kind) {
    case 'step.succeeded':
      return `:white_check_mark: ${step} done${detail ? ` (\`${detail}\`)` : ''}`;
    case 'step.failed':
      return `:x: ${step} failed${detail ? `: ${detail}` : ''}`;
    case 'step.skipped':
      return `:fast_forward: ${step} skipped${detail ? ` (${detail})` : ''}`;
    case 'step.compensated':
      return `:leftwards_arrow_with_hook: ${step} undone${detail ? ` with \`${detail}\`` : ''}`;
    case 'step.compensation-failed':
      return `:warning: undoing ${step} failed${detail ? `: ${detail}` : ''}`;
    case 'approval.approved':
      return `:thumbsup: ${who} approved ${step}${reason}`;
    case 'approval.rejected':
      return `:thumbsdown: ${who} rejected ${step}${reason}`;
    case 'approval.timed-out':
      return `:alarm_clock: ${step}: ${detail || 'no decision in time'}`;
    case 'event.received':
      return `:incoming_envelope: \`${detail}\` received from ${who}`;
    case 'manual.done':
      return `:ballot_box_with_check: ${who} marked ${step} done${reason}`;
    case 'wait.reminder':
      return `:hourglass: ${step}: ${detail || 'still waiting'}`;
    case 'run.cancel-requested':
      return `:octagonal_sign: ${who} asked to cancel the run${reason}`;
    case 'run.status':
      return runStatusSentence(event.detail ?? '');
    case 'decision.answered':
      return `:ballot_box_with_check: ${who} answered ${step}${detail ? `: ${detail}` : ''}`;
    case 'decision.defaulted':
      return `:hourglass: ${step} chosen by default${detail ? `: ${detail}` : ''}`;
    case 'run.ended':
      return `:checkered_flag: ${step} ended the run: *completed: ${detail}*`;
    case 'drill.inject':
      return `:clapper: *Inject* ${detail}`;
    default:
      return `• ${escapeText(event.kind)}${event.step ? ` ${step}` : ''}${detail ? `: ${detail}` : ''}`;
  }
}

function runStatusSentence(status: string): string {
  switch (status) {
    case 'completed':
      return ':tada: *Run completed*';
    case 'failed':
      return ':x: *Run failed*';
    case 'rejected':
      return ':no_entry: *Run rejected*; completed steps that can be undone are undone';
    case 'cancelling':
      return ':warning: *Cancelling*: undoing completed steps, newest first';
    case 'cancelled':
      return ':no_entry_sign: *Run cancelled*';
    default:
      return `Run ${escapeText(status)}`;
  }
}

/** The same line without markup, for the notification text (escaped too: Slack parses it). */
function eventLinePlain(event: EventLineView): string {
  const parts = [event.kind.replace('.', ' '), event.stepTitle ?? event.step, event.actor, event.detail].filter(Boolean);
  return escapeText(parts.join(' · '));
}
