/**
 * Submission of the rejection reason. The decision goes to the workflow under the update id of
 * the Reject click that opened the form, and quotes the summary hash that click carried.
 */
import { decideApproval } from '../../../client/runs';
import type { AppContext } from '../../context';
import { clickUpdateId } from '../../dedupe';
import { publishHome } from '../../home';
import { RejectModalMetadata, ViewSubmissionBody, parseJson } from '../../payloads';
import { REASON_BLOCK, readReason } from '../../reason-modal';
import { failureText, tell } from '../../reply';
import { code, escape } from '../../text';
import { submissionKey, type SubmissionArgs } from './submission';

export function rejectReasonSubmission(ctx: AppContext) {
  return async ({ ack, body, client }: SubmissionArgs): Promise<void> => {
    const parsed = ViewSubmissionBody.safeParse(body);
    const metadata = parsed.success ? parseJson(RejectModalMetadata, parsed.data.view.private_metadata) : undefined;
    if (!parsed.success || !metadata) {
      ctx.logger.warn('rejection form submission not understood');
      return ack({ response_action: 'errors', errors: { [REASON_BLOCK]: 'Quell could not read this form. Close it and click Reject again.' } });
    }
    const { view, user } = parsed.data;
    const reason = readReason(view.state.values);
    if (!reason.ok) return ack({ response_action: 'errors', errors: reason.errors });
    if (!ctx.recent.first(submissionKey(view.id, view.state.values))) return ack();
    await ack();

    let text: string;
    try {
      await decideApproval(
        ctx.temporal,
        metadata.w,
        { stepId: metadata.s, actor: user.id, decision: 'reject', via: 'slack', reason: reason.reason, summarySha256: metadata.h },
        { updateId: clickUpdateId(user.id, metadata.a) },
      );
      text = `:no_entry: You rejected *${escape(metadata.s)}* of ${code(metadata.w)}: “${escape(reason.reason)}”. The run stops and undoes what it can.`;
    } catch (error) {
      text = failureText(error, ctx.logger, 'record your rejection');
    }
    if (metadata.c) await tell(client, { user: user.id, channel: metadata.c, ...(metadata.t ? { threadTs: metadata.t } : {}) }, text, ctx.logger);
    else await publishHome(ctx, client, user.id, text);
  };
}
