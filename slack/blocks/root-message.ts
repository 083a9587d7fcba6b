/**
 * The run's root message in the incident channel: what runs, for which incident, in which mode,
 * who asked, how it stands (its severity once re-graded, the run that started it, for a child
 * run), and one line per step (a loop's line counts its items instead of listing them). Kept
 * current with chat.update; the thread under it carries the events and the cards. A tabletop
 * run's message opens with the exercise banner (common/exercise.ts), as does every message in
 * its thread.
 */
import type { KnownBlock } from '@slack/web-api';
import { isExercise } from '../../common/exercise';
import type { RootView, StepLineView } from '../../common/publisher-view';
import {
  actorText,
  capitalise,
  chunkLines,
  escapeText,
  exerciseBlocks,
  fallbackText,
  LIMITS,
  plain,
  runStatusEmoji,
  slackDate,
  stepStatusEmoji,
  truncate,
} from './format';

export interface SlackMessage {
  /** Notification and screen-reader text; Slack requires it alongside blocks. */
  text: string;
  blocks: KnownBlock[];
}

export function buildRootMessage(view: RootView): SlackMessage {
  const badge = isExercise(view.mode) ? ':performing_arts: *TABLETOP* exercise: nothing is changed' : ':red_circle: *LIVE*';
  const facts = [
    `*${escapeText(view.incidentId)}*`,
    badge,
    `requested by ${actorText(view.requestedBy)}`,
    `runbook \`${escapeText(view.runbookId)}\` v${view.runbookVersion}`,
    ...(view.severity ? [`severity: *${escapeText(view.severity.current)}* (was ${escapeText(view.severity.was)})`] : []),
    ...(view.parent ? [`started by run \`${escapeText(view.parent.workflowId)}\` at step *${escapeText(view.parent.stepId)}*`] : []),
  ].join('  ·  ');

  // A run an `end` step completed says how it ended: `Completed: false-positive`.
  const status = view.outcome ? `${capitalise(view.status)}: ${escapeText(view.outcome.name)}` : capitalise(view.status);
  const statusLines = [`${runStatusEmoji(view.status)} *${status}*${progressOf(view)}`];
  if (view.outcome?.summary) statusLines.push(`“${escapeText(view.outcome.summary)}”`);
  if (view.failure) statusLines.push(`${view.failure.step ? `Step *${escapeText(view.failure.step)}*: ` : ''}${escapeText(view.failure.message)}`);
  if (view.cancel) statusLines.push(`Cancelled by ${actorText(view.cancel.actor)}: ${escapeText(view.cancel.reason)}`);

  const banner = exerciseBlocks(view.mode);
  const stepSections = chunkLines(view.steps.map(stepLineText), LIMITS.sectionText).map(
    (text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } }),
  );
  const times = [`started ${slackDate(view.startedAt)}`, ...(view.endedAt ? [`ended ${slackDate(view.endedAt)}`] : [])];

  const blocks: KnownBlock[] = [
    ...banner,
    { type: 'header', text: plain(view.title, LIMITS.headerText) },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(facts, LIMITS.sectionText) } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(statusLines.join('\n'), LIMITS.sectionText) } },
    { type: 'divider' },
    // Keep room for the context block below even with an absurd number of steps.
    ...stepSections.slice(0, LIMITS.blocks - 5 - banner.length),
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`Run \`${escapeText(view.workflowId)}\`  ·  ${times.join('  ·  ')}`, LIMITS.contextText) }] },
  ];
  const statusText = view.outcome ? `${view.status}: ${view.outcome.name}` : view.status;
  return { text: fallbackText(view.mode, `${view.title} (${view.incidentId}): ${statusText}`), blocks };
}

/** "2 of 7 steps done" while running. */
function progressOf(view: RootView): string {
  const countable = view.steps.filter((step) => step.kind !== 'parallel');
  const settled = countable.filter((step) => step.status !== 'pending' && step.status !== 'running' && step.status !== 'waiting').length;
  return `  ·  ${settled} of ${countable.length} steps settled`;
}

/** One step: state emoji, name, action, and what the state means for it. */
export function stepLineText(step: StepLineView): string {
  const indent = step.parent ? '        ↳ ' : '';
  const name = `*${escapeText(step.title ?? step.id)}*`;
  const action = step.action ? ` \`${escapeText(step.action)}\`` : '';
  const state = stepStateText(step);
  return `${indent}${stepStatusEmoji(step.status)} ${name}${action}${state ? ` — ${state}` : ''}`;
}

function stepStateText(step: StepLineView): string {
  // Approvals name every approver, comma-separated.
  const by = step.actor ? ` by ${step.actor.split(', ').map((actor) => actorText(actor)).join(', ')}` : '';
  let text: string;
  switch (step.status) {
    case 'pending':
      text = 'pending';
      break;
    case 'running':
      text = 'running';
      break;
    case 'waiting':
      if (step.approvals) text = `waiting for approval (${step.approvals.count} of ${step.approvals.quorum})`;
      else if (step.question !== undefined) text = `waiting for an answer (${step.answers?.count ?? 0} of ${step.answers?.quorum ?? 1}): ${escapeText(step.question)}`;
      else if (step.event) text = `waiting for \`${escapeText(step.event)}\``;
      else if (step.kind === 'manual') text = `waiting for ${step.assignee ? escapeText(step.assignee) : 'someone'} to do it`;
      else if (step.wakesAt) text = `sleeping until ${escapeText(step.wakesAt.slice(0, 16).replace('T', ' '))} UTC`;
      else text = 'waiting';
      break;
    case 'succeeded':
      if (step.kind === 'approval') text = step.actor === 'system:timeout' ? 'approved by the timeout policy' : `approved${by}`;
      else if (step.kind === 'wait') text = `received${step.actor ? ` from ${actorText(step.actor)}` : ''}`;
      else if (step.kind === 'parallel') text = 'done';
      else if (step.choice) text = step.choice.defaulted ? `*${escapeText(step.choice.label)}*, chosen by default` : `answered *${escapeText(step.choice.label)}*${by}`;
      else if (step.kind === 'end') text = 'the run ends here';
      else text = `done${by}${step.alreadyDone ? ' (already done)' : ''}`;
      break;
    case 'failed':
      text = `failed${step.error ? `: ${escapeText(step.error)}` : ''}`;
      break;
    case 'skipped':
      text = `skipped${step.skippedBecause ? ` (${escapeText(step.skippedBecause)})` : ''}`;
      break;
    case 'compensated':
      text = 'undone';
      break;
  }
  const structure = structureText(step);
  if (structure) text += ` · ${structure}`;
  if (step.compensation === 'failed') text += '; undo failed';
  return text;
}

/** A loop's items, a window's checks, a sub-runbook's child run. */
function structureText(step: StepLineView): string | undefined {
  if (step.items) {
    const { total, done, failed, skipped } = step.items;
    return [`${done} of ${total} item${total === 1 ? '' : 's'} done`, ...(failed > 0 ? [`${failed} failed`] : []), ...(skipped > 0 ? [`${skipped} skipped`] : [])].join(', ');
  }
  if (step.checks) {
    const checks = `${step.checks.count} check${step.checks.count === 1 ? '' : 's'}`;
    if (step.checks.outcome === 'condition-met') return `condition met after ${checks}`;
    if (step.checks.outcome === 'window-elapsed') return `window elapsed after ${checks}`;
    return `${checks} so far`;
  }
  if (step.child) {
    const ended = step.child.status && step.child.status !== 'running' ? ` (${step.child.status}${step.child.outcome ? `: ${escapeText(step.child.outcome)}` : ''})` : '';
    return `child run \`${escapeText(step.child.workflowId)}\`${ended}`;
  }
  return undefined;
}
