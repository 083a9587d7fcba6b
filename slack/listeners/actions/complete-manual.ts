/** A manual task's "Done"; a task that declares `outputs:` opens their form first (./open-outputs.ts). */
import { completeManual } from '../../../client/runs';
import type { AppContext } from '../../context';
import { ManualButtonValue } from '../../interaction-values';
import { manualDoneText } from '../views/outputs-form';
import { onClick } from './click';
import { openOutputsForm } from './open-outputs';

export function completeManualButton(ctx: AppContext) {
  return onClick(ctx, ManualButtonValue, 'mark the task done', async (click) => {
    const { value, user, updateId } = click;
    const done = async () => {
      await completeManual(ctx.temporal, value.w, { stepId: value.s, actor: user, via: 'slack' }, { updateId });
      return manualDoneText(value.w, value.s);
    };
    return value.f ? openOutputsForm(ctx, click, { kind: 'manual' }, done) : done();
  });
}
