/**
 * An event button ("Vendor confirmed deletion"): delivers the event the wait step waits for. A
 * wait that declares `outputs:` opens their form first (./open-outputs.ts).
 */
import { deliverEvent } from '../../../client/runs';
import type { AppContext } from '../../context';
import { EventButtonValue } from '../../interaction-values';
import { eventReportedText } from '../views/outputs-form';
import { onClick } from './click';
import { openOutputsForm } from './open-outputs';

export function deliverEventButton(ctx: AppContext) {
  return onClick(ctx, EventButtonValue, 'report the event', async (click) => {
    const { value, user, updateId } = click;
    const report = async () => eventReportedText(value.w, value.e, await deliverEvent(ctx.temporal, value.w, { event: value.e, actor: user, via: 'slack' }, { updateId }));
    return value.f ? openOutputsForm(ctx, click, { kind: 'event', event: value.e }, report) : report();
  });
}
