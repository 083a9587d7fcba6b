/**
 * Reject… opens a modal for the reason (a rejection needs one); the decision is made when the
 * modal is submitted (listeners/views/reject-reason.ts), under an update id derived from this
 * click. The modal opens first: the trigger_id expires within seconds.
 */
import { CallbackId } from '../../blocks/interaction-ids';
import { ApprovalButtonValue } from '../../interaction-values';
import type { AppContext } from '../../context';
import type { RejectModalMetadata } from '../../payloads';
import { buildReasonModal, decisionContext } from '../../reason-modal';
import { slackError } from '../../reply';
import { onClick } from './click';

export function reject(ctx: AppContext) {
  return onClick(ctx, ApprovalButtonValue, 'open the rejection form', async ({ value, user, actionTs, where, body, client }) => {
    if (!body.trigger_id) return ':warning: Slack sent no trigger for the form; click Reject again.';
    const metadata: RejectModalMetadata = {
      w: value.w,
      s: value.s,
      h: value.h,
      a: actionTs,
      ...(where?.channel ? { c: where.channel } : {}),
      ...(where?.threadTs ? { t: where.threadTs } : {}),
    };
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: buildReasonModal({
          callbackId: CallbackId.rejectReason,
          title: 'Reject',
          submit: 'Reject',
          context: `${decisionContext('Reject', value.w, value.s)}. One rejection ends the run; its completed steps are undone.`,
          label: 'Why? (kept in the run’s audit trail)',
          metadata,
        }),
      });
      return undefined;
    } catch (error) {
      ctx.logger.warn({ err: slackError(error), user }, 'rejection form could not be opened');
      return ':warning: The rejection form could not be opened; click Reject again.';
    }
  });
}
