/**
 * The after-action report as Markdown: a header, the scorecard, the figures, the injects and how
 * they were handled, pauses, the timeline (each line citing its history event), notes, the
 * improvement plan, readiness findings, follow-up runs and what the report could not see. Opened
 * and closed by the exercise banner: nobody may mistake it for a real incident's report.
 *
 * People's text (notes, reasons, plan items, titles) is shown neutralised (control and invisible
 * characters made visible) and escaped, so it can neither break a table nor inject markup.
 */
import { EXERCISE_BANNER, EXERCISE_MARK } from '../../common/exercise';
import { neutraliseForDisplay } from '../../common/text-safety';
import { formatDrillMs } from './drill-time';
import { answerFieldsText } from './report-decisions';
import type { ChildRunFigure, DecisionFigure, DrillReport, InjectReport, LoopFigure, Moment, ObjectiveReport, SeverityFigure, StepMark, WindowFigure } from './report-types';

/**
 * Text from people or records, safe inside Markdown: line breaks become spaces (or, `multiline`,
 * Markdown line breaks), other control and invisible characters visible escapes, and every
 * character Markdown gives meaning to (tables, emphasis, links, HTML) escaped.
 */
export function mdText(text: string | undefined, options: { multiline?: boolean } = {}): string {
  if (text === undefined || text === '') return '';
  const lines = options.multiline ? text : text.replace(/\r?\n/g, ' ');
  const shown = neutraliseForDisplay(lines, { keepLineBreaks: options.multiline === true });
  return shown.replace(/[\\`*_[\]<>|#]/g, (char) => `\\${char}`).replace(/\r?\n/g, '  \n');
}

/** A table cell: one line, pipes escaped. */
const cell = (text: string | undefined): string => mdText(text) || '—';
/** An id as code; a pipe stays escaped so it cannot split a table cell. */
const code = (text: string): string => `\`${neutraliseForDisplay(text).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
const at = (moment: Moment | undefined): string => (moment ? `${formatDrillMs(moment.drillMs)} (${moment.ref})` : '—');
const ms = (value: number | undefined): string => (value === undefined ? '—' : formatDrillMs(value));

function table(headers: string[], rows: string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

const VERDICT: Record<ObjectiveReport['verdict'], string> = { met: '✅ met', 'partly-met': '🟡 partly met', 'not-met': '❌ not met', open: '⏳ open' };

export function renderDrillReportMarkdown(report: DrillReport): string {
  const lines: string[] = [
    `> **${EXERCISE_BANNER}** — after-action report of a tabletop drill.`,
    '',
    `# ${EXERCISE_MARK}: ${mdText(report.scenario.title)}`,
    '',
    ...header(report),
    '',
    '## Scorecard',
    '',
    ...table(
      ['Objective', 'Aim', 'Verdict', 'Steps in time', 'Done at', 'Why'],
      report.objectives.map((objective) => [
        `**${cell(objective.id)}** ${cell(objective.description)}`,
        objective.aim.kind === 'within' ? `within ${cell(objective.aim.duration)}` : `${objective.aim.target} (${cell(objective.aim.duration ?? 'not set')})`,
        VERDICT[objective.verdict],
        `${objective.stepsInTime}/${objective.steps.length}`,
        at(objective.completed),
        cell(objective.reason),
      ]),
    ),
    '',
    ...figures(report),
    '',
    '## Injects',
    '',
    ...injectsTable(report.injects),
    '',
    ...pauses(report),
    '## Timeline',
    '',
    'Drill time leaves out paused time; every line names the history event it is read from.',
    '',
    ...table(
      ['Drill time', 'Event', 'What', 'Who', 'Detail'],
      report.timeline.map((line) => [formatDrillMs(line.drillMs), `${line.ref} ${line.eventType}`, cell(line.kind), cell(line.actor), cell(line.text)]),
    ),
    '',
    '## Notes',
    '',
    ...(report.notes.length === 0 ? ['No facilitator notes.'] : report.notes.map((note) => `- ${formatDrillMs(note.drillMs)} ${mdText(note.actor)} (${note.ref}): ${mdText(note.text)}`)),
    '',
    ...plan(report),
    ...readiness(report),
    ...followUps(report),
    ...(report.warnings.length > 0 ? ['## What this report could not see', '', ...report.warnings.map((warning) => `- ${mdText(warning)}`), ''] : []),
    '---',
    '',
    `*${EXERCISE_BANNER}.* Built ${report.generatedAt} from the Temporal histories of the drill, its run, its follow-ups and its debrief.`,
  ];
  return `${lines.join('\n')}\n`;
}

function header(report: DrillReport): string[] {
  const { drill, score } = report;
  const scoreText = `${score.met} of ${score.total} met` + [score.partlyMet && `${score.partlyMet} partly`, score.notMet && `${score.notMet} not met`, score.open && `${score.open} open`].filter(Boolean).map((part) => `, ${part}`).join('');
  return table(
    ['', ''],
    [
      ['Drill', `${code(drill.drillId)} — ${drill.status}${drill.endedBy ? `, ended by ${mdText(drill.endedBy.actor)} at ${at(drill.endedBy)}${drill.endedBy.reason ? `: ${cell(drill.endedBy.reason)}` : ''}` : ''}`],
      ['Scenario', `${code(report.scenario.id)} v${report.scenario.version} (sha256 ${report.scenario.sha256.slice(0, 12)})`],
      ['Runbook', `${code(report.runbook.id)} v${report.runbook.version} — ${cell(report.runbook.title)} (sha256 ${report.runbook.sha256.slice(0, 12)})`],
      ['Launched', `${report.launch.at} (${report.launch.ref}) by ${cell(drill.requestedBy)} via ${drill.requestedVia}`],
      ['Drill time', `${formatDrillMs(report.drillTime.totalMs)}${report.drillTime.final ? '' : ' so far'} (paused ${formatDrillMs(report.drillTime.pausedMs)}, wall ${formatDrillMs(report.drillTime.wallMs)})`],
      ['Run', `${code(report.run.workflowId)} — ${report.run.status}${report.run.ended ? `: ${cell(report.run.ended.outcome)} (ended at ${code(report.run.ended.step)}${report.run.ended.summary ? `: ${cell(report.run.ended.summary)}` : ''})` : ''}${report.run.failure ? `: ${cell(report.run.failure.message)}` : ''}`],
      ['Objectives', scoreText],
      ['Facilitators / players', `${cell(report.participants.facilitatorGroups.join(', '))} / ${cell(report.participants.playerGroups.join(', '))}`],
      ['People', cell(report.participants.people.map((person) => `${person.actor} (${person.roles.join(', ')})`).join('; '))],
    ],
  );
}

function figures(report: DrillReport): string[] {
  const { figures: f } = report;
  const c = f.containment;
  const containment = !c.measured
    ? `not measured: ${mdText(c.reason)}`
    : c.contained
      ? `${at(c.contained)} against ${c.target ?? 'no target'}${c.withinTarget === undefined ? '' : c.withinTarget ? ' — within target' : ' — **missed the target**'}${c.marginMs !== undefined ? ` (${c.marginMs >= 0 ? `${formatDrillMs(c.marginMs)} to spare` : `${formatDrillMs(-c.marginMs)} late`})` : ''}`
      : `${mdText(c.reason)}${c.withinTarget === false ? ' — **missed the target**' : ''}`;
  const marks = (title: string, list: StepMark[]): string[] => (list.length === 0 ? [`- ${title}: none`] : [`- ${title}: ${list.length}`, ...list.map((mark) => `  - ${code(mark.stepId)}${mark.when ? ` ${at(mark.when)}` : ''}: ${mdText(mark.detail)}`)]);
  return [
    '## Figures',
    '',
    `- Time to first action: ${f.firstAction ? `${at(f.firstAction)} — ${f.firstAction.what} by ${mdText(f.firstAction.actor)}` : 'no player acted on the run'}`,
    `- Time to containment: ${containment}`,
    ...marks('Steps failed', f.stepsFailed),
    ...marks('Steps timed out', f.stepsTimedOut),
    ...marks('Steps skipped', f.stepsSkipped),
    `- Retries (attempts beyond the first): ${f.retriesTotal}${f.retries.length > 0 ? ` — ${f.retries.map((retry) => `${code(retry.stepId)} ${retry.action} ${retry.attempts} attempts, ${retry.outcome} (${retry.ref})`).join('; ')}` : ''}`,
    '',
    '### Approvals',
    '',
    ...(f.approvals.length === 0
      ? ['No approval decisions.']
      : table(
          ['Gate', 'Decision', 'By', 'Person', 'Via', 'Time to decision'],
          f.approvals.map((approval) => [code(approval.stepId), approval.decision, cell(approval.actor), cell(approval.person), approval.via ?? '—', at(approval)]),
        )),
    ...(f.gates.length === 0
      ? []
      : ['', '**Gates**', '', ...table(['Gate', 'Outcome', 'Approved by', 'Closed', 'Escalated'], f.gates.map((gate) => [code(gate.stepId), gate.outcome, cell(gate.approvedBy.join(', ')), at(gate.closed), at(gate.escalated)]))]),
    ...decisionLines(f.decisions ?? []),
    ...loopLines(f.loops ?? []),
    ...windowLines(f.windows ?? []),
    ...childRunLines(f.childRuns ?? []),
    ...severityLines(f.severity),
  ];
}

/** Child runs: which runbook each ran, when it started and ended, and how. */
function childRunLines(children: ChildRunFigure[]): string[] {
  if (children.length === 0) return [];
  return [
    '',
    '### Child runs',
    '',
    ...table(
      ['Step', 'Child run', 'Runbook', 'Started', 'Ended', 'Status'],
      children.map((child) => [code(child.stepId), code(child.workflowId), cell(`${child.runbookId} v${child.version}`), at(child.started), at(child.ended), cell(`${child.status}${child.outcome ? `: ${child.outcome}` : ''}`)]),
    ),
  ];
}

/** The severity declared and final, and each re-grade with the step that made it. */
function severityLines(severity: SeverityFigure | undefined): string[] {
  if (!severity) return [];
  const summary = `- Severity: declared ${severity.declared}, final ${severity.final}${severity.changes.length === 0 ? ' (never re-graded)' : ''}`;
  if (severity.changes.length === 0) return ['', summary];
  return [
    '',
    '### Severity changes',
    '',
    summary,
    '',
    ...table(
      ['From', 'To', 'Step', 'Reason', 'When'],
      severity.changes.map((change) => [change.from, change.to, code(change.step), cell(change.reason), at(change.changed)]),
    ),
  ];
}

/** Loops: how many items each ran and how they ended; the failed ones with their step and error. */
function loopLines(loops: LoopFigure[]): string[] {
  if (loops.length === 0) return [];
  const failed = loops.flatMap((loop) => loop.items.filter((item) => item.status === 'failed').map((item) => ({ loop, item })));
  return [
    '',
    '### Loops',
    '',
    ...table(
      ['Loop', 'Items', 'Succeeded', 'Failed', 'Not started', 'At a time', 'On item failure', 'Ended'],
      loops.map((loop) => [code(loop.stepId), String(loop.total), String(loop.succeeded), String(loop.failed), String(loop.skipped), String(loop.concurrency), loop.onItemFailure, at(loop.ended)]),
    ),
    ...(failed.length === 0
      ? []
      : ['', '**Failed items**', '', ...table(['Loop', 'Item', 'Label', 'Failed step', 'Error'], failed.map(({ loop, item }) => [code(loop.stepId), String(item.index), cell(item.label), item.failedStep ? code(item.failedStep) : '—', cell(item.error)]))]),
  ];
}

/** Observation windows: what was checked, how many checks ran and how each window closed. */
function windowLines(windows: WindowFigure[]): string[] {
  if (windows.length === 0) return [];
  return [
    '',
    '### Observation windows',
    '',
    ...table(
      ['Window', 'Check', 'Every / for', 'Checks', 'Outcome', 'First check', 'Last check'],
      windows.map((window) => [code(window.stepId), cell(window.action), `${window.every} / ${window.for}`, String(window.checks), window.outcome, at(window.firstCheck), at(window.lastCheck)]),
    ),
  ];
}

/** Decision steps: the question, how it closed and who answered; then every answer. */
function decisionLines(decisions: DecisionFigure[]): string[] {
  if (decisions.length === 0) return [];
  const answers = decisions.flatMap((decision) => decision.answers);
  return [
    '',
    '### Decisions',
    '',
    ...table(
      ['Decision', 'Question', 'Outcome', 'Answered by', 'Closed', 'Escalated'],
      decisions.map((decision) => [code(decision.stepId), cell(decision.question), `${decision.outcome}${decision.chosen ? `: ${cell(decision.chosen)}` : ''}`, cell(decision.answeredBy.join(', ')), at(decision.closed), at(decision.escalated)]),
    ),
    ...(answers.length === 0
      ? ['', 'No answers.']
      : ['', '**Answers**', '', ...table(['Decision', 'Answer', 'By', 'Person', 'Via', 'Fields', 'Reason', 'Time to answer'], answers.map((answer) => [code(answer.stepId), cell(answer.option), cell(answer.actor), cell(answer.person), answer.via ?? '—', cell(answerFieldsText(answer.fields)), cell(answer.reason), at(answer)]))]),
  ];
}

function injectsTable(injects: InjectReport[]): string[] {
  if (injects.length === 0) return ['The scenario has no injects.'];
  return table(
    ['Inject', 'Kind', 'Planned', 'Settled', 'By', 'How it was handled', 'Took'],
    injects.map((inject) => [
      `${code(inject.id)}${inject.title ? ` ${cell(inject.title)}` : ''}`,
      inject.kind,
      formatDrillMs(inject.plannedAtMs),
      inject.settled ? `${inject.status} ${at(inject.settled)}` : inject.status,
      cell(inject.settledBy),
      cell(inject.summary),
      ms(inject.tookMs),
    ]),
  );
}

function pauses(report: DrillReport): string[] {
  if (report.pauses.length === 0) return [];
  return [
    '## Pauses',
    '',
    ...table(
      ['Paused', 'By', 'Resumed', 'By', 'Lasted (wall time)'],
      report.pauses.map((pause) => [at(pause.paused), cell(pause.pausedBy), pause.resumed ? `${pause.resumed.at} (${pause.resumed.ref})` : 'not resumed', cell(pause.resumedBy), formatDrillMs(pause.durationMs)]),
    ),
    '',
  ];
}

function plan(report: DrillReport): string[] {
  const { improvementPlan: p } = report;
  const status = p.status === 'closed' ? `closed by ${mdText(p.closedBy ?? 'unknown')}${p.closed ? ` at ${p.closed.at}` : ''}` : p.status === 'open' ? 'open' : 'not started';
  return [
    '## Improvement plan',
    '',
    `Plan ${code(p.debriefId)}: ${status}.`,
    '',
    ...(p.items.length === 0
      ? [`No items yet: add them with ${code(`quell drill plan add ${report.drill.drillId} --finding … --action … --owner … --due YYYY-MM-DD`)}.`]
      : table(
          ['#', 'Finding', 'Corrective action', 'Owner', 'Due', 'Objective', 'Added'],
          p.items.map((item) => [String(item.id), cell(item.finding), cell(item.action), cell(item.owner), item.due, cell(item.objectiveId), `${cell(item.addedBy)} (${item.ref})`]),
        )),
    '',
  ];
}

function readiness(report: DrillReport): string[] {
  if (!report.readiness) return [];
  const findings = report.readiness.findings;
  return [
    '## Readiness findings',
    '',
    `Probed ${report.readiness.probedAt}${report.readiness.ref ? ` (${report.readiness.ref})` : ''}: ${findings.filter((finding) => !finding.ok).length} of ${findings.length} checks would have failed live.`,
    '',
    ...(findings.length === 0
      ? []
      : table(['Step', 'Action', 'System', 'Check', 'OK', 'Detail'], findings.map((finding) => [code(finding.stepId), cell(finding.action), cell(finding.system), cell(finding.check), finding.ok ? 'yes' : '**no**', cell(finding.detail)]))),
    '',
  ];
}

function followUps(report: DrillReport): string[] {
  if (report.followUps.length === 0) return [];
  return [
    '## Follow-up runs',
    '',
    ...table(
      ['Inject', 'Run', 'Runbook', 'Started', 'By', 'First action', 'Outcome'],
      report.followUps.map((run) => [code(run.injectId), code(run.workflowId), cell(run.runbookId), at(run.started), cell(run.startedBy), at(run.firstAction), run.status]),
    ),
    '',
  ];
}
