/** App Home: rebuilt each time the person opens the Home tab (events are acked by Bolt). */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AppContext } from '../../context';
import { publishHome } from '../../home';
import { AppHomeOpenedEvent } from '../../payloads';

export function appHomeOpened(ctx: AppContext) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    const parsed = AppHomeOpenedEvent.safeParse(event);
    if (!parsed.success) {
      ctx.logger.warn('app_home_opened event not understood');
      return;
    }
    // The Messages tab fires the same event; only Home has something to draw.
    if (parsed.data.tab !== undefined && parsed.data.tab !== 'home') return;
    await publishHome(ctx, client, parsed.data.user);
  };
}
