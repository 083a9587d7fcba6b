/**
 * Approve (the button carries a confirm dialog, so the click is already deliberate). The decision
 * quotes the summary hash from the button, the hash of what the card showed; the workflow's
 * validator decides whether this person may approve and says why not.
 */
import { decideApproval } from '../../../client/runs';
import type { AppContext } from '../../context';
import { ApprovalButtonValue } from '../../interaction-values';
import { code, escape } from '../../text';
import { onClick } from './click';

export function approve(ctx: AppContext) {
  return onClick(ctx, ApprovalButtonValue, 'record your approval', async ({ value, user, updateId }) => {
    const gate = await decideApproval(
      ctx.temporal,
      value.w,
      { stepId: value.s, actor: user, decision: 'approve', via: 'slack', summarySha256: value.h },
      { updateId },
    );
    const approvals = gate.decisions.filter((decision) => decision.decision === 'approve').length;
    const outcome = gate.outcome === 'approved' ? ' The gate is open: the run goes on.' : '';
    return `:white_check_mark: You approved *${escape(value.s)}* of ${code(value.w)} (${approvals} of ${gate.quorum}).${outcome}`;
  });
}
