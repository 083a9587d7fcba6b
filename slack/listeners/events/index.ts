/** Events API subscriptions (manifest.yml: bot_events). */
import type { App } from '@slack/bolt';
import type { AppContext } from '../../context';
import { appHomeOpened } from './app-home-opened';

export function register(app: App, ctx: AppContext): void {
  app.event('app_home_opened', appHomeOpened(ctx));
}
