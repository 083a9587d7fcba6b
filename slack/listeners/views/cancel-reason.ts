/** Submission of the cancel reason (`/quell cancel <id>` without one). */
import { cancelRun } from '../../../client/runs';
import type { AppContext } from '../../context';
import { CancelModalMetadata, ViewSubmissionBody, parseJson } from '../../payloads';
import { REASON_BLOCK, readReason } from '../../reason-modal';
import { failureText, tell } from '../../reply';
import { code, escape } from '../../text';
import { submissionKey, type SubmissionArgs } from './submission';

export function cancelReasonSubmission(ctx: AppContext) {
  return async ({ ack, body, client }: SubmissionArgs): Promise<void> => {
    const parsed = ViewSubmissionBody.safeParse(body);
    const metadata = parsed.success ? parseJson(CancelModalMetadata, parsed.data.view.private_metadata) : undefined;
    if (!parsed.success || !metadata) {
      ctx.logger.warn('cancel form submission not understood');
      return ack({ response_action: 'errors', errors: { [REASON_BLOCK]: 'Quell could not read this form. Close it and run /quell cancel again.' } });
    }
    const { view, user } = parsed.data;
    const reason = readReason(view.state.values);
    if (!reason.ok) return ack({ response_action: 'errors', errors: reason.errors });
    if (!ctx.recent.first(submissionKey(view.id, view.state.values))) return ack();
    await ack();

    let text: string;
    try {
      // One form is one cancel request: a replay of its submission is the same update.
      await cancelRun(ctx.temporal, metadata.w, { actor: user.id, via: 'slack', reason: reason.reason }, { updateId: `slack:${user.id}:${view.id}` });
      text = `:octagonal_sign: Cancelling ${code(metadata.w)}: “${escape(reason.reason)}”. Completed steps are being undone.`;
    } catch (error) {
      text = failureText(error, ctx.logger, 'cancel the run');
    }
    await tell(client, { user: user.id, ...(metadata.c ? { channel: metadata.c } : {}) }, text, ctx.logger);
  };
}
