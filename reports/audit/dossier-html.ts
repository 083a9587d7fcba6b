/**
 * A run's dossier as one self-contained HTML page for auditors: inline CSS, no script, nothing to
 * fetch (a Content-Security-Policy forbids every load), printable. The header carries the
 * verification result; then the timeline, child runs, severity changes, approvals, decisions and their answers, loops and their
 * items, observation windows and their checks, evidence with hashes, controls, steps, and what
 * the view left out. A tabletop run's page says it was an exercise, top and bottom.
 *
 * Every value came from people or connectors, so all of it is escaped (../drill/html-escape.ts).
 */
import { element, escapeHtml } from '../drill/html-escape';
import { badge, facts, html, section, table, wallClock, type Cell } from '../drill/html-parts';
import { selfContainedPage } from '../drill/html';
import { DRILL_REPORT_CSS } from '../drill/html-style';
import { answerFieldsText } from '../drill/report-decisions';
import { childEndText, decidersText, humanDuration, loopTally, optionsText, placementText, severityText, windowOutcomeText, type DossierView } from './dossier-view';

const DOSSIER_CSS = `${DRILL_REPORT_CSS}
.verification { border: 2px solid; padding: 8px 14px; margin: 12px 0; }
.verification.ok { border-color: #1e6b1e; background: #f2faf2; }
.verification.bad { border-color: #9b1c1c; background: #fdf2f2; }
.verification p { margin: 2px 0; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
.hash { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11px; overflow-wrap: anywhere; }
`;

const events = (ids: number[]): Cell => (ids.length ? html(element('span', ids.map((id) => `#${id}`).join(' '), 'class="ref"')) : undefined);
const hash = (value: string | undefined): Cell => (value ? html(element('span', value, 'class="hash"')) : undefined);
// `completed: false-positive` (a run an end step closed) reads as completed.
const statusTone = (full: string) => {
  const status = full.split(':')[0]!;
  return ['succeeded', 'completed', 'approve', 'approved', 'answered'].includes(status) ? 'ok' : ['failed', 'rejected', 'reject', 'cancelled', 'timed-out'].includes(status) ? 'bad' : 'info';
};

export function renderDossierHtml(view: DossierView): string {
  const exercise = view.run.mode !== 'live';
  const title = `Run dossier: ${view.run.runbook.title} — ${view.run.incidentId} (${view.run.mode})`;
  const body = [
    element('h1', title),
    header(view),
    section('timeline', 'Timeline', table(['Time', 'What', 'Who', 'Events'], view.timeline.map((line) => [wallClock(line.at), line.what, line.actor, events(line.eventIds)]))),
    section('children', 'Child runs', children(view)),
    section('severity', 'Severity changes', severityChanges(view)),
    section('approvals', 'Approvals and rejections', approvals(view)),
    section('decisions', 'Decisions', decisions(view)),
    section('loops', 'Loops', loops(view)),
    section('windows', 'Observation windows', windows(view)),
    section('people', 'Escalations, events, tasks and cancels', people(view)),
    section('evidence', 'Evidence', evidence(view)),
    section('controls', 'Controls', controls(view)),
    section('steps', 'Steps', steps(view)),
    section('compensations', 'Compensations', compensations(view)),
    section('coverage', 'What this view leaves out', coverage(view)),
  ].join('\n');
  return selfContainedPage({ title, body, css: DOSSIER_CSS, exercise });
}

function header(view: DossierView): string {
  const { run, outcome } = view;
  const verification = `<div class="verification ${view.verification.ok ? 'ok' : 'bad'}" role="status">${element('h3', view.verification.ok ? 'Verified: chain intact and signature valid' : 'NOT VERIFIED')}${view.verification.lines.map((line) => element('p', line)).join('')}</div>`;
  const phases = outcome.phases.map((phase) => `${phase.phase} ${humanDuration(phase.durationMs)}`).join(' → ');
  return [
    verification,
    facts([
      ['Run', html(element('code', run.workflowId))],
      ['Runbook', `${run.runbook.id} v${run.runbook.version} — ${run.runbook.title}`],
      ['Runbook sha256', hash(run.runbook.sha256)],
      ['Parent run', run.parent ? html(`${element('code', run.parent.workflowId)} (step ${escapeHtml(run.parent.stepId)}${run.parent.startEventNamesParent ? '' : '; the start event names no such parent'}); its dossier: ${element('code', `quell audit export ${run.parent.workflowId}`)}`) : undefined],
      ['Incident', run.incidentId],
      ['Mode', run.mode],
      ['Started', `${wallClock(run.startedAt)} by ${run.requestedBy} from ${run.surface}${run.scheduleId ? ` (schedule ${run.scheduleId})` : ''}${run.drillId ? ` (drill ${run.drillId})` : ''}`],
      ['Client identity', run.clientIdentity],
      ['Outcome', html(`${badge(outcome.status, statusTone(outcome.status)).html}${outcome.failure ? ` ${escapeHtml(outcome.failure.message)}` : ''}`)],
      ['Severity', severityText(outcome.severity)],
      ['Ended by', outcome.ended ? `step ${outcome.ended.step} at ${wallClock(outcome.ended.at)}: ${outcome.ended.outcome}${outcome.ended.summary ? ` — ${outcome.ended.summary}` : ''}` : undefined],
      ['Closed', outcome.closedAt ? `${wallClock(outcome.closedAt)} after ${humanDuration(outcome.totalDurationMs)}` : 'still open'],
      ['Phases', phases || undefined],
      ['Inputs', html(element('code', JSON.stringify(run.inputs)))],
      ['Redacted inputs', run.redactedInputs.join(', ') || undefined],
      ['Exported', `${wallClock(view.exported.at)} by ${view.exported.by}`],
    ]),
  ].join('\n');
}

function children(view: DossierView): string {
  const rows = table(
    ['Step', 'Child run', 'Runbook', 'Started', 'Closed', 'Ended', 'Output', 'Events'],
    view.children.map((child): Cell[] => [
      child.stepId,
      html(element('code', child.workflowId)),
      `${child.runbookId} v${child.version}`,
      wallClock(child.startedAt ?? child.initiatedAt),
      wallClock(child.closedAt),
      html(`${badge(childEndText(child), statusTone(child.status)).html}${child.error ? ` ${escapeHtml(child.error)}` : ''}`),
      child.outputSummary,
      events([child.initiatedEventId, child.startedEventId, child.closedEventId].filter((id): id is number => id !== undefined)),
    ]),
    { empty: 'No child runs.' },
  );
  // Each child's steps are in its own dossier: say how to export it.
  const next = view.children.map((child) => `<p>${escapeHtml(child.workflowId)} has its own dossier: ${element('code', child.ownDossier)}</p>`).join('');
  return `${rows}${next}`;
}

function severityChanges(view: DossierView): string {
  const severity = view.outcome.severity;
  return table(
    ['Time', 'From', 'To', 'Step', 'Reason', 'Event'],
    (severity?.changes ?? []).map((change): Cell[] => [wallClock(change.at), change.from, change.to, change.step, change.reason, events(change.eventId ? [change.eventId] : [])]),
    { empty: severity ? `No changes: ${severity.declared} throughout.` : 'The runbook declares no severity.' },
  );
}

function approvals(view: DossierView): string {
  return table(
    ['Time', 'Step', 'Decision', 'Who', 'Surface', 'Reason', 'Summary shown (sha256)', 'Gate after', 'Events'],
    view.decisions.map((decision) => [
      wallClock(decision.at),
      decision.stepId,
      badge(decision.decision === 'approve' ? 'approved' : 'rejected', statusTone(decision.decision)),
      decision.person && decision.person !== decision.actor ? `${decision.person} (${decision.actor})` : decision.actor,
      decision.surface,
      decision.reason,
      html(`${hash(decision.summarySha256) ? element('span', decision.summarySha256, 'class="hash"') : '—'}${decision.summaryMatchesGate === false ? ' <strong>does not match the gate</strong>' : ''}`),
      decision.gateAfter,
      events([decision.acceptedEventId, ...(decision.completedEventId ? [decision.completedEventId] : [])]),
    ]),
    { empty: 'No approval decisions.' },
  );
}

function decisions(view: DossierView): string {
  const asked = table(
    ['Step', 'Question', 'Question sha256', 'Options', 'Deciders', 'Outcome', 'Chosen by', 'Asked', 'Closed'],
    view.decisionSteps.map((decision) => [
      decision.stepId,
      decision.question,
      hash(decision.questionSha256),
      optionsText(decision),
      decidersText(decision),
      html(`${badge(decision.outcome, statusTone(decision.outcome)).html}${decision.chosen ? ` ${escapeHtml(decision.chosen)}` : ''}${decision.escalated ? ' (escalated)' : ''}`),
      decision.chosenBy.join(', '),
      wallClock(decision.askedAt),
      wallClock(decision.closedAt),
    ]),
    { empty: 'No decision steps.' },
  );
  const answers = table(
    ['Time', 'Step', 'Answer', 'Who', 'Surface', 'Fields', 'Reason', 'Question quoted (sha256)', 'Decision after', 'Events'],
    view.decisionSteps.flatMap((decision) =>
      decision.answers.map((answer): Cell[] => [
        wallClock(answer.at),
        decision.stepId,
        answer.option,
        answer.person && answer.person !== answer.actor ? `${answer.person} (${answer.actor})` : answer.actor,
        answer.surface,
        answerFieldsText(answer.fields),
        answer.reason,
        html(`${answer.questionSha256 ? element('span', answer.questionSha256, 'class="hash"') : '—'}${answer.questionMatchesDecision === false ? ' <strong>does not match the question</strong>' : ''}`),
        answer.decisionAfter,
        events([answer.acceptedEventId, ...(answer.completedEventId ? [answer.completedEventId] : [])]),
      ]),
    ),
    { empty: 'No answers.' },
  );
  return `${asked}${element('h3', 'Answers')}${answers}`;
}

function loops(view: DossierView): string {
  const summary = table(
    ['Step', 'Status', 'Items', { label: 'At a time', numeric: true }, 'On item failure', 'Started', 'Ended'],
    view.loops.map((loop) => [loop.stepId, badge(loop.status, statusTone(loop.status)), loopTally(loop), loop.concurrency, loop.onItemFailure, wallClock(loop.startedAt), wallClock(loop.endedAt)]),
    { empty: 'No loops.' },
  );
  if (!view.loops.some((loop) => loop.items.length > 0)) return summary;
  const items = table(
    ['Loop', { label: 'Item', numeric: true }, 'Label', 'Status', 'Failed step', 'Error', 'Steps', 'Activities (attempts)', 'Events'],
    view.loops.flatMap((loop) =>
      loop.items.map((item): Cell[] => [loop.stepId, item.index, item.label, badge(item.status, statusTone(item.status)), item.failedStep, item.error, item.steps.join(', '), `${item.activities} (${item.attempts})`, events(item.eventIds)]),
    ),
  );
  return `${summary}${element('h3', 'Items')}${items}`;
}

function windows(view: DossierView): string {
  const summary = table(
    ['Step', 'Check', 'Every', 'For', 'Until', 'Started', 'Window ends', 'Closed', { label: 'Checks', numeric: true }, 'Outcome'],
    view.windows.map((window) => [
      window.stepId,
      window.action,
      window.every,
      window.for,
      html(element('code', window.until)),
      wallClock(window.startedAt),
      wallClock(window.endsAt),
      wallClock(window.endedAt),
      window.checks,
      html(`${badge(window.outcome, window.outcome === 'failed' ? 'bad' : window.outcome === 'condition-met' ? 'ok' : 'info').html} ${escapeHtml(windowOutcomeText(window, wallClock))}`),
    ]),
    { empty: 'No observation windows.' },
  );
  if (!view.windows.some((window) => window.checkCalls.length > 0)) return summary;
  const checks = table(
    ['Window', { label: 'Check', numeric: true }, 'Scheduled', 'Ended', 'Outcome', { label: 'Attempts', numeric: true }, 'Events'],
    view.windows.flatMap((window) =>
      window.checkCalls.map((check): Cell[] => [window.stepId, check.check, wallClock(check.scheduledAt), wallClock(check.endedAt), check.outcome, check.attempts, events([check.scheduledEventId, ...(check.endEventId ? [check.endEventId] : [])])]),
    ),
  );
  return `${summary}${element('h3', 'Checks')}${checks}`;
}

function people(view: DossierView): string {
  const escalations = table(['Time', 'Step', 'Escalated to', 'New deadline', 'Events'], view.escalations.map((item) => [wallClock(item.at), item.stepId, item.groups.join(', '), wallClock(item.deadline), events(item.notifyEventIds)]), { empty: 'No escalations.' });
  const actions = table(['Time', 'What', 'Step / event', 'Who', 'Surface', 'Note', 'Events'], view.humanActions.map((item) => [wallClock(item.at), item.what, item.stepId ?? item.event, item.actor, item.surface, item.note, events([item.acceptedEventId])]), { empty: 'No events delivered, tasks completed or cancels.' });
  return `${element('h3', 'Escalations')}${escalations}${element('h3', 'Other human actions')}${actions}`;
}

function evidence(view: DossierView): string {
  const rows = view.evidence.flatMap((item) =>
    item.artifacts.map((artifact) => [item.stepId, artifact.name, hash(artifact.sha256), artifact.size, artifact.location, `#${item.custody.index ?? '—'} ${item.custody.head?.slice(0, 16) ?? ''}`, item.tabletop ? 'simulated' : 'live', events([item.eventId])] as Cell[]),
  );
  return table(['Step', 'Artifact', 'SHA-256', { label: 'Bytes', numeric: true }, 'Stored at', 'Custody entry', 'Kind', 'Event'], rows, { empty: 'No evidence collected.' });
}

function controls(view: DossierView): string {
  return table(
    ['Control', 'Steps', 'Evidence'],
    view.controls.map((control) => [control.control, control.steps.map((step) => `${step.stepId} (${step.status})`).join(', '), control.evidence.map((item) => `${item.name} ${item.sha256.slice(0, 16)}…`).join(', ')]),
    { empty: 'The runbook maps no controls.' },
  );
}

function steps(view: DossierView): string {
  return table(
    ['Step', 'Kind', 'Phase', 'Status', 'Started', 'Ended', { label: 'Attempts', numeric: true }, 'Output', 'Events'],
    view.steps.map((step) => [
      step.parent ? `↳ ${step.stepId}` : step.stepId,
      [step.action ?? step.kind, placementText(step)].filter(Boolean).join(', '),
      step.phase,
      badge(step.status, statusTone(step.status)),
      wallClock(step.startedAt),
      wallClock(step.endedAt),
      step.attempts,
      step.error ? `error: ${step.error}` : (step.outputSummary ?? step.skippedBecause),
      events(step.eventIds),
    ]),
  );
}

function compensations(view: DossierView): string {
  return table(['Step', 'Undo action', 'Outcome', 'When', { label: 'Attempts', numeric: true }, 'Output', 'Events'], view.compensations.map((item) => [item.stepId, item.action, item.outcome, wallClock(item.at), item.attempts, item.error ?? item.outputSummary, events(item.eventIds)]), { empty: 'Nothing was undone.' });
}

function coverage(view: DossierView): string {
  const { coverage: c } = view;
  const lede = `${c.citedEvents} of ${c.historyEventCount} history events are cited above; the other ${c.historyEventCount - c.citedEvents} are Quell's own plumbing, counted here.`;
  return `${element('p', lede, 'class="lede"')}${table(['Left out', { label: 'Events', numeric: true }, 'Event types'], c.omitted.map((item) => [item.reason, item.count, Object.entries(item.eventTypes).map(([type, count]) => `${type} ×${count}`).join(', ')]))}${facts([['History sha256', hash(c.historySha256)]])}`;
}
