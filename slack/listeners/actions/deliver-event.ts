/** An event button ("Vendor confirmed deletion"): delivers the event the wait step waits for. */
import { deliverEvent } from '../../../client/runs';
import type { AppContext } from '../../context';
import { EventButtonValue } from '../../interaction-values';
import { code } from '../../text';
import { onClick } from './click';

export function deliverEventButton(ctx: AppContext) {
  return onClick(ctx, EventButtonValue, 'report the event', async ({ value, user, updateId }) => {
    const result = await deliverEvent(ctx.temporal, value.w, { event: value.e, actor: user, via: 'slack' }, { updateId });
    return 'buffered' in result
      ? `:inbox_tray: Reported ${code(value.e)} to ${code(value.w)}; the run will use it when it reaches the step that waits for it.`
      : `:white_check_mark: Reported ${code(value.e)} to ${code(value.w)}; the waiting step goes on.`;
  });
}
