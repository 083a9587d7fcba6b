/**
 * The facilitator's controls: `quell drill pause|resume|end <drill>`, `inject|skip|follow-up <drill>
 * <inject>`, `note <drill> <text>`.
 */
import type { Command } from 'commander';
import { endDrill, injectNow, noteDrill, pauseDrill, resumeDrill, skipInject, startFollowUp } from '../../client/drills';
import { checkedFreeText, checkedReference } from '../checks';
import type { CliContext } from '../context';
import { shownLine } from '../display';
import { renderControl } from './drill-render';

interface ActorOptions {
  as?: string;
}

export function registerDrillControls(drill: Command, ctx: CliContext): void {
  const asOption = ['--as <user>', 'who is steering (default: $QUELL_USER or $USER)'] as const;
  drill
    .command('pause <drillId>')
    .description('stop the inject clock')
    .option(...asOption)
    .action(async (drillId: string, options: ActorOptions) => {
      const actor = ctx.actor(options.as);
      checkedReference('<drillId>', drillId);
      await pauseDrill(await ctx.getClient(), drillId, { actor, via: 'cli' });
      ctx.io.stdout(renderControl(`drill ${drillId} paused`));
    });
  drill
    .command('resume <drillId>')
    .description('restart the inject clock where it stopped')
    .option(...asOption)
    .action(async (drillId: string, options: ActorOptions) => {
      const actor = ctx.actor(options.as);
      checkedReference('<drillId>', drillId);
      await resumeDrill(await ctx.getClient(), drillId, { actor, via: 'cli' });
      ctx.io.stdout(renderControl(`drill ${drillId} resumed`));
    });
  drill
    .command('inject <drillId> <injectId>')
    .description('fire a pending inject now')
    .option(...asOption)
    .action(async (drillId: string, injectId: string, options: ActorOptions) => {
      const actor = ctx.actor(options.as);
      checkedReference('<drillId>', drillId);
      checkedReference('<injectId>', injectId);
      const inject = await injectNow(await ctx.getClient(), drillId, { injectId, actor, via: 'cli' });
      ctx.io.stdout(renderControl(`inject ${injectId} ${inject.status}${inject.message ? `: ${shownLine(inject.message)}` : ''}`));
    });
  drill
    .command('skip <drillId> <injectId>')
    .description('never fire a pending inject')
    .option(...asOption)
    .action(async (drillId: string, injectId: string, options: ActorOptions) => {
      const actor = ctx.actor(options.as);
      checkedReference('<drillId>', drillId);
      checkedReference('<injectId>', injectId);
      await skipInject(await ctx.getClient(), drillId, { injectId, actor, via: 'cli' });
      ctx.io.stdout(renderControl(`inject ${injectId} skipped`));
    });
  drill
    .command('follow-up <drillId> <injectId>')
    .description("start the follow-up run a fired twist calls for (tabletop, linked to the drill)")
    .option(...asOption)
    .action(async (drillId: string, injectId: string, options: ActorOptions) => {
      const actor = ctx.actor(options.as);
      checkedReference('<drillId>', drillId);
      checkedReference('<injectId>', injectId);
      const run = await startFollowUp(await ctx.getClient(), drillId, { injectId, actor, via: 'cli' });
      ctx.io.stdout(renderControl(`follow-up run of ${run.runbookId} started for ${injectId}: ${run.workflowId}`));
    });
  drill
    .command('note <drillId> <text>')
    .description("add a note to the drill's record")
    .option(...asOption)
    .action(async (drillId: string, text: string, options: ActorOptions) => {
      const actor = ctx.actor(options.as);
      checkedReference('<drillId>', drillId);
      checkedFreeText('<text>', text);
      await noteDrill(await ctx.getClient(), drillId, { text, actor, via: 'cli' });
      ctx.io.stdout(renderControl(`note added to drill ${drillId}`));
    });
  drill
    .command('end <drillId>')
    .description('end the drill; its run is cancelled if still running')
    .option(...asOption)
    .option('--reason <text>', 'why the drill ends')
    .action(async (drillId: string, options: ActorOptions & { reason?: string }) => {
      const actor = ctx.actor(options.as);
      checkedReference('<drillId>', drillId);
      if (options.reason !== undefined) checkedFreeText('--reason', options.reason);
      await endDrill(await ctx.getClient(), drillId, { actor, via: 'cli', ...(options.reason !== undefined ? { reason: options.reason } : {}) });
      ctx.io.stdout(renderControl(`drill ${drillId} ending; its run is cancelled if still running`));
    });
}
