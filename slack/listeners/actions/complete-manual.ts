/** A manual task's "Done". */
import { completeManual } from '../../../client/runs';
import type { AppContext } from '../../context';
import { ManualButtonValue } from '../../interaction-values';
import { code, escape } from '../../text';
import { onClick } from './click';

export function completeManualButton(ctx: AppContext) {
  return onClick(ctx, ManualButtonValue, 'mark the task done', async ({ value, user, updateId }) => {
    await completeManual(ctx.temporal, value.w, { stepId: value.s, actor: user, via: 'slack' }, { updateId });
    return `:white_check_mark: You marked *${escape(value.s)}* of ${code(value.w)} done.`;
  });
}
