/**
 * What `/quell drill schedule …` answers, as mrkdwn (the listener puts the exercise banner on
 * top, as for every drill reply). Pure. Times are Slack dates, shown in the reader's time zone.
 */
import { DRILL_CATCHUP_WINDOW, type DrillScheduleView } from '../client/drill-schedules';
import { threadLine, type DrillThread } from './drill-text';
import { code, escape, escapeLine, when, who } from './text';

const RECENT_SHOWN = 3;

function scenarioWords(view: DrillScheduleView): string {
  const title = view.scenario.title ? `*${escape(view.scenario.title)}* ` : '';
  return `${title}(scenario ${code(view.scenario.id)}${view.runbook ? `, runbook ${code(view.runbook.id)}` : ''})`;
}

function times(isos: readonly string[]): string {
  return isos.map(when).join(', ');
}

function groups(view: DrillScheduleView): string {
  return view.facilitators.length > 0 ? view.facilitators.map(code).join(', ') : '_none_';
}

export function renderScheduleCreated(view: DrillScheduleView, drillIds: string): string {
  const id = view.scheduleId;
  return [
    `:spiral_calendar_pad: Drill schedule ${code(id)} created: ${scenarioWords(view)}.`,
    `It runs ${escapeLine(view.timingWords)}. A tick is skipped while one of its drills still runs, and counted as missed if Temporal cannot start it within ${DRILL_CATCHUP_WINDOW} of its time.`,
    `Next runs: ${view.nextRuns.length > 0 ? times(view.nextRuns) : '_none planned_'}`,
    ...(view.note ? [`Note: ${escapeLine(view.note)}`] : []),
    `Its drills are named ${code(drillIds)}, requested by ${who(view.createdBy ?? 'unknown')}; facilitators: ${groups(view)}.`,
    `Steer it: ${code(`/quell drill schedule pause ${id}`)}, ${code(`/quell drill schedule trigger ${id}`)}, ${code(`/quell drill schedule delete ${id} yes`)}; ${code('/quell drill schedule list')} shows it.`,
  ].join('\n');
}

/** The schedules the person may steer, and how many others there are (not shown). */
export function renderScheduleList(views: readonly DrillScheduleView[], hidden: number, unchecked: readonly string[]): string {
  const lines: string[] = [];
  if (views.length === 0) {
    lines.push(`No drill schedules you facilitate. Create one: ${code('/quell drill schedule <scenario> every 1w')}`);
  } else {
    lines.push(`*Drill schedules you facilitate* (${views.length})`);
    for (const view of views) lines.push(...scheduleLines(view));
  }
  if (hidden > 0) lines.push(`_${hidden} other drill schedule${hidden === 1 ? ' is' : 's are'} not shown: only their facilitators see them, since their timing would tell players when a drill comes._`);
  for (const reason of unchecked) lines.push(`:warning: ${escape(reason)}`);
  return lines.join('\n');
}

function scheduleLines(view: DrillScheduleView): string[] {
  const state = view.paused ? `:double_vertical_bar: *paused*${view.note ? ` (${escapeLine(view.note)})` : ''}` : ':arrow_forward: *active*';
  const lines = [
    `• ${code(view.scheduleId)}: ${scenarioWords(view)}`,
    `      ${state}  ·  ${escapeLine(view.timingWords)}  ·  facilitators ${groups(view)}${view.createdBy ? `  ·  created by ${who(view.createdBy)}` : ''}`,
    `      next runs: ${view.paused ? '_none while paused_' : view.nextRuns.length > 0 ? times(view.nextRuns) : '_none planned_'}`,
    `      drills started ${view.drillsStarted}; missed ${view.missedCatchupWindow} (not startable within ${DRILL_CATCHUP_WINDOW}); skipped ${view.skippedOverlap} (one was still running)`,
  ];
  if (view.runningDrills.length > 0) lines.push(`      running: ${view.runningDrills.map(code).join(', ')}`);
  const recent = view.recentDrills.slice(0, RECENT_SHOWN);
  if (recent.length > 0) lines.push(`      recent: ${recent.map((drill) => `${code(drill.drillId)}${drill.status ? ` (${escapeLine(drill.status)})` : ''}`).join(', ')}`);
  return lines;
}

export function renderSchedulePaused(scheduleId: string): string {
  return `:double_vertical_bar: Drill schedule ${code(scheduleId)} paused: no drills start until ${code(`/quell drill schedule resume ${scheduleId}`)}. Drills already running go on.`;
}

export function renderScheduleResumed(view: DrillScheduleView): string {
  const next = view.nextRuns[0] ? `next run ${when(view.nextRuns[0])}` : 'no run planned';
  return `:arrow_forward: Drill schedule ${code(view.scheduleId)} resumed: ${next}. Ticks missed while it was paused are not made up.`;
}

export function renderScheduleTriggered(scheduleId: string, started?: { drillId: string; runWorkflowId: string; thread: DrillThread }): string {
  if (!started) {
    return `:hourglass_flowing_sand: Drill schedule ${code(scheduleId)} was asked to start a drill, and none has appeared yet; ${code('/quell drill schedule list')} shows it once it has.`;
  }
  const { drillId } = started;
  return [
    `:alarm_clock: Drill ${code(drillId)} started now by schedule ${code(scheduleId)}.`,
    `Its run ${code(started.runWorkflowId)} plays the runbook in tabletop mode. ${threadLine(started.thread)}`,
    `Steer it: ${code(`/quell drill pause ${drillId}`)}, ${code(`/quell drill inject ${drillId} <inject id>`)}, ${code(`/quell drill end ${drillId}`)}; ${code(`/quell drill status ${drillId}`)} shows it.`,
  ].join('\n');
}

function stillRunning(drillIds: readonly string[]): string {
  if (drillIds.length === 0) return 'None of its drills is running.';
  return `Still running, and not ended by the delete: ${drillIds.map((drillId) => `${code(drillId)} (end it: ${code(`/quell drill end ${drillId}`)})`).join(', ')}.`;
}

/** `delete` without `yes`: what would go, and what would stay. */
export function renderDeletePreview(view: DrillScheduleView): string {
  return [
    `:warning: This would delete drill schedule ${code(view.scheduleId)}: ${scenarioWords(view)}, ${view.paused ? 'paused' : 'active'}, ${escapeLine(view.timingWords)}; ${view.drillsStarted} drill${view.drillsStarted === 1 ? '' : 's'} started so far.`,
    stillRunning(view.runningDrills),
    `Nothing was deleted. To delete it: ${code(`/quell drill schedule delete ${view.scheduleId} yes`)}`,
  ].join('\n');
}

export function renderScheduleDeleted(deleted: { scheduleId: string; runningDrills: string[] }): string {
  return [`:wastebasket: Drill schedule ${code(deleted.scheduleId)} deleted: it starts no more drills.`, stillRunning(deleted.runningDrills)].join('\n');
}
