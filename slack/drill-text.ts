/**
 * What `/quell drill` answers, as mrkdwn. Pure. Every answer about a drill, a refusal or a typo
 * included, opens with the exercise banner (common/exercise.ts wording, slack/blocks/format.ts
 * mrkdwn): nothing a facilitator sees in Slack about a drill can be mistaken for a real incident.
 */
import type { DrillState, FollowUpRun, InjectState } from '../common/drill-state';
import { closestMatch } from '../common/suggest';
import { EXERCISE_MRKDWN } from './blocks/format';
import { DRILL_SUB_COMMANDS, DRILL_USAGE, type DrillSubCommand } from './drill-command-text';
import { PLAN_OPS, PLAN_USAGE } from './drill-plan-command-text';
import { SCHEDULE_OPS, SCHEDULE_USAGE } from './drill-schedule-command-text';
import { code, escape, escapeLine, truncate, when, who } from './text';

/** Slack cuts longer message text; the banner must survive, so the body is cut instead. */
const REPLY_MAX = 3800;

/** Where the drill's run posts: its channel and, once known, a link to the run's thread. */
export interface DrillThread {
  channel: string;
  permalink?: string;
}

export function drillReply(text: string): string {
  return `${EXERCISE_MRKDWN}\n${truncate(text, REPLY_MAX - EXERCISE_MRKDWN.length - 1)}`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function threadLine(thread: DrillThread): string {
  // The link text is fixed: a permalink is Slack's own URL, never text a person typed.
  if (thread.permalink) return `Its thread: <${thread.permalink}|the run’s thread> in <#${thread.channel}>.`;
  return `Its thread opens in <#${thread.channel}> under the run’s first message (marked EXERCISE).`;
}

export function renderDrillStarted(options: { drillId: string; title: string; scenario: string; exerciseId: string; childWorkflowId: string; thread: DrillThread }): string {
  return [
    `:rocket: Drill ${code(options.drillId)} started: *${escape(options.title)}* (scenario ${code(options.scenario)}, exercise ${code(options.exerciseId)}).`,
    `Its run ${code(options.childWorkflowId)} plays the runbook in tabletop mode. ${threadLine(options.thread)}`,
    `Steer it: ${code(`/quell drill pause ${options.drillId}`)}, ${code(`/quell drill inject ${options.drillId} <inject id>`)}, ${code(`/quell drill end ${options.drillId}`)}; ${code(`/quell drill status ${options.drillId}`)} shows it.`,
  ].join('\n');
}

const STATUS_EMOJI: Record<DrillState['status'], string> = {
  running: ':arrows_counterclockwise:',
  paused: ':double_vertical_bar:',
  ended: ':checkered_flag:',
  completed: ':white_check_mark:',
};

function injectLine(inject: InjectState): string {
  const whenText = inject.settledAtDrillMs === undefined ? `due at ${seconds(inject.atMs)}` : `at ${seconds(inject.settledAtDrillMs)}`;
  const by = inject.settledBy && inject.settledBy !== 'schedule' ? ` by ${who(inject.settledBy)}` : '';
  const icon = inject.status === 'fired' ? ':zap:' : inject.status === 'skipped' ? ':fast_forward:' : ':white_circle:';
  const title = inject.title ? ` — ${escapeLine(inject.title)}` : '';
  const effect = inject.effect ? `\n      _${escapeLine(inject.effect)}_` : '';
  return `${icon} ${code(inject.id)} (${inject.kind}) ${inject.status} ${whenText}${by}${title}${effect}`;
}

export function renderDrillStatus(state: DrillState, thread?: DrillThread): string {
  const paused = state.pausedMs > 0 ? ` (paused ${seconds(state.pausedMs)} in all)` : '';
  const lines = [
    `*${escape(state.scenario.title)}*  ·  drill ${code(state.drillId)}`,
    `${STATUS_EMOJI[state.status]} *${state.status}*  ·  drill time ${seconds(state.elapsedMs)}${paused}  ·  started by ${who(state.requestedBy)}, ${when(state.launchedAt)}`,
    `Run ${code(state.childWorkflowId)}${state.runOutcome ? `: ${state.runOutcome}` : ''}${thread ? `. ${threadLine(thread)}` : ''}`,
    `Facilitators: ${state.participants.facilitators.map(code).join(', ')}`,
    '*Injects*',
    ...state.injects.map(injectLine),
  ];
  if (state.followUps.length > 0) {
    lines.push('*Follow-up runs*', ...state.followUps.map((run) => `• ${code(run.workflowId)} (${code(run.runbookId)}, for ${code(run.injectId)}) started by ${who(run.startedBy)}${run.outcome ? `: ${run.outcome}` : ''}`));
  }
  if (state.notes.length > 0) {
    lines.push('*Notes*', ...state.notes.map((note) => `${seconds(note.drillMs)}  ${who(note.actor)}: ${escape(note.text)}`));
  }
  if (state.endedBy) lines.push(`:checkered_flag: ended by ${who(state.endedBy.actor)}, ${when(state.endedBy.at)}${state.endedBy.reason ? `: “${escape(state.endedBy.reason)}”` : ''}`);
  return lines.join('\n');
}

export function renderPaused(state: DrillState): string {
  return `:double_vertical_bar: Drill ${code(state.drillId)} paused at drill time ${seconds(state.elapsedMs)}: injects wait until ${code(`/quell drill resume ${state.drillId}`)}.`;
}

export function renderResumed(state: DrillState): string {
  const next = state.injects.filter((inject) => inject.status === 'pending').sort((a, b) => a.atMs - b.atMs)[0];
  const upcoming = next ? ` Next inject: ${code(next.id)} at ${seconds(next.atMs)}.` : ' No inject is pending.';
  return `:arrow_forward: Drill ${code(state.drillId)} resumed at drill time ${seconds(state.elapsedMs)}.${upcoming}`;
}

export function renderInjectSettled(drillId: string, inject: InjectState): string {
  if (inject.status === 'skipped') return `:fast_forward: Inject ${code(inject.id)} of drill ${code(drillId)} skipped: it will not fire.`;
  const message = inject.message ? `\n>${escape(inject.message).replace(/\n/g, '\n>')}` : '';
  const effect = inject.effect ? `\n_${escapeLine(inject.effect)}_` : '';
  return `:zap: Inject ${code(inject.id)} (${inject.kind}) of drill ${code(drillId)} fired at drill time ${seconds(inject.settledAtDrillMs ?? 0)}.${message}${effect}`;
}

export function renderFollowUpStarted(drillId: string, run: FollowUpRun, thread: DrillThread): string {
  return [
    `:twisted_rightwards_arrows: Follow-up run ${code(run.workflowId)} of runbook ${code(run.runbookId)} started for twist ${code(run.injectId)} of drill ${code(drillId)}, in tabletop mode; ending the drill cancels it.`,
    threadLine(thread),
  ].join(' ');
}

export function renderNoted(drillId: string, drillMs: number): string {
  return `:memo: Note added to drill ${code(drillId)} at drill time ${seconds(drillMs)}.`;
}

export function renderEnding(drillId: string): string {
  return `:checkered_flag: Drill ${code(drillId)} is ending; its run is cancelled if it is still running. ${code(`/quell drill status ${drillId}`)} shows the outcome.`;
}

/** What a person who is not a facilitator is told: who may, and that nothing was done. */
export function renderNotFacilitator(doing: string, groups: readonly string[]): string {
  return `:no_entry: You may not ${doing}: only facilitators may, that is members of ${groupList(groups)} (approvers file). Nothing was done.`;
}

/** Membership could not be read: refused, because a facilitator check that cannot finish lets no one through. */
export function renderUnresolved(doing: string, reason: string): string {
  return `:no_entry: Quell could not check whether you may ${doing}, so it did nothing: ${escape(reason)}`;
}

function groupList(groups: readonly string[]): string {
  if (groups.length === 0) return '_no group_';
  const shown = groups.map(code);
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

const DESCRIPTIONS: Record<DrillSubCommand, string> = {
  start: 'start a drill of a scenario (its id in the runbooks folder); the exercise id defaults to the current UTC time',
  status: 'the drill’s status, drill time, injects and notes',
  pause: 'stop the inject clock',
  resume: 'restart the inject clock where it stopped',
  inject: 'fire a pending inject now',
  skip: 'never fire a pending inject',
  'follow-up': 'start the follow-up run a fired twist calls for (a tabletop run, linked to the drill)',
  note: 'add a note to the drill’s record',
  end: 'end the drill; its run is cancelled if still running',
  schedule: 'run a scenario as a drill on a timetable (a Temporal Schedule), or list, pause, resume, trigger or delete such schedules:',
  plan: 'the improvement plan after a drill: add an item (finding, corrective action, owner, due date) or list them:',
  help: 'this help',
};

/** The forms of the sub-commands that have several, shown under their line. */
const DETAILS: Partial<Record<DrillSubCommand, string[]>> = {
  schedule: SCHEDULE_OPS.map((op) => SCHEDULE_USAGE[op]),
  plan: PLAN_OPS.map((op) => PLAN_USAGE[op]),
};

export function renderDrillHelp(scenarios: Array<{ id: string; title: string; facilitators: string[] }>, broken: number): string {
  const lines = DRILL_SUB_COMMANDS.flatMap((sub) => [
    `• ${code(DRILL_USAGE[sub])}: ${DESCRIPTIONS[sub]}`,
    ...(DETAILS[sub] ?? []).map((form) => `      ◦ ${code(form)}`),
  ]);
  const listed = scenarios.length > 0 ? scenarios.map((scenario) => `• ${code(scenario.id)}: ${escapeLine(scenario.title)} (facilitators: ${scenario.facilitators.map(code).join(', ')})`) : ['_none found_'];
  const brokenLine = broken > 0 ? [`:warning: ${broken} scenario or runbook file(s) have errors and are not offered (run ${code('quell lint')}).`] : [];
  return [
    '*Tabletop drills* play a scenario’s timed injects over a tabletop run of its runbook.',
    'Only facilitators may start, steer or schedule drills, or fill in their improvement plans: the scenario’s facilitator groups, as the approvers file defines them.',
    ...lines,
    '*Scenarios*',
    ...listed,
    ...brokenLine,
  ].join('\n');
}

/** A scenario id that names no scenario: the closest one as the same command, and the ids there are. */
export function renderNoScenario(scenario: string, ids: readonly string[], command: string): string {
  const suggestion = closestMatch(scenario, ids);
  return (
    `:grey_question: There is no scenario ${code(scenario)}.${suggestion ? ` Did you mean ${code(`${command} ${suggestion}`)}?` : ''}\n` +
    `Scenarios: ${ids.length > 0 ? ids.map(code).join(', ') : '_none_'} (${code('/quell drill help')} describes them)`
  );
}

/** The reply to a bad `/quell drill …`: what was wrong and the usage of that sub-command. */
export function renderDrillUsage(problem: string, usage: string): string {
  return `:warning: ${escape(problem)}\nUsage: ${code(usage)}  (${code(DRILL_USAGE.help)} lists everything)`;
}

export function renderUnknownDrillCommand(word: string, suggestion?: DrillSubCommand): string {
  const hint = suggestion ? ` Did you mean ${code(`/quell drill ${suggestion}`)}?` : '';
  return `:grey_question: ${code(word)} is not a drill command.${hint} ${code(DRILL_USAGE.help)} lists them.`;
}
