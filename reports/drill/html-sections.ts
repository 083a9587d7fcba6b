/**
 * The after-action page's upper half: the header (what drill, when, how it ended), the scorecard
 * of objectives, and the figures (containment, first action, approvals, gates, decisions and their
 * answers, loops and observation windows, child runs and severity changes, failures, retries).
 */
import { answerFieldsText } from './report-decisions';
import type { ChildRunFigure, DecisionFigure, DrillReport, LoopFigure, ObjectiveReport, SeverityFigure, StepMark, WindowFigure } from './report-types';
import { element, escapeHtml } from './html-escape';
import { badge, drillClock, facts, html, moment, prose, ref, section, table, verdictBadge, wallClock, type Cell } from './html-parts';
import { formatDurationMs } from './trend-stats';

/** How the drill ended, in a few words, with a tone for its badge. */
export function outcomeOf(report: DrillReport): { text: string; tone: string } {
  const { drill, run } = report;
  if (drill.status === 'running' || drill.status === 'paused') return { text: `drill ${drill.status}`, tone: 'info' };
  const how = drill.status === 'ended' ? `ended by ${drill.endedBy?.actor ?? 'the facilitator'}` : 'completed';
  const tone = run.status === 'completed' ? 'ok' : run.status === 'failed' || run.status === 'rejected' ? 'bad' : 'warn';
  return { text: `drill ${how}; run ${run.status}${run.ended ? `: ${run.ended.outcome}` : ''}`, tone };
}

export function renderHeader(report: DrillReport): string {
  const { drill, scenario, runbook, score } = report;
  const outcome = outcomeOf(report);
  const closed = drill.closed ?? report.run.closed;
  const lines: Array<[string, Cell]> = [
    ['Scenario', html(`${escapeHtml(scenario.title)} <span class="muted">(${element('code', `${scenario.id} v${scenario.version}`)})</span>`)],
    ['Runbook', html(`${escapeHtml(runbook.title)} <span class="muted">(${element('code', `${runbook.id} v${runbook.version}`)})</span>`)],
    ['Drill id', html(element('code', drill.drillId))],
    ['Run', html(element('code', report.run.workflowId))],
    ['Incident id', drill.incidentId],
    ['Schedule', drill.scheduleId],
    ['Launched', html(`${escapeHtml(wallClock(report.launch.at))} ${ref(report.launch.ref).html}`)],
    ['Closed', closed ? html(`${escapeHtml(wallClock(closed.at))} ${ref(closed.ref).html}`) : 'not yet'],
    ['Drill time', `${formatDurationMs(report.drillTime.totalMs)}${report.drillTime.final ? '' : ' so far'} (paused ${formatDurationMs(report.drillTime.pausedMs)}, wall ${formatDurationMs(report.drillTime.wallMs)})`],
    ['Outcome', badge(outcome.text, outcome.tone)],
    ['Started by', `${drill.requestedBy} via ${drill.requestedVia}`],
    ['Ended by', drill.endedBy ? html(`${escapeHtml(drill.endedBy.actor)} at ${moment(drill.endedBy).html}${drill.endedBy.reason ? `: ${prose(drill.endedBy.reason).html}` : ''}`) : undefined],
    ['Run steps', stepCountText(report.run.stepCounts)],
    ['Run ended early', report.run.ended ? html(`${escapeHtml(report.run.ended.outcome)} at step ${element('code', report.run.ended.step)}${report.run.ended.summary ? `: ${prose(report.run.ended.summary).html}` : ''} ${ref(report.run.ended.ref).html}`) : undefined],
    ['Run failure', report.run.failure ? `${report.run.failure.step ? `${report.run.failure.step}: ` : ''}${report.run.failure.message}` : undefined],
    ['Run cancelled', report.run.cancel ? `by ${report.run.cancel.actor}: ${report.run.cancel.reason}` : undefined],
    ['Report generated', wallClock(report.generatedAt)],
  ];
  const scoreLine = `Objectives: ${score.met} of ${score.total} met, ${score.partlyMet} partly met, ${score.notMet} not met${score.open > 0 ? `, ${score.open} still open` : ''}.`;
  const warnings =
    report.warnings.length > 0 ? `<div class="warnings"><strong>What this report could not see</strong><ul>${report.warnings.map((warning) => element('li', warning)).join('')}</ul></div>` : '';
  return `<header>\n${element('h1', `After-action report: ${scenario.title}`)}\n${element('p', scoreLine, 'class="score"')}\n${facts(lines)}\n${warnings}\n</header>`;
}

function stepCountText(counts: Partial<Record<string, number>>): string | undefined {
  const parts = Object.entries(counts)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([status, count]) => `${count} ${status}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function aimText(objective: ObjectiveReport): string {
  const limit = objective.limitMs !== undefined ? ` (${formatDurationMs(objective.limitMs)})` : ' (not set by the runbook)';
  return objective.aim.kind === 'target' ? `${objective.aim.target}${objective.aim.duration ? ` = ${objective.aim.duration}` : ''}${limit}` : `within ${objective.aim.duration}`;
}

function objectiveSteps(objective: ObjectiveReport): Cell {
  const items = objective.steps.map((step) => {
    const when = step.succeeded ? ` at ${drillClock(step.succeeded.drillMs)} ${ref(step.succeeded.ref).html}` : '';
    const inTime = step.inTime ? badge('in time', 'ok').html : badge(step.status === 'succeeded' ? 'late' : step.status, 'bad').html;
    return `<li>${element('code', step.stepId)} ${inTime}${when}</li>`;
  });
  return html(`<ul style="margin:0;padding-left:16px">${items.join('')}</ul>`);
}

export function renderScorecard(report: DrillReport): string {
  const rows = report.objectives.map((objective): Cell[] => [
    html(element('code', objective.id)),
    objective.description,
    aimText(objective),
    verdictBadge(objective.verdict),
    `${objective.stepsInTime} of ${objective.steps.length}`,
    objectiveSteps(objective),
    moment(objective.completed),
    objective.reason,
  ]);
  return section(
    'scorecard',
    'Scorecard',
    table(['Objective', 'Description', 'Aim', 'Verdict', { label: 'Steps in time', numeric: true }, 'Steps', 'Completed', 'Why'], rows, { className: 'scorecard', empty: 'The scenario sets no objectives.' }),
    'Met: every step succeeded within the limit. Partly met: some did. Not met: none did. Open: the drill is still going and the limit is still ahead.',
  );
}

function stepMarks(title: string, marks: StepMark[]): string {
  if (marks.length === 0) return '';
  return element('h3', title) + table(['Step', 'When', 'Detail'], marks.map((mark) => [html(element('code', mark.stepId)), moment(mark.when), mark.detail]));
}

/** Each decision step (question, outcome, who answered), then every answer with its fields. */
function decisionTables(decisions: DecisionFigure[]): string {
  if (decisions.length === 0) return '';
  const steps = table(
    ['Decision', 'Question', { label: 'Quorum', numeric: true }, 'Outcome', 'Answered by', 'Closed', 'Escalated'],
    decisions.map((decision) => [html(element('code', decision.stepId)), decision.question, decision.quorum, `${decision.outcome}${decision.chosen ? `: ${decision.chosen}` : ''}`, decision.answeredBy.join(', '), moment(decision.closed), moment(decision.escalated)]),
  );
  const answers = table(
    ['Decision', 'Answer', 'By', 'Policy name', 'Via', 'Fields', 'Reason', 'When'],
    decisions.flatMap((decision) => decision.answers.map((answer): Cell[] => [html(element('code', answer.stepId)), answer.option, answer.actor, answer.person, answer.via, answerFieldsText(answer.fields), answer.reason, moment(answer)])),
    { empty: 'Nobody answered.' },
  );
  return `${element('h3', 'Decisions')}${steps}${element('h3', 'Answers')}${answers}`;
}

/** Each loop (items, how many failed), its failed items; each observation window (checks, outcome). */
function loopAndWindowTables(loops: LoopFigure[], windows: WindowFigure[]): string {
  const parts: string[] = [];
  if (loops.length > 0) {
    parts.push(
      element('h3', 'Loops'),
      table(
        ['Loop', { label: 'Items', numeric: true }, { label: 'Succeeded', numeric: true }, { label: 'Failed', numeric: true }, { label: 'Not started', numeric: true }, { label: 'At a time', numeric: true }, 'On item failure', 'Ended'],
        loops.map((loop) => [html(element('code', loop.stepId)), loop.total, loop.succeeded, loop.failed, loop.skipped, loop.concurrency, loop.onItemFailure, moment(loop.ended)]),
      ),
    );
    const failed = loops.flatMap((loop) => loop.items.filter((item) => item.status === 'failed').map((item): Cell[] => [html(element('code', loop.stepId)), item.index, item.label, item.failedStep ? html(element('code', item.failedStep)) : undefined, item.error]));
    if (failed.length > 0) parts.push(element('h3', 'Failed loop items'), table(['Loop', { label: 'Item', numeric: true }, 'Label', 'Failed step', 'Error'], failed));
  }
  if (windows.length > 0) {
    parts.push(
      element('h3', 'Observation windows'),
      table(
        ['Window', 'Check', 'Every / for', { label: 'Checks', numeric: true }, 'Outcome', 'First check', 'Last check'],
        windows.map((window) => [html(element('code', window.stepId)), window.action, `${window.every} / ${window.for}`, window.checks, badge(window.outcome, window.outcome === 'failed' ? 'bad' : window.outcome === 'condition-met' ? 'ok' : 'info'), moment(window.firstCheck), moment(window.lastCheck)]),
      ),
    );
  }
  return parts.join('');
}

/** Each child run (when it started and ended, how) and each re-grade of the run's severity. */
function childAndSeverityTables(children: ChildRunFigure[], severity: SeverityFigure | undefined): string {
  const parts: string[] = [];
  if (children.length > 0) {
    parts.push(
      element('h3', 'Child runs'),
      table(
        ['Step', 'Child run', 'Runbook', 'Started', 'Ended', 'Status'],
        children.map((child) => [html(element('code', child.stepId)), html(element('code', child.workflowId)), `${child.runbookId} v${child.version}`, moment(child.started), moment(child.ended), badge(`${child.status}${child.outcome ? `: ${child.outcome}` : ''}`, child.status === 'completed' ? 'ok' : child.status === 'running' ? 'info' : 'bad')]),
      ),
    );
  }
  if (severity) {
    parts.push(
      element('h3', 'Severity'),
      facts([
        ['Declared', severity.declared],
        ['Final', severity.final],
      ]),
    );
    if (severity.changes.length > 0) {
      parts.push(table(['From', 'To', 'Step', 'Reason', 'When'], severity.changes.map((change) => [change.from, change.to, html(element('code', change.step)), change.reason, moment(change.changed)])));
    }
  }
  return parts.join('');
}

export function renderFigures(report: DrillReport): string {
  const { figures } = report;
  const c = figures.containment;
  const containment = facts([
    ['Measured', c.measured ? `yes, over ${c.steps.join(', ') || 'no steps'}` : 'no'],
    ['Target', c.target ? `${c.target} (${formatDurationMs(c.targetMs)})` : undefined],
    ['Contained', c.contained ? moment(c.contained) : c.measured ? 'not reached' : undefined],
    ['Within target', c.withinTarget === undefined ? undefined : c.withinTarget ? badge('yes', 'ok') : badge('no', 'bad')],
    ['Margin', c.marginMs === undefined ? undefined : c.marginMs >= 0 ? `${formatDurationMs(c.marginMs)} to spare` : `${formatDurationMs(-c.marginMs)} late`],
    ['Why', c.reason],
  ]);
  const first = figures.firstAction;
  const firstAction = first ? `${first.actor} (${first.what}${first.stepId ? ` on ${first.stepId}` : ''}) at ${drillClock(first.drillMs)}` : undefined;
  const general = facts([
    ['First action by the players', first ? html(`${escapeHtml(firstAction)} ${ref(first.ref).html}`) : 'none'],
    ['Retries (all actions)', String(figures.retriesTotal)],
  ]);
  const approvals = table(
    ['Gate', 'Decision', 'By', 'Policy name', 'Via', 'When'],
    figures.approvals.map((approval) => [html(element('code', approval.stepId)), approval.decision, approval.actor, approval.person, approval.via, moment(approval)]),
    { empty: 'No approval decisions.' },
  );
  const gates = table(
    ['Gate', { label: 'Quorum', numeric: true }, 'Outcome', 'Approved by', 'Closed', 'Escalated'],
    figures.gates.map((gate) => [html(element('code', gate.stepId)), gate.quorum, gate.outcome, gate.approvedBy.join(', '), moment(gate.closed), moment(gate.escalated)]),
    { empty: 'The runbook has no approval gates.' },
  );
  const retries = figures.retries.length
    ? element('h3', 'Retried actions') +
      table(
        ['Step', 'Action', 'Purpose', { label: 'Attempts', numeric: true }, 'Outcome', 'Event'],
        figures.retries.map((retry) => [html(element('code', retry.stepId)), retry.action, retry.purpose, retry.attempts, retry.outcome, ref(retry.ref)]),
      )
    : '';
  const body = [
    element('h3', 'Time to containment'),
    containment,
    general,
    element('h3', 'Approval decisions'),
    approvals,
    element('h3', 'Gates'),
    gates,
    decisionTables(figures.decisions ?? []),
    loopAndWindowTables(figures.loops ?? [], figures.windows ?? []),
    childAndSeverityTables(figures.childRuns ?? [], figures.severity),
    stepMarks('Failed steps', figures.stepsFailed),
    stepMarks('Timed-out steps', figures.stepsTimedOut),
    stepMarks('Skipped steps', figures.stepsSkipped),
    retries,
  ].join('\n');
  return section('figures', 'Figures', body, 'Times are drill time since launch (paused time left out), with the wall time and the history event they are read from.');
}
