/** Submission of the cancel reason (`/quell cancel <id>` without one). */
import { cancelRun } from '../../../client/runs';
import type { AppContext } from '../../context';
import { CancelModalMetadata } from '../../payloads';
import { failureText, tell } from '../../reply';
import { code, escape } from '../../text';
import { acceptReasonForm, type SubmissionArgs } from './submission';

export function cancelReasonSubmission(ctx: AppContext) {
  return async ({ ack, body, client }: SubmissionArgs): Promise<void> => {
    const form = await acceptReasonForm(ctx, { ack, body }, CancelModalMetadata, { name: 'cancel', reopenHint: 'run /quell cancel again' });
    if (!form) return;
    const { user, metadata, reason } = form;

    let text: string;
    try {
      // One form is one cancel request: a replay of its submission is the same update.
      await cancelRun(ctx.temporal, metadata.w, { actor: user.id, via: 'slack', reason }, { updateId: `slack:${user.id}:${form.viewId}` });
      text = `:octagonal_sign: Cancelling ${code(metadata.w)}: “${escape(reason)}”. Completed steps are being undone.`;
    } catch (error) {
      text = failureText(error, ctx.logger, 'cancel the run');
    }
    await tell(client, { user: user.id, ...(metadata.c ? { channel: metadata.c } : {}) }, text, ctx.logger);
  };
}
