/** Buttons on the run's thread cards and in App Home (ids: slack/blocks/interaction-ids.ts). */
import type { App } from '@slack/bolt';
import type { AppContext } from '../../context';
import { ActionId } from '../../blocks/interaction-ids';
import { answer } from './answer';
import { approve } from './approve';
import { completeManualButton } from './complete-manual';
import { deliverEventButton } from './deliver-event';
import { reject } from './reject';

export function register(app: App, ctx: AppContext): void {
  app.action(ActionId.approve, approve(ctx));
  app.action(ActionId.reject, reject(ctx));
  app.action(ActionId.deliverEvent, deliverEventButton(ctx));
  app.action(ActionId.completeManual, completeManualButton(ctx));
  // One button per option, each with its own action id (`quell.answer.<option>`).
  app.action(new RegExp(`^${ActionId.answer.replace('.', '\\.')}\\.`), answer(ctx));
}
