/**
 * `quell drill schedule …`: drills on a timetable, kept by Temporal as Schedules
 * (client/drill-schedules.ts). `schedule [create] <scenario> --every|--cron …` creates one; `list`,
 * `pause`, `resume`, `trigger` and `delete` act on existing ones. The word after `schedule` is a
 * subcommand when it is one of those names, otherwise the scenario (create is the default): a
 * scenario whose id is a subcommand name is given as `create <id>` or by the path to its file.
 * Every line printed is marked as an exercise.
 */
import type { Command } from 'commander';
import {
  checkDrillScheduleId,
  checkDrillScheduleTiming,
  createDrillSchedule,
  deleteDrillSchedule,
  describeDrillSchedule,
  DRILL_CATCHUP_WINDOW,
  listDrillSchedules,
  pauseDrillSchedule,
  resumeDrillSchedule,
  scheduledDrillWorkflowId,
  triggerDrillSchedule,
  type DrillScheduleView,
} from '../../client/drill-schedules';
import { EXERCISE_ID_PATTERN, EXERCISE_ID_RULE } from '../../client/drills';
import { EXERCISE_BANNER } from '../../common/exercise';
import { excerpt } from '../../common/text-safety';
import { checkedFreeText, checkedReference } from '../checks';
import type { CliContext } from '../context';
import { jsonForTerminal, shownLine } from '../display';
import { usageFailure } from '../failure';
import { renderControl } from './drill-render';
import { findScenario } from './drill-scenario';

const SUBCOMMANDS = ['list', 'pause', 'resume', 'trigger', 'delete'] as const;

interface CreateOptions {
  every?: string;
  cron?: string;
  jitter?: string;
  name?: string;
  note?: string;
  as?: string;
  json?: boolean;
}

export function registerDrillSchedule(drill: Command, ctx: CliContext): void {
  const schedule = drill
    .command('schedule')
    .usage(`[create] <scenario> (--every <duration> | --cron <expression>) [options]\n       quell drill schedule ${SUBCOMMANDS.join('|')} …`)
    .description('run a scenario as a drill on a timetable (a Temporal Schedule), or list, pause, resume, trigger or delete such schedules')
    .addHelpText(
      'after',
      [
        '',
        '`quell drill schedule <scenario> …` is short for `quell drill schedule create <scenario> …`; a scenario',
        `whose id is ${SUBCOMMANDS.join(', ')} or create needs the long form (or the path to its *.drill.yaml).`,
        'Exactly one of --every and --cron. A tick is skipped while a drill of the schedule still runs;',
        `a drill Temporal cannot start within ${DRILL_CATCHUP_WINDOW} of its time is counted as missed. The`,
        'scenario and runbook are copied into the schedule: after editing them, delete and create it again.',
        '',
        'Examples:',
        '  quell drill schedule credential-compromise-drill --every 2w --jitter 30m --as alice',
        '  quell drill schedule credential-compromise-drill --cron "0 9 * * 1" --name monday --note "security on-call"',
        '  quell drill schedule list',
        '  quell drill schedule pause quell-drill-schedule:credential-compromise-drill --note "holiday freeze"',
        '  quell drill schedule trigger quell-drill-schedule:credential-compromise-drill',
      ].join('\n'),
    );
  // A default subcommand, not options on `schedule` itself: those would swallow the subcommands' --note, --as and --json.
  schedule
    .command('create <scenario>', { isDefault: true })
    .description('create a drill schedule of a scenario (its id in the runbooks folder, or a path to a *.drill.yaml file); the default')
    .option('--every <duration>', 'run a drill every interval (e.g. 1w, 2w, 30d), counted from now')
    .option('--cron <expression>', 'run a drill at Temporal cron times, UTC unless prefixed CRON_TZ=<zone> (e.g. "0 9 * * 1": Mondays 09:00)')
    .option('--jitter <duration>', 'start each drill up to this much later, at random (e.g. 10m)')
    .option('--name <name>', 'tell two schedules of one scenario apart (e.g. weekly)')
    .option('--note <text>', 'shown with the schedule (why it exists, who facilitates)')
    .option('--as <user>', 'who creates the schedule; its drills are requested in their name (default: $QUELL_USER or $USER)')
    .option('--json', 'print machine-readable JSON')
    .action(async (reference: string, options: CreateOptions) => {
      // Everything that can be refused without a server or a scenario is refused first.
      checkDrillScheduleTiming(options);
      if (options.name !== undefined && !EXERCISE_ID_PATTERN.test(options.name)) throw usageFailure(`--name "${excerpt(options.name, 60)}" is not valid: ${EXERCISE_ID_RULE}`);
      if (options.note !== undefined) checkedFreeText('--note', options.note);
      const requestedBy = ctx.actor(options.as);
      const config = ctx.getConfig();
      const found = await findScenario(reference, config.runbooksDir);
      const view = await createDrillSchedule(await ctx.getClient(), {
        scenario: found.scenario,
        scenarioSha256: found.sha256,
        runbook: found.runbook.runbook,
        runbookSha256: found.runbook.sha256,
        followUpRunbooks: found.followUpRunbooks,
        ...pick(options, ['every', 'cron', 'jitter', 'name', 'note']),
        requestedBy,
        requestedVia: 'cli',
        taskQueue: config.taskQueue,
      });
      const drillIds = `${scheduledDrillWorkflowId(found.scenario.scenario, options.name)}-<scheduled time>`;
      ctx.io.stdout(options.json ? jsonForTerminal({ exercise: true, ...view, drillIds }) : renderCreated(view, drillIds));
    });

  schedule
    .command('list')
    .description("Quell's drill schedules: timing, paused or not, next runs, recent drills, missed and skipped ticks")
    .option('--json', 'print machine-readable JSON')
    .action(async (options: { json?: boolean }) => {
      const views = await listDrillSchedules(await ctx.getClient());
      ctx.io.stdout(options.json ? jsonForTerminal({ exercise: true, schedules: views }) : renderSchedules(views));
    });
  schedule
    .command('pause <scheduleId>')
    .description('start no more drills until resumed (drills already running go on)')
    .option('--note <text>', 'why, shown in the listing')
    .option('--as <user>', 'who pauses (default: $QUELL_USER or $USER)')
    .action(async (scheduleId: string, options: { note?: string; as?: string }) => {
      const actor = ctx.actor(options.as);
      checkDrillScheduleId(checkedReference('<scheduleId>', scheduleId));
      if (options.note !== undefined) checkedFreeText('--note', options.note);
      await pauseDrillSchedule(await ctx.getClient(), scheduleId, { actor, ...pick(options, ['note']) });
      ctx.io.stdout(renderControl(`drill schedule ${scheduleId} paused; no drills start until: quell drill schedule resume ${scheduleId}`));
    });
  schedule
    .command('resume <scheduleId>')
    .description('start drills on the timetable again (ticks missed while paused are not made up)')
    .option('--as <user>', 'who resumes (default: $QUELL_USER or $USER)')
    .action(async (scheduleId: string, options: { as?: string }) => {
      const actor = ctx.actor(options.as);
      checkDrillScheduleId(checkedReference('<scheduleId>', scheduleId));
      const client = await ctx.getClient();
      await resumeDrillSchedule(client, scheduleId, { actor });
      const view = await describeDrillSchedule(client, scheduleId);
      ctx.io.stdout(renderControl(`drill schedule ${scheduleId} resumed; next run ${view.nextRuns[0] ? shortTime(view.nextRuns[0]) : 'not planned'}`));
    });
  schedule
    .command('trigger <scheduleId>')
    .description('start one drill of the schedule now, even while paused; refused while one of its drills still runs')
    .option('--json', 'print machine-readable JSON')
    .action(async (scheduleId: string, options: { json?: boolean }) => {
      checkDrillScheduleId(checkedReference('<scheduleId>', scheduleId));
      const triggered = await triggerDrillSchedule(await ctx.getClient(), scheduleId);
      if (options.json) return ctx.io.stdout(jsonForTerminal({ exercise: true, ...triggered }));
      const lines = triggered.drillId
        ? [`drill started by schedule ${scheduleId}: ${triggered.drillId}`, `follow it: quell drill status ${triggered.drillId}`]
        : [`schedule ${scheduleId} was asked to start a drill; none seen yet: quell drill schedule list`];
      ctx.io.stdout(lines.map(renderControl).join('\n'));
    });
  schedule
    .command('delete <scheduleId>')
    .description('delete the schedule (drills it started keep running until ended)')
    .action(async (scheduleId: string) => {
      checkDrillScheduleId(checkedReference('<scheduleId>', scheduleId));
      const deleted = await deleteDrillSchedule(await ctx.getClient(), scheduleId);
      const still = deleted.runningDrills.map((drillId) => `still running: ${drillId} (end it: quell drill end ${drillId})`);
      ctx.io.stdout([`drill schedule ${scheduleId} deleted`, ...still].map(renderControl).join('\n'));
    });
}

function renderCreated(view: DrillScheduleView, drillIds: string): string {
  return [
    `[${EXERCISE_BANNER}]`,
    `drill schedule created: ${view.scheduleId}`,
    `scenario ${scenarioLine(view)}`,
    `runs ${shownLine(view.timingWords)}; skipped while one of its drills still runs`,
    `next runs: ${view.nextRuns.map(shortTime).join(', ') || 'none planned'}`,
    `its drills: ${drillIds}`,
    'see it: quell drill schedule list',
  ].join('\n');
}

/** The listing: one block per schedule under one banner. */
export function renderSchedules(views: DrillScheduleView[]): string {
  if (views.length === 0) return renderControl('no drill schedules; create one: quell drill schedule <scenario> --every 1w');
  const lines = [`[${EXERCISE_BANNER}]`];
  for (const view of views) {
    lines.push(
      `${view.scheduleId}: scenario ${scenarioLine(view)}`,
      `  when: ${shownLine(view.timingWords)}`,
      `  ${view.paused ? 'PAUSED' : 'active'}${view.note ? ` — ${shownLine(view.note)}` : ''}${view.createdBy ? `; created by ${shownLine(view.createdBy)}` : ''}`,
      `  next runs: ${view.paused ? 'none while paused' : view.nextRuns.map(shortTime).join(', ') || 'none planned'}`,
      `  drills started ${view.drillsStarted}; missed ${view.missedCatchupWindow} (not startable within ${DRILL_CATCHUP_WINDOW} of their time); ` +
        `skipped ${view.skippedOverlap} (one of its drills was still running)`,
    );
    if (view.recentDrills.length > 0) {
      lines.push('  recent drills:', ...view.recentDrills.map((drill) => `    ${drill.drillId} started ${shortTime(drill.startedAt)}${drill.status ? ` (${drill.status})` : ''}`));
    }
  }
  return lines.join('\n');
}

function scenarioLine(view: DrillScheduleView): string {
  const title = view.scenario.title ? ` "${shownLine(view.scenario.title)}"` : '';
  return `${view.scenario.id}${title}${view.runbook ? `, runbook ${view.runbook.id}` : ''}`;
}

function shortTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/** The options that were given, without keys for those that were not (exact optional properties). */
function pick<T extends object, K extends keyof T>(options: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]])) as Partial<Pick<T, K>>;
}
