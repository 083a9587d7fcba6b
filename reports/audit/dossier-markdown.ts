/**
 * A run's dossier as Markdown, for tickets and wikis: the same sections as the HTML page, every
 * value neutralised for display (../drill/markdown.ts mdText) so text from people cannot become
 * markup, links or hidden characters.
 */
import { EXERCISE_BANNER } from '../../common/exercise';
import { neutraliseForDisplay } from '../../common/text-safety';
import { wallClock } from '../drill/html-parts';
import { mdText } from '../drill/markdown';
import { answerFieldsText } from '../drill/report-decisions';
import { childEndText, decidersText, humanDuration, loopTally, optionsText, placementText, severityText, windowOutcomeText, type DossierView } from './dossier-view';

const cell = (text: string | number | undefined): string => (text === undefined || text === '' ? '—' : mdText(String(text)));
/** An id or JSON as code: backticks cannot close the span, pipes cannot split a table. */
const code = (text: string): string => `\`${neutraliseForDisplay(text).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
const refs = (ids: number[]): string => (ids.length ? ids.map((id) => `#${id}`).join(' ') : '—');

function table(headers: string[], rows: Array<Array<string | number | undefined>>, empty: string): string[] {
  if (rows.length === 0) return [`_${empty}_`, ''];
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`), ''];
}

export function renderDossierMarkdown(view: DossierView): string {
  const { run, outcome } = view;
  const exercise = run.mode !== 'live';
  const lines: string[] = [
    ...(exercise ? [`> **${EXERCISE_BANNER}**`, ''] : []),
    `# Run dossier: ${mdText(run.runbook.title)} — ${mdText(run.incidentId)} (${run.mode})`,
    '',
    `**${view.verification.ok ? 'Verified: chain intact and signature valid' : 'NOT VERIFIED'}**`,
    '',
    ...view.verification.lines.map((line) => `- ${mdText(line)}`),
    '',
    `- Run: ${code(run.workflowId)} (namespace ${mdText(run.namespace)}, run id ${mdText(run.runId)})`,
    `- Runbook: ${mdText(run.runbook.id)} v${run.runbook.version}, sha256 \`${run.runbook.sha256}\``,
    ...(run.parent ? [`- Child run of ${code(run.parent.workflowId)}, started by its step ${code(run.parent.stepId)}${run.parent.startEventNamesParent ? '' : ' (the start event names no such parent)'}; its dossier: ${code(`quell audit export ${run.parent.workflowId}`)}`] : []),
    `- Started: ${wallClock(run.startedAt)} by ${mdText(run.requestedBy)} from ${run.surface}${run.scheduleId ? ` (schedule ${mdText(run.scheduleId)})` : ''}${run.drillId ? ` (drill ${mdText(run.drillId)})` : ''}; client ${mdText(run.clientIdentity)}`,
    `- Outcome: **${mdText(outcome.status)}**${outcome.failure ? ` — ${mdText(outcome.failure.message)}` : ''}${outcome.ended ? ` — ended at step ${code(outcome.ended.step)}${outcome.ended.summary ? `: ${mdText(outcome.ended.summary)}` : ''}` : ''}; ${outcome.closedAt ? `closed ${wallClock(outcome.closedAt)} after ${humanDuration(outcome.totalDurationMs)}` : 'still open'}`,
    ...(outcome.severity ? [`- Severity: ${mdText(severityText(outcome.severity)!)}`] : []),
    ...(outcome.phases.length ? [`- Phases: ${outcome.phases.map((phase) => `${phase.phase} ${humanDuration(phase.durationMs)}`).join(' → ')}`] : []),
    `- Inputs: ${code(JSON.stringify(run.inputs))}${run.redactedInputs.length ? ` (redacted: ${run.redactedInputs.join(', ')})` : ''}`,
    `- Exported: ${wallClock(view.exported.at)} by ${mdText(view.exported.by)}`,
    '',
    '## Timeline',
    '',
    ...table(['Time', 'What', 'Who', 'Events'], view.timeline.map((line) => [wallClock(line.at), line.what, line.actor, refs(line.eventIds)]), 'Nothing happened.'),
    '## Child runs',
    '',
    ...table(
      ['Step', 'Child run', 'Runbook', 'Started', 'Closed', 'Ended', 'Output', 'Events'],
      view.children.map((c) => [c.stepId, c.workflowId, `${c.runbookId} v${c.version}`, wallClock(c.startedAt ?? c.initiatedAt), wallClock(c.closedAt), c.error ? `${childEndText(c)} — ${c.error}` : childEndText(c), c.outputSummary, refs([c.initiatedEventId, c.startedEventId, c.closedEventId].filter((id): id is number => id !== undefined))]),
      'No child runs.',
    ),
    ...view.children.flatMap((c) => [`- Each child run has its own dossier: ${code(c.ownDossier)}`]),
    ...(view.children.length ? [''] : []),
    '## Severity changes',
    '',
    ...table(
      ['Time', 'From', 'To', 'Step', 'Reason', 'Event'],
      (outcome.severity?.changes ?? []).map((c) => [wallClock(c.at), c.from, c.to, c.step, c.reason, refs(c.eventId ? [c.eventId] : [])]),
      outcome.severity ? `No changes: ${outcome.severity.declared} throughout.` : 'The runbook declares no severity.',
    ),
    '## Approvals and rejections',
    '',
    ...table(
      ['Time', 'Step', 'Decision', 'Who', 'Surface', 'Reason', 'Summary sha256', 'Gate after', 'Events'],
      view.decisions.map((d) => [wallClock(d.at), d.stepId, d.decision, d.person && d.person !== d.actor ? `${d.person} (${d.actor})` : d.actor, d.surface, d.reason, `${d.summarySha256 ?? '—'}${d.summaryMatchesGate === false ? ' (does not match the gate)' : ''}`, d.gateAfter, refs([d.acceptedEventId])]),
      'No approval decisions.',
    ),
    '## Decisions',
    '',
    ...table(
      ['Step', 'Question', 'Question sha256', 'Options', 'Deciders', 'Outcome', 'Chosen by', 'Asked', 'Closed'],
      view.decisionSteps.map((d) => [d.stepId, d.question, d.questionSha256, optionsText(d), decidersText(d), `${d.outcome}${d.chosen ? `: ${d.chosen}` : ''}${d.escalated ? ' (escalated)' : ''}`, d.chosenBy.join(', '), wallClock(d.askedAt), wallClock(d.closedAt)]),
      'No decision steps.',
    ),
    ...(view.decisionSteps.some((d) => d.answers.length > 0)
      ? table(
          ['Time', 'Step', 'Answer', 'Who', 'Surface', 'Fields', 'Reason', 'Question quoted (sha256)', 'Decision after', 'Events'],
          view.decisionSteps.flatMap((d) =>
            d.answers.map((a) => [wallClock(a.at), d.stepId, a.option, a.person && a.person !== a.actor ? `${a.person} (${a.actor})` : a.actor, a.surface, answerFieldsText(a.fields), a.reason, `${a.questionSha256 ?? '—'}${a.questionMatchesDecision === false ? ' (does not match the question)' : ''}`, a.decisionAfter, refs([a.acceptedEventId, ...(a.completedEventId ? [a.completedEventId] : [])])]),
          ),
          'No answers.',
        )
      : []),
    '## Loops',
    '',
    ...table(
      ['Step', 'Status', 'Items', 'At a time', 'On item failure', 'Started', 'Ended'],
      view.loops.map((l) => [l.stepId, l.status, loopTally(l), l.concurrency, l.onItemFailure, wallClock(l.startedAt), wallClock(l.endedAt)]),
      'No loops.',
    ),
    ...(view.loops.some((l) => l.items.length > 0)
      ? table(
          ['Loop', 'Item', 'Label', 'Status', 'Failed step', 'Error', 'Steps', 'Activities (attempts)', 'Events'],
          view.loops.flatMap((l) => l.items.map((i) => [l.stepId, i.index, i.label, i.status, i.failedStep, i.error, i.steps.join(', '), `${i.activities} (${i.attempts})`, refs(i.eventIds)])),
          'No items.',
        )
      : []),
    '## Observation windows',
    '',
    ...table(
      ['Step', 'Check', 'Every', 'For', 'Until', 'Started', 'Window ends', 'Closed', 'Checks', 'Outcome'],
      view.windows.map((w) => [w.stepId, w.action, w.every, w.for, w.until, wallClock(w.startedAt), wallClock(w.endsAt), wallClock(w.endedAt), w.checks, windowOutcomeText(w, wallClock)]),
      'No observation windows.',
    ),
    ...(view.windows.some((w) => w.checkCalls.length > 0)
      ? table(
          ['Window', 'Check', 'Scheduled', 'Ended', 'Outcome', 'Attempts', 'Events'],
          view.windows.flatMap((w) => w.checkCalls.map((c) => [w.stepId, c.check, wallClock(c.scheduledAt), wallClock(c.endedAt), c.outcome, c.attempts, refs([c.scheduledEventId, ...(c.endEventId ? [c.endEventId] : [])])])),
          'No checks.',
        )
      : []),
    '## Escalations',
    '',
    ...table(['Time', 'Step', 'Escalated to', 'New deadline', 'Events'], view.escalations.map((e) => [wallClock(e.at), e.stepId, e.groups.join(', '), wallClock(e.deadline), refs(e.notifyEventIds)]), 'No escalations.'),
    '## Other human actions',
    '',
    ...table(['Time', 'What', 'Step / event', 'Who', 'Surface', 'Note', 'Events'], view.humanActions.map((a) => [wallClock(a.at), a.what, a.stepId ?? a.event, a.actor, a.surface, a.note, refs([a.acceptedEventId])]), 'None.'),
    '## Evidence',
    '',
    ...table(
      ['Step', 'Artifact', 'SHA-256', 'Bytes', 'Stored at', 'Custody entry', 'Kind'],
      view.evidence.flatMap((e) => e.artifacts.map((a) => [e.stepId, a.name, a.sha256, a.size, a.location, `#${e.custody.index ?? '—'} ${e.custody.head ?? ''}`, e.tabletop ? 'simulated' : 'live'])),
      'No evidence collected.',
    ),
    '## Controls',
    '',
    ...table(['Control', 'Steps', 'Evidence'], view.controls.map((c) => [c.control, c.steps.map((s) => `${s.stepId} (${s.status})`).join(', '), c.evidence.map((e) => `${e.name} ${e.sha256}`).join(', ')]), 'The runbook maps no controls.'),
    '## Steps',
    '',
    ...table(
      ['Step', 'Kind', 'Phase', 'Status', 'Started', 'Ended', 'Attempts', 'Output', 'Events'],
      view.steps.map((s) => [s.parent ? `↳ ${s.stepId}` : s.stepId, [s.action ?? s.kind, placementText(s)].filter(Boolean).join(', '), s.phase, s.status, wallClock(s.startedAt), wallClock(s.endedAt), s.attempts, s.error ? `error: ${s.error}` : (s.outputSummary ?? s.skippedBecause), refs(s.eventIds)]),
      'No steps.',
    ),
    '## Compensations',
    '',
    ...table(['Step', 'Undo action', 'Outcome', 'When', 'Attempts', 'Events'], view.compensations.map((c) => [c.stepId, c.action, c.outcome, wallClock(c.at), c.attempts, refs(c.eventIds)]), 'Nothing was undone.'),
    '## What this view leaves out',
    '',
    `${view.coverage.citedEvents} of ${view.coverage.historyEventCount} history events are cited above; the rest are counted here. History sha256 \`${view.coverage.historySha256}\`.`,
    '',
    ...table(['Left out', 'Events', 'Event types'], view.coverage.omitted.map((o) => [o.reason, o.count, Object.entries(o.eventTypes).map(([type, count]) => `${type} ×${count}`).join(', ')]), 'Nothing.'),
    ...(exercise ? [`> **${EXERCISE_BANNER}**`, ''] : []),
  ];
  return lines.join('\n');
}
