/**
 * A dossier's entries sorted by kind for the human renderings (Markdown and HTML), with the
 * verification result they show in their header. Renderers read this, never the raw chain.
 */
import type { ChainHead } from './chain';
import type {
  ChildRunEntryData,
  CompensationEntryData,
  ControlsEntryData,
  CoverageEntryData,
  DecisionEntryData,
  DecisionStepEntryData,
  DossierDocument,
  EscalationEntryData,
  EvidenceEntryData,
  HumanActionEntryData,
  LoopEntryData,
  OutcomeEntryData,
  RunEntryData,
  StepEntryData,
  WindowEntryData,
} from './dossier-types';
import type { OfflineVerdict } from './verify-dossier';

export interface DossierView {
  run: RunEntryData;
  steps: StepEntryData[];
  children: ChildRunEntryData[];
  decisions: DecisionEntryData[];
  decisionSteps: DecisionStepEntryData[];
  loops: LoopEntryData[];
  windows: WindowEntryData[];
  escalations: EscalationEntryData[];
  humanActions: HumanActionEntryData[];
  compensations: CompensationEntryData[];
  evidence: EvidenceEntryData[];
  outcome: OutcomeEntryData;
  controls: ControlsEntryData['controls'];
  coverage: CoverageEntryData;
  head: ChainHead;
  signedBy?: string;
  exported: DossierDocument['exported'];
  /** One line each: what was checked and how it came out. */
  verification: { ok: boolean; lines: string[] };
  /** Each fact with its time, for the timeline (oldest first). */
  timeline: Array<{ at: string; what: string; actor?: string; eventIds: number[] }>;
}

/** The data of every entry of one kind, in the document's order. */
export function dossierEntries<T>(document: DossierDocument, kind: string): T[] {
  return document.entries.filter((entry) => entry.kind === kind).map((entry) => entry.data as T);
}

export function dossierView(document: DossierDocument, verdict: OfflineVerdict): DossierView {
  const one = <T>(kind: string): T => {
    const found = dossierEntries<T>(document, kind)[0];
    if (!found) throw new Error(`the dossier has no ${kind} entry`);
    return found;
  };
  const view: Omit<DossierView, 'timeline'> = {
    run: one<RunEntryData>('run'),
    steps: dossierEntries(document, 'step'),
    children: dossierEntries(document, 'child-run'),
    decisions: dossierEntries(document, 'decision'),
    decisionSteps: dossierEntries(document, 'decision-step'),
    loops: dossierEntries(document, 'loop'),
    windows: dossierEntries(document, 'observation-window'),
    escalations: dossierEntries(document, 'escalation'),
    humanActions: dossierEntries(document, 'human-action'),
    compensations: dossierEntries(document, 'compensation'),
    evidence: dossierEntries(document, 'evidence'),
    outcome: one<OutcomeEntryData>('outcome'),
    controls: one<ControlsEntryData>('controls').controls,
    coverage: one<CoverageEntryData>('coverage'),
    head: document.head,
    ...(document.signature ? { signedBy: document.signature.keyId } : {}),
    exported: document.exported,
    verification: {
      ok: verdict.ok,
      lines: [
        `chain: ${verdict.chain.ok ? `intact, ${document.head.entryCount} entries, head ${document.head.headSha256}` : `BROKEN at entry ${verdict.chain.entryIndex}: ${verdict.chain.reason}`}`,
        `signature: ${verdict.signature.ok ? 'valid' : 'NOT VALID'} (${verdict.signature.detail})`,
        `history: ${document.head.historyEventCount} events, last event id ${document.head.lastEventId}`,
      ],
    },
  };
  return { ...view, timeline: timelineOf(view) };
}

function timelineOf(view: Omit<DossierView, 'timeline'>): DossierView['timeline'] {
  const lines: DossierView['timeline'] = [{ at: view.run.startedAt, what: `run started (${view.run.surface})`, actor: view.run.requestedBy, eventIds: [view.run.startEventId] }];
  for (const step of view.steps) {
    if (step.kind === 'parallel') continue;
    if (step.startedAt) lines.push({ at: step.startedAt, what: `${step.stepId} started`, eventIds: step.eventIds.slice(0, 1) });
    const ended = step.status === 'compensated' ? 'succeeded (undone later)' : step.status;
    if (step.endedAt) lines.push({ at: step.endedAt, what: `${step.stepId} ${ended}${step.attempts && step.attempts > 1 ? ` after ${step.attempts} attempts` : ''}`, ...(step.actor ? { actor: step.actor } : {}), eventIds: step.eventIds.slice(-1) });
  }
  for (const child of view.children) {
    if (child.startedAt) lines.push({ at: child.startedAt, what: `${child.stepId} started child run ${child.workflowId} (${child.runbookId} v${child.version})`, eventIds: [child.startedEventId ?? child.initiatedEventId!] });
    if (child.closedAt) lines.push({ at: child.closedAt, what: `child run ${child.workflowId} ${childEndText(child)}`, eventIds: child.closedEventId ? [child.closedEventId] : [] });
  }
  for (const change of view.outcome.severity?.changes ?? []) lines.push({ at: change.at, what: `severity ${change.from} → ${change.to} by ${change.step}${change.reason ? `: ${change.reason}` : ''}`, eventIds: change.eventId ? [change.eventId] : [] });
  for (const decision of view.decisions) lines.push({ at: decision.at, what: `${decision.decision === 'approve' ? 'approved' : 'rejected'} ${decision.stepId} via ${decision.surface}`, actor: decision.person ?? decision.actor, eventIds: [decision.acceptedEventId] });
  // A default, a timeout and an early end have no event of their own: the close event records them.
  const closeEvent = view.outcome.closeEventId ? [view.outcome.closeEventId] : [];
  for (const decision of view.decisionSteps) {
    for (const answer of decision.answers) lines.push({ at: answer.at, what: `answered ${decision.stepId} with ${answer.option} via ${answer.surface}`, actor: answer.person ?? answer.actor, eventIds: [answer.acceptedEventId] });
    // An answered decision closes with its last answer; a default or a timeout has its own line.
    if (decision.closedAt && decision.outcome !== 'answered') lines.push({ at: decision.closedAt, what: `${decision.stepId} ${decision.outcome}${decision.chosen ? `: ${decision.chosen}` : ''}`, actor: 'system:timeout', eventIds: closeEvent });
  }
  for (const loop of view.loops) {
    // A loop ends with its last item, which has no event of its own: cite the latest its items show.
    const latest = Math.max(0, ...loop.items.flatMap((item) => item.eventIds));
    if (loop.endedAt) lines.push({ at: loop.endedAt, what: `${loop.stepId} done: ${loopTally(loop)}`, eventIds: latest > 0 ? [latest] : [] });
  }
  for (const window of view.windows) {
    const last = window.checkCalls[window.checkCalls.length - 1];
    if (window.endedAt && (window.outcome === 'condition-met' || window.outcome === 'window-elapsed')) lines.push({ at: window.endedAt, what: `${window.stepId}: ${windowOutcomeText(window)}`, eventIds: last?.endEventId ? [last.endEventId] : [] });
  }
  if (view.outcome.ended) lines.push({ at: view.outcome.ended.at, what: `run ended at ${view.outcome.ended.step}: ${view.outcome.ended.outcome}`, eventIds: closeEvent });
  for (const escalation of view.escalations) lines.push({ at: escalation.at, what: `${escalation.stepId} escalated to ${escalation.groups.join(', ')}`, eventIds: escalation.notifyEventIds.slice(0, 1) });
  for (const action of view.humanActions) lines.push({ at: action.at, what: `${action.what.replace('-', ' ')}${action.stepId ? ` (${action.stepId})` : ''}${action.event ? ` (${action.event})` : ''} via ${action.surface}`, actor: action.actor, eventIds: [action.acceptedEventId] });
  for (const compensation of view.compensations) if (compensation.at) lines.push({ at: compensation.at, what: `${compensation.stepId} undone by ${compensation.action}: ${compensation.outcome}`, eventIds: compensation.eventIds.slice(-1) });
  for (const evidence of view.evidence) if (evidence.collectedAt) lines.push({ at: evidence.collectedAt, what: `evidence collected by ${evidence.stepId}: ${evidence.artifacts.length} artifact(s)`, eventIds: [evidence.eventId] });
  if (view.outcome.closedAt) lines.push({ at: view.outcome.closedAt, what: `run ${view.outcome.status}`, eventIds: view.outcome.closeEventId ? [view.outcome.closeEventId] : [] });
  return lines.sort((a, b) => a.at.localeCompare(b.at) || (a.eventIds[0] ?? 0) - (b.eventIds[0] ?? 0));
}

/** How a child run ended: `completed`, `completed: contained`, `failed`… */
export function childEndText(child: ChildRunEntryData): string {
  return `${child.status}${child.outcome ? `: ${child.outcome}` : ''}`;
}

/** Where a step ran, when not simply in turn: `background (joins at verify)`, `in sequence isolate`. */
export function placementText(step: StepEntryData): string | undefined {
  if (step.background) return `background (joins at ${step.background.joinsAt})`;
  return step.inSequence ? `in sequence ${step.inSequence}` : undefined;
}

/** `declared medium, final critical (1 change)` or `medium throughout`. */
export function severityText(severity: OutcomeEntryData['severity']): string | undefined {
  if (!severity) return undefined;
  const count = severity.changes.length;
  return count === 0 && severity.final === severity.declared ? `${severity.declared} throughout` : `declared ${severity.declared}, final ${severity.final} (${count} change${count === 1 ? '' : 's'})`;
}

/** A decision step's options as `confirmed (Confirmed compromise), false-positive (…)`. */
export function optionsText(decision: DecisionStepEntryData): string {
  return decision.options.map((option) => `${option.id} (${option.label})`).join(', ');
}

/** Who may answer and how many must agree: `security-oncall, quorum 1` or per group. */
export function decidersText(decision: DecisionStepEntryData): string {
  const counts = decision.groupQuorum;
  return counts ? Object.entries(counts).map(([group, count]) => `${group} ×${count}`).join(', ') : `${decision.deciders.join(', ')}, quorum ${decision.quorum}`;
}

/** `4 items: 3 succeeded, 1 failed` (the kinds that occurred). */
export function loopTally(loop: LoopEntryData): string {
  const parts = (['succeeded', 'failed', 'skipped'] as const).filter((status) => loop[status] > 0).map((status) => `${loop[status]} ${status}`);
  const other = loop.total - loop.succeeded - loop.failed - loop.skipped;
  return `${loop.total} item${loop.total === 1 ? '' : 's'}${parts.length || other ? `: ${[...parts, ...(other > 0 ? [`${other} not finished`] : [])].join(', ')}` : ''}`;
}

/** `condition met at 11:02:03 after 3 checks` (the time only given a clock), `window elapsed after 4 checks`, … */
export function windowOutcomeText(window: WindowEntryData, clock?: (iso: string) => string): string {
  const checks = `${window.checks} check${window.checks === 1 ? '' : 's'}`;
  if (window.outcome === 'condition-met') return `condition met${window.metAt && clock ? ` at ${clock(window.metAt)}` : ''} after ${checks}`;
  if (window.outcome === 'window-elapsed') return `window elapsed after ${checks}, the condition never held`;
  return `${window.outcome} (${checks} so far)`;
}

/** "1 h 02 min", "3 min 05 s", "850 ms". */
export function humanDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
