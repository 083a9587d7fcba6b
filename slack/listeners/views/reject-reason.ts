/**
 * Submission of the rejection reason. The decision goes to the workflow under the update id of
 * the Reject click that opened the form, and quotes the summary hash that click carried.
 */
import { decideApproval } from '../../../client/runs';
import type { AppContext } from '../../context';
import { clickUpdateId } from '../../dedupe';
import { publishHome } from '../../home';
import { RejectModalMetadata } from '../../payloads';
import { failureText, tell } from '../../reply';
import { code, escape } from '../../text';
import { acceptReasonForm, type SubmissionArgs } from './submission';

export function rejectReasonSubmission(ctx: AppContext) {
  return async ({ ack, body, client }: SubmissionArgs): Promise<void> => {
    const form = await acceptReasonForm(ctx, { ack, body }, RejectModalMetadata, { name: 'rejection', reopenHint: 'click Reject again' });
    if (!form) return;
    const { user, metadata, reason } = form;

    let text: string;
    try {
      await decideApproval(
        ctx.temporal,
        metadata.w,
        { stepId: metadata.s, actor: user.id, decision: 'reject', via: 'slack', reason, summarySha256: metadata.h },
        { updateId: clickUpdateId(user.id, metadata.a) },
      );
      text = `:no_entry: You rejected *${escape(metadata.s)}* of ${code(metadata.w)}: “${escape(reason)}”. The run stops and undoes what it can.`;
    } catch (error) {
      text = failureText(error, ctx.logger, 'record your rejection');
    }
    if (metadata.c) await tell(client, { user: user.id, channel: metadata.c, ...(metadata.t ? { threadTs: metadata.t } : {}) }, text, ctx.logger);
    else await publishHome(ctx, client, user.id, text);
  };
}
