/**
 * The after-action page's record of what happened and what comes next: injects and how they were
 * handled, the timeline (each line citing its history event), facilitator notes, pauses, people,
 * follow-up runs, the improvement plan and the readiness findings.
 */
import type { DrillReport, InjectReport } from './report-types';
import { element } from './html-escape';
import { badge, drillClock, html, moment, prose, ref, section, table, wallClock, type Cell } from './html-parts';
import { formatDurationMs } from './trend-stats';

function injectStatus(inject: InjectReport): Cell {
  const tone = inject.status === 'fired' ? 'ok' : inject.status === 'pending' ? 'info' : 'warn';
  return badge(inject.status, tone);
}

function injectWhat(inject: InjectReport): Cell {
  const parts = [inject.title ? element('strong', inject.title) : '', inject.message ? prose(inject.message).html : ''].filter(Boolean);
  return parts.length > 0 ? html(parts.join('<br>')) : undefined;
}

export function renderInjects(report: DrillReport): string {
  const rows = report.injects.map((inject): Cell[] => [
    html(element('code', inject.id)),
    inject.kind,
    injectWhat(inject),
    drillClock(inject.plannedAtMs),
    injectStatus(inject),
    html(`${moment(inject.settled).html}${inject.settledBy && inject.settledBy !== 'schedule' ? ` by ${element('span', inject.settledBy)}` : ''}`),
    inject.summary,
    inject.tookMs === undefined ? undefined : formatDurationMs(inject.tookMs),
  ]);
  return section(
    'injects',
    'Injects and how they were handled',
    table(['Inject', 'Kind', 'What the players saw', 'Planned', 'Status', 'Settled', 'Handling', 'Took'], rows, { empty: 'The scenario has no injects.' }),
  );
}

export function renderTimeline(report: DrillReport): string {
  const rows = report.timeline.map((line): Cell[] => [
    drillClock(line.drillMs),
    line.at.slice(11, 19),
    ref(line.ref),
    html(element('code', line.kind)),
    line.actor,
    line.stepId,
    prose(line.text),
  ]);
  return section(
    'timeline',
    'Timeline',
    table(['Drill time', 'UTC', 'Event', 'What', 'Who', 'Step', 'Detail'], rows, { className: 'timeline', empty: 'No events recorded.' }),
    'Every line cites the history event it comes from (drill#, run#, follow-up:<inject>#, debrief#): open it with `quell history`, or in the Temporal UI.',
  );
}

export function renderNotes(report: DrillReport): string {
  const rows = report.notes.map((note): Cell[] => [drillClock(note.drillMs), note.actor, prose(note.text), ref(note.ref)]);
  return section('notes', 'Facilitator notes', table(['Drill time', 'By', 'Note', 'Event'], rows, { empty: 'No notes were taken.' }));
}

export function renderConduct(report: DrillReport): string {
  const pauses = table(
    ['Paused', 'By', 'Resumed', 'By', 'Stood still'],
    report.pauses.map((pause): Cell[] => [moment(pause.paused), pause.pausedBy, moment(pause.resumed), pause.resumedBy, formatDurationMs(pause.durationMs)]),
    { empty: 'The drill was never paused.' },
  );
  const { participants } = report;
  const people = table(
    ['Who', 'Roles', 'Via', { label: 'Actions', numeric: true }, 'First seen'],
    participants.people.map((person): Cell[] => [person.actor, person.roles.join(', '), person.via, person.actions, moment(person.firstSeen)]),
    { empty: 'Nobody acted during the drill.' },
  );
  const groups = element('p', `Facilitator groups: ${participants.facilitatorGroups.join(', ') || '—'}. Player groups: ${participants.playerGroups.join(', ') || '—'}.`, 'class="muted"');
  const followUps = table(
    ['Inject', 'Run', 'Runbook', 'Started by', 'Started', 'Status'],
    report.followUps.map((run): Cell[] => [html(element('code', run.injectId)), html(element('code', run.workflowId)), run.runbookId, run.startedBy, moment(run.started), run.status]),
    { empty: 'No follow-up runs.' },
  );
  return section('conduct', 'Conduct of the drill', [element('h3', 'People'), groups, people, element('h3', 'Pauses'), pauses, element('h3', 'Follow-up runs'), followUps].join('\n'));
}

export function renderImprovementPlan(report: DrillReport): string {
  const plan = report.improvementPlan;
  const state =
    plan.status === 'not-started'
      ? 'No debrief has been held yet.'
      : plan.status === 'open'
        ? 'The debrief is open: items may still be added.'
        : `The debrief is closed${plan.closedBy ? ` (by ${plan.closedBy})` : ''}.`;
  const rows = plan.items.map((item): Cell[] => [
    item.id,
    prose(item.finding),
    prose(item.action),
    item.owner,
    item.due,
    item.objectiveId ? html(element('code', item.objectiveId)) : undefined,
    `${item.addedBy} via ${item.addedVia}`,
    ref(item.ref),
  ]);
  return section(
    'improvement-plan',
    'Improvement plan',
    table([{ label: '#', numeric: true }, 'Finding', 'Action', 'Owner', 'Due', 'Objective', 'Added by', 'Event'], rows, { empty: 'No improvement items yet.' }),
    `${state} Debrief ${plan.debriefId}.`,
  );
}

export function renderReadiness(report: DrillReport): string {
  const readiness = report.readiness;
  if (!readiness) {
    return section('readiness', 'Readiness findings', element('p', 'The drill was not asked to probe the live connectors (start it with --probe-readiness).', 'class="empty"'));
  }
  const failing = readiness.findings.filter((finding) => !finding.ok).length;
  const rows = readiness.findings.map((finding): Cell[] => [
    html(element('code', finding.stepId)),
    finding.action,
    finding.system,
    finding.target,
    finding.check,
    finding.ok ? badge('ok', 'ok') : badge('would fail', 'bad'),
    finding.detail,
  ]);
  return section(
    'readiness',
    'Readiness findings',
    table(['Step', 'Action', 'System', 'Target', 'Check', 'Result', 'Detail'], rows, { empty: 'The probe found nothing to check.' }),
    `Read-only checks of whether each simulated action would have worked live, probed ${wallClock(readiness.probedAt)}: ${failing} of ${readiness.findings.length} would fail.`,
  );
}
