/**
 * App Home: what the person can act on now (gates they may decide, events and manual tasks that
 * wait for someone), then the latest runs. Pure. The buttons are the same as on the run's
 * thread cards (slack/blocks/interaction-ids.ts), so the same listeners handle them and the
 * workflow's validators decide, wherever the click came from.
 */
import type { Button, HomeView, KnownBlock } from '@slack/web-api';
import type { RunSummary } from '../client/list-runs';
import { isExercise } from '../common/exercise';
import type { GateMembershipState, RunState, StepState } from '../common/run-state';
import { EXERCISE_MRKDWN } from './blocks/format';
import { ActionId, type ApprovalButtonValue, type EventButtonValue, type ManualButtonValue } from './blocks/interaction-ids';
import { renderRunList } from './run-text';
import { LIMIT, code, escape, plain, truncate, when, who } from './text';

export interface RunStep {
  state: RunState;
  step: StepState;
}

export interface HomeData {
  userId: string;
  /** The outcome of what the person just did from Home, shown on top. */
  notice?: string;
  gates: RunStep[];
  tasks: RunStep[];
  recent: RunSummary[];
  /** Set when runs could not be read (Temporal unreachable): said instead of "nothing to do". */
  problem?: string;
}

const SHOWN = { gates: 10, tasks: 10, recent: 10 } as const;

/**
 * Whether `userId` may decide on `gate` as far as the run's state tells: eligible under an
 * enforced policy, anyone but the requester under the open one, and not decided yet. Gates that
 * do not say (runs from before the policy) are shown; the workflow has the last word anyway.
 */
export function mayDecide(userId: string, state: RunState, gate: GateMembershipState): boolean {
  const identity = `slack:${userId}`.toLowerCase();
  const mine = (slack: string | undefined, identities: readonly string[] | undefined) =>
    slack?.replace(/^slack:/i, '').toUpperCase() === userId.toUpperCase() || (identities ?? []).some((id) => id.toLowerCase() === identity);
  if (gate.policy === 'enforced') {
    const me = (gate.eligible ?? []).find((entry) => mine(entry.slack, entry.identities));
    if (!me) return false;
    return !gate.decisions.some((decision) => (decision.person ?? '').toLowerCase() === me.person.toLowerCase() || (decision.via === 'slack' && decision.actor === userId));
  }
  if (state.requestedBy === userId) return false;
  return !gate.decisions.some((decision) => decision.actor === userId);
}

export function buildHomeView(data: HomeData): HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain('Quell', 150) }];
  if (data.notice) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(data.notice, LIMIT.sectionText) } }, { type: 'divider' });
  if (data.problem) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${escape(data.problem)}` } });

  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*Waiting for your decision*' } });
  if (data.gates.length === 0) blocks.push(context(data.problem ? 'Unknown right now.' : 'Nothing: no open gate lists you as an approver.'));
  for (const { state, step } of data.gates.slice(0, SHOWN.gates)) blocks.push(...gateBlocks(state, step));
  if (data.gates.length > SHOWN.gates) blocks.push(context(`…and ${data.gates.length - SHOWN.gates} more: see \`/quell list\`.`));

  blocks.push({ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: '*Open tasks*' } });
  if (data.tasks.length === 0) blocks.push(context(data.problem ? 'Unknown right now.' : 'No run is waiting for an event or a manual task.'));
  for (const { state, step } of data.tasks.slice(0, SHOWN.tasks)) blocks.push(...taskBlocks(state, step));
  if (data.tasks.length > SHOWN.tasks) blocks.push(context(`…and ${data.tasks.length - SHOWN.tasks} more.`));

  blocks.push({ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: truncate(renderRunList(data.recent.slice(0, SHOWN.recent), '*Recent runs*'), LIMIT.sectionText) } });
  return { type: 'home', blocks: blocks.slice(0, LIMIT.blocks) };
}

/** Which run an entry belongs to; a tabletop run's entry opens with the exercise banner. */
function runLine(state: RunState): string {
  const line = `*${escape(state.runbook.title)}*  ·  incident ${code(state.incidentId)}  ·  requested by ${who(state.requestedBy)}`;
  return isExercise(state.mode) ? `${EXERCISE_MRKDWN}\n${line}` : line;
}

function gateBlocks(state: RunState, step: StepState): KnownBlock[] {
  const gate = step.approval!;
  const approvals = gate.decisions.filter((decision) => decision.decision === 'approve').length;
  const value: ApprovalButtonValue = { w: state.workflowId, s: step.id, h: gate.summarySha256 };
  const json = JSON.stringify(value);
  const summary = gate.summary.split('\n').map((line) => `>${escape(line)}`).join('\n');
  const buttons: Button[] = [
    {
      type: 'button',
      action_id: ActionId.approve,
      text: plain('Approve', LIMIT.button),
      style: 'primary',
      value: json,
      confirm: {
        title: plain('Approve this?', 100),
        text: { type: 'mrkdwn', text: truncate(`You approve:\n${summary}`, 300) },
        confirm: plain('Approve', 30),
        deny: plain('Cancel', 30),
      },
    },
    { type: 'button', action_id: ActionId.reject, text: plain('Reject…', LIMIT.button), style: 'danger', value: json },
  ];
  return [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${runLine(state)}\n:raised_hand: *${escape(step.title ?? step.id)}*\n${summary}`, LIMIT.sectionText) } },
    context(`${approvals} of ${gate.quorum} approvals  ·  decide by ${when(gate.deadline)}  ·  ${code(state.workflowId)}`),
    { type: 'actions', block_id: `quell.home.gate.${state.workflowId}.${step.id}`.slice(0, 255), elements: buttons },
  ];
}

function taskBlocks(state: RunState, step: StepState): KnownBlock[] {
  let text: string;
  let button: Button;
  if (step.wait) {
    const value: EventButtonValue = { w: state.workflowId, s: step.id, e: step.wait.event };
    text = `:hourglass_flowing_sand: *${escape(step.title ?? step.id)}* waits for event ${code(step.wait.event)}`;
    button = {
      type: 'button',
      action_id: ActionId.deliverEvent,
      text: plain(`Report ${step.wait.event}`, LIMIT.button),
      value: JSON.stringify(value),
      confirm: {
        title: plain('Report this event?', 100),
        text: { type: 'mrkdwn', text: truncate(`Report ${code(step.wait.event)} to the run: the step waiting for it completes.`, 300) },
        confirm: plain('Report it', 30),
        deny: plain('Cancel', 30),
      },
    };
  } else {
    const value: ManualButtonValue = { w: state.workflowId, s: step.id };
    text = `:clipboard: *${escape(step.title ?? step.id)}*: ${escape(step.manual?.task ?? '')}${step.manual?.assignee ? ` (${escape(step.manual.assignee)})` : ''}`;
    button = { type: 'button', action_id: ActionId.completeManual, text: plain('Done', LIMIT.button), style: 'primary', value: JSON.stringify(value) };
  }
  return [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${runLine(state)}\n${text}`, LIMIT.sectionText) }, accessory: button },
  ];
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, LIMIT.contextText) }] };
}
