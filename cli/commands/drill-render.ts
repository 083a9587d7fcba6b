/**
 * A drill for the terminal: every block opens with the exercise banner, so nothing a drill prints
 * can be mistaken for a real incident; people's text is shown neutralised (cli/display.ts).
 */
import { EXERCISE_BANNER, withExerciseMark } from '../../common/exercise';
import type { DrillReadinessReport, DrillState, InjectState } from '../../common/drill-state';
import { isNotCheckable } from '../../activities/readiness-probe/wording';
import { shownLine, shownText } from '../display';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function renderDrillStarted(drillId: string, childWorkflowId: string): string {
  return [`[${EXERCISE_BANNER}]`, `drill started: ${drillId}`, `its run: ${childWorkflowId}`, `follow it: quell drill status ${drillId}`].join('\n');
}

function injectLine(inject: InjectState): string {
  const when = inject.settledAtDrillMs === undefined ? `due at ${seconds(inject.atMs)}` : `at ${seconds(inject.settledAtDrillMs)}`;
  const by = inject.settledBy && inject.settledBy !== 'schedule' ? ` by ${shownLine(inject.settledBy)}` : '';
  const head = `  ${inject.id} (${inject.kind}) ${inject.status} ${when}${by}`;
  const text = inject.status === 'fired' && inject.message ? `\n    ${shownText(inject.message)}` : inject.title ? ` — ${shownLine(inject.title)}` : '';
  const effect = inject.status === 'fired' && inject.effect ? `\n    effect: ${shownLine(inject.effect)}` : '';
  const prompt = inject.kind === 'twist' && inject.status === 'fired' && inject.followUp && !inject.followUpWorkflowId ? `\n    start its follow-up run: quell drill follow-up <drill> ${inject.id}` : '';
  return head + text + effect + prompt;
}

export function renderDrillState(state: DrillState): string {
  const lines = [
    `[${EXERCISE_BANNER}]`,
    `drill ${state.drillId}: ${shownLine(state.scenario.title)}`,
    ...(state.scheduleId ? [`started by schedule ${shownLine(state.scheduleId)}`] : []),
    `status ${state.status}; drill time ${seconds(state.elapsedMs)}${state.pausedMs > 0 ? ` (paused ${seconds(state.pausedMs)})` : ''}`,
    `run ${state.childWorkflowId}${state.runOutcome ? `: ${state.runOutcome}` : ''}`,
    'injects:',
    ...state.injects.map(injectLine),
  ];
  if (state.followUps.length > 0) {
    lines.push('follow-up runs:', ...state.followUps.map((run) => `  ${run.workflowId} (${run.runbookId}, for ${run.injectId}) started by ${shownLine(run.startedBy)} at ${seconds(run.startedAtDrillMs)}${run.outcome ? `: ${run.outcome}` : ''}`));
  }
  if (state.readiness) lines.push(...readinessLines(state.readiness));
  if (state.notes.length > 0) lines.push('notes:', ...state.notes.map((note) => `  ${seconds(note.drillMs)} ${shownLine(note.actor)}: ${shownText(note.text)}`));
  return lines.join('\n');
}

/** Problems one per line (✗ would have failed, ? not checkable read-only); passed checks as a count. */
function readinessLines(report: DrillReadinessReport): string[] {
  const unknown = report.findings.filter(isNotCheckable).length;
  const passed = report.findings.filter((f) => f.ok).length;
  const shown = report.findings.filter((f) => !f.ok).map((f) => `  ${isNotCheckable(f) ? '?' : '✗'} ${f.stepId} (${f.action}${f.system ? `, ${f.system}` : ''}): ${shownLine(f.detail)}`);
  const failed = report.findings.length - passed - unknown;
  return [`live readiness (read-only probe at ${report.probedAt}): ${passed} passed, ${failed} would have failed, ${unknown} not checkable read-only`, ...shown];
}

/** One line confirming a control, marked as an exercise. */
export function renderControl(line: string): string {
  return withExerciseMark('tabletop', line);
}
