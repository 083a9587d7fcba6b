/** Slash commands. */
import type { App } from '@slack/bolt';
import type { AppContext } from '../../context';
import { quellCommand } from './quell';

export const COMMAND = '/quell';

export function register(app: App, ctx: AppContext): void {
  app.command(COMMAND, quellCommand(ctx));
}
