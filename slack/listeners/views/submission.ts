/** Shared by the modal submission listeners. */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AppContext } from '../../context';
import { ViewSubmissionBody, parseJson, type ViewStateValues } from '../../payloads';
import { REASON_BLOCK, readReason } from '../../reason-modal';

export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * Identifies one submission: the view and exactly what was in it. A replay carries the same
 * view and values; a corrected resubmission after `errors` differs in its values and goes through.
 */
export function submissionKey(viewId: string, values: ViewStateValues): string {
  return `view:${viewId}:${createHash('sha256').update(JSON.stringify(values)).digest('hex')}`;
}

/** A reason form's submission, read and acknowledged: who sent it, its metadata and the reason. */
export interface ReasonSubmission<M> {
  user: { id: string };
  viewId: string;
  metadata: M;
  reason: string;
}

/**
 * The common front half of the reason forms (reject, cancel): parse the submission and its
 * metadata, check the reason (errors go back onto the form), drop a replayed submission, ack.
 * Returns undefined when there is nothing more to do.
 */
export async function acceptReasonForm<M>(
  ctx: AppContext,
  { ack, body }: Pick<SubmissionArgs, 'ack' | 'body'>,
  metadataSchema: z.ZodType<M>,
  form: { name: string; reopenHint: string },
): Promise<ReasonSubmission<M> | undefined> {
  const parsed = ViewSubmissionBody.safeParse(body);
  const metadata = parsed.success ? parseJson(metadataSchema, parsed.data.view.private_metadata) : undefined;
  if (!parsed.success || !metadata) {
    ctx.logger.warn(`${form.name} form submission not understood`);
    await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: `Quell could not read this form. Close it and ${form.reopenHint}.` } });
    return undefined;
  }
  const { view, user } = parsed.data;
  const reason = readReason(view.state.values);
  if (!reason.ok) {
    await ack({ response_action: 'errors', errors: reason.errors });
    return undefined;
  }
  const fresh = ctx.recent.first(submissionKey(view.id, view.state.values));
  await ack();
  return fresh ? { user, viewId: view.id, metadata, reason: reason.reason } : undefined;
}
