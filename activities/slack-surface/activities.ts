/**
 * The activities behind a run's Slack presence. The workflow's publisher (workflows/publisher.ts)
 * decides what to show and when; these build the Block Kit (slack/blocks/) from the views it
 * sends and talk to Slack with the bot token. They run in live and tabletop runs alike: the
 * thread is where people follow and steer either kind of run.
 *
 * Each attempt is one Slack request (plus a search after an uncertain post). Failures are
 * classified (../notify/slack/failures.ts): a 429 is retried after Slack's Retry-After, outages
 * with backoff, and the publisher's profile retries without limit; refused tokens, unknown
 * channels or messages and refused blocks are not retried.
 */
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { buildRootMessage, buildThreadMessage } from '../../slack/blocks';
import { invalidFailure, notConfiguredFailure } from '../../connectors/failures';
import { SLACK_CONNECTOR } from '../../connectors/slack/client';
import { slackFailure } from '../../connectors/slack/failures';
import { postRunMessageOnce } from './post-once';
import { CardContent, RootView, RunModeView, ThreadContent } from './view-schema';
import type { SlackSurface } from './surface';
import type { ApproversSetup } from '../approvers/resolve';
import { assigneeMentions, withMentions, type AssigneeMentions } from './assignee-mentions';

const Channel = z.string().min(1).max(200);
const Ts = z.string().regex(/^\d+\.\d+$/, 'a Slack message ts');
const Key = z.string().min(1).max(1000);
const WorkflowId = z.string().min(1).max(1000);

export const PostRootRequest = z.strictObject({ key: Key, view: RootView });
export type PostRootRequest = z.infer<typeof PostRootRequest>;
export const UpdateRootRequest = z.strictObject({ channel: Channel, ts: Ts, view: RootView });
export type UpdateRootRequest = z.infer<typeof UpdateRootRequest>;
// `mode` is optional: requests scheduled before it existed show no exercise banner, as before.
export const PostThreadRequest = z.strictObject({ key: Key, channel: Channel, threadTs: Ts, workflowId: WorkflowId, mode: RunModeView.optional(), content: ThreadContent });
export type PostThreadRequest = z.infer<typeof PostThreadRequest>;
export const UpdateThreadRequest = z.strictObject({ channel: Channel, ts: Ts, mode: RunModeView.optional(), content: CardContent });
export type UpdateThreadRequest = z.infer<typeof UpdateThreadRequest>;

/** Where a run's messages are: the root message; thread messages reply to it. */
export interface SlackMessageRef {
  channel: string;
  ts: string;
  /** An open manual card: the Slack users its assignee resolved to (kept in the run's history). */
  mentioned?: string[];
}

/**
 * @param approvers the approvers file, so an open manual card mentions its assignee (a person or
 *   `group:<name>`, see ./assignee-mentions.ts).
 */
export function createSlackSurfaceActivities(surface: SlackSurface | undefined, approvers?: ApproversSetup) {
  /** Whether this worker has a Slack surface, and its channel. No I/O. */
  async function describeSlackSurface(): Promise<{ channel: string } | null> {
    return surface ? { channel: surface.channel } : null;
  }

  /** Posts the run's root message in the channel, at most once per key. */
  async function postSlackRoot(raw: PostRootRequest): Promise<SlackMessageRef> {
    const slack = required('post the root message');
    const request = parse(PostRootRequest, raw, 'post the root message');
    const message = buildRootMessage(request.view);
    const posted = await postRunMessageOnce(slack, {
      key: request.key,
      channel: slack.channel,
      workflowId: request.view.workflowId,
      part: 'root',
      ...message,
    });
    log(slack, { workflowId: request.view.workflowId, ts: posted.ts, alreadyDone: posted.alreadyDone }, 'root message posted');
    return { channel: posted.channel, ts: posted.ts };
  }

  /** Replaces the root message with the view given (idempotent: the same view twice shows the same). */
  async function updateSlackRoot(raw: UpdateRootRequest): Promise<void> {
    const slack = required('update the root message');
    const request = parse(UpdateRootRequest, raw, 'update the root message');
    await update(slack, request.channel, request.ts, buildRootMessage(request.view), 'root');
  }

  /** Posts one message in the run's thread (events, a card, a ping), at most once per key. */
  async function postSlackThreadMessage(raw: PostThreadRequest): Promise<SlackMessageRef> {
    const slack = required('post in the run thread');
    const request = parse(PostThreadRequest, raw, 'post in the run thread');
    const mentions = await mentionsFor(request.content);
    const message = buildThreadMessage(request.content, request.mode);
    const posted = await postRunMessageOnce(slack, {
      key: request.key,
      channel: request.channel,
      threadTs: request.threadTs,
      workflowId: request.workflowId,
      part: request.content.kind,
      ...(mentions ? withMentions(message, mentions) : message),
    });
    log(slack, { workflowId: request.workflowId, part: request.content.kind, ts: posted.ts, alreadyDone: posted.alreadyDone, mentioned: mentions?.users }, 'thread message posted');
    if (mentions && mentions.problems.length > 0) slack.logger.warn({ workflowId: request.workflowId, problems: mentions.problems }, 'manual task assignee not fully mentioned');
    return { channel: posted.channel, ts: posted.ts, ...(mentions ? { mentioned: mentions.users } : {}) };
  }

  /** Replaces a card in the thread (approval, decision, wait or manual) with the view given. */
  async function updateSlackThreadMessage(raw: UpdateThreadRequest): Promise<void> {
    const slack = required('update a thread card');
    const request = parse(UpdateThreadRequest, raw, 'update a thread card');
    const mentions = await mentionsFor(request.content);
    const message = buildThreadMessage(request.content, request.mode);
    await update(slack, request.channel, request.ts, mentions ? withMentions(message, mentions) : message, request.content.kind);
  }

  /** Mentions for a manual card still open with an assignee; undefined for anything else. */
  async function mentionsFor(content: PostThreadRequest['content']): Promise<AssigneeMentions | undefined> {
    if (content.kind !== 'manual' || !content.card.open || !content.card.assignee) return undefined;
    return assigneeMentions(approvers, content.card.assignee);
  }

  function required(operation: string): SlackSurface {
    if (!surface) throw notConfiguredFailure({ connector: SLACK_CONNECTOR, operation }, 'no `slack:` section in the connectors file of this worker');
    return surface;
  }

  return { describeSlackSurface, postSlackRoot, updateSlackRoot, postSlackThreadMessage, updateSlackThreadMessage };
}

async function update(slack: SlackSurface, channel: string, ts: string, message: ReturnType<typeof buildRootMessage>, part: string): Promise<void> {
  try {
    await slack.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
  } catch (error) {
    throw slackFailure({ connector: SLACK_CONNECTOR, operation: `update ${part} message ${ts} in ${channel}` }, error);
  }
}

function parse<T>(schema: z.ZodType<T>, raw: unknown, operation: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
  throw invalidFailure({ connector: SLACK_CONNECTOR, operation }, `invalid request: ${problems}`);
}

function log(slack: SlackSurface, fields: Record<string, unknown>, message: string): void {
  let attempt: number | undefined;
  try {
    attempt = Context.current().info.attempt;
  } catch {
    // Called outside an activity (unit tests): no attempt number to add.
  }
  slack.logger.debug({ ...fields, ...(attempt !== undefined ? { attempt } : {}) }, message);
}
