/**
 * Builds a run's compliance dossier from its Temporal history alone (no worker, no query): the run
 * and who started it from where (and, for a child run, its parent), the runbook as it ran, every
 * step (a loop's once per item), each child run a `runbook:` step started, approval decision,
 * decision step and its answers, loop and its items, observation window and its checks,
 * escalation, human action, compensation and evidence manifest, the outcome (with the named
 * outcome of an end step, and the severity declared, each re-grade and the final one) and
 * per-phase durations, the controls the run satisfied, and an account of the events left out.
 * Then chains and (given a key) signs it.
 *
 * Pure apart from the clock for `exported.at`: the entries and head depend on the history only.
 */
import { createHash } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { INCIDENT_PHASES } from '../../runbooks/schema';
import { HistoryView, type RawHistory } from '../drill/history';
import { readRunFacts, type RunFacts } from '../drill/run-facts';
import { canonicalJson } from './canonical-json';
import { buildChain } from './chain';
import { citedEventIds, coverageOf } from './coverage';
import { childRunEntries, parentOf, severityOf } from './dossier-children';
import { decisionStepEntries } from './dossier-decisions';
import { loopEntries, windowEntries } from './dossier-loops';
import { decisionEntries, escalationEntries, humanActionEntries } from './dossier-people';
import { compensationEntries, evidenceEntries, stepEntries } from './dossier-steps';
import {
  DOSSIER_FORMAT,
  type ControlsEntryData,
  type DossierDocument,
  type DossierEntry,
  type EvidenceEntryData,
  type OutcomeEntryData,
  type PhaseDuration,
  type RunEntryData,
  type StartSurface,
  type StepEntryData,
} from './dossier-types';
import { redactionFor } from './redaction';
import { signHead } from './signing';

export class DossierInputError extends Error {
  override readonly name = 'DossierInputError';
}

/** Which run the history is: Temporal's events do not name their own workflow. */
export interface RunIdentity {
  workflowId: string;
  namespace: string;
}

export interface DossierOptions extends RunIdentity {
  /** Ed25519 private key (PEM); without one the dossier is chained but unsigned. */
  signingKeyPem?: string;
  /** Who exported it (`quell <version>`); recorded outside the chain. */
  exportedBy?: string;
  now?: () => Date;
}

/** The entries of a run's dossier, in order, before chaining. */
export function dossierEntries(history: RawHistory, identity: RunIdentity): DossierEntry[] {
  const view = new HistoryView('run', history);
  const started = view.started;
  const input = started?.input[0] as { runbook?: unknown; runId?: unknown } | undefined;
  if (!started || !input || typeof input !== 'object' || !input.runbook) {
    throw new DossierInputError(`this history is not a Quell run: its first event${started ? ` (${started.workflowType})` : ''} carries no runbook`);
  }
  const run = readRunFacts(view, identity.workflowId);
  const recordedId = run.final?.state.workflowId;
  if (recordedId && recordedId !== identity.workflowId) {
    throw new DossierInputError(`this history is run ${recordedId}, not ${identity.workflowId}`);
  }
  const redaction = redactionFor(run.input?.runbook, (run.input as { inputs?: Record<string, unknown> } | undefined)?.inputs ?? {});
  const steps = stepEntries(run, redaction.scrub);
  const evidence = evidenceEntries(run);
  const entries: DossierEntry[] = [
    { kind: 'run', data: runEntry(run, history, identity, redaction.inputs, redaction.redactedInputs) },
    { kind: 'runbook', data: { runbookId: run.input!.runbook.id, definition: run.input!.runbook } },
    ...steps.map((data) => ({ kind: 'step' as const, data })),
    ...childRunEntries(run, redaction.scrub).map((data) => ({ kind: 'child-run' as const, data })),
    ...decisionEntries(run).map((data) => ({ kind: 'decision' as const, data })),
    ...decisionStepEntries(run).map((data) => ({ kind: 'decision-step' as const, data })),
    ...loopEntries(run, steps).map((data) => ({ kind: 'loop' as const, data })),
    ...windowEntries(run).map((data) => ({ kind: 'observation-window' as const, data })),
    ...escalationEntries(run).map((data) => ({ kind: 'escalation' as const, data })),
    ...humanActionEntries(run).map((data) => ({ kind: 'human-action' as const, data })),
    ...compensationEntries(run, redaction.scrub).map((data) => ({ kind: 'compensation' as const, data })),
    ...evidence.map((data) => ({ kind: 'evidence' as const, data })),
    { kind: 'outcome', data: outcomeEntry(run, steps) },
    { kind: 'controls', data: controlsEntry(steps, evidence) },
  ];
  const scrubbed = entries.map((entry, index) => (index === 0 ? entry : ({ kind: entry.kind, data: redaction.scrub(entry.data) } as DossierEntry)));
  const coverage = coverageOf(view.events, citedEventIds(scrubbed.map((entry) => entry.data)));
  return [...scrubbed, { kind: 'coverage', data: { ...coverage, historySha256: historyDigest(history) } }];
}

/**
 * SHA-256 of the history's canonical JSON (proto3 JSON, then RFC 8785): covers the events no entry
 * cites, so a changed plumbing event is still noticed when a dossier is compared with its history.
 * Not the protobuf bytes: the server sends map fields (payload metadata, search attributes) in a
 * different order on every fetch, and canonical JSON sorts them.
 */
export function historyDigest(history: RawHistory): string {
  const json = JSON.parse(historyToJSON({ events: history.events ?? [] })) as unknown;
  return createHash('sha256').update(canonicalJson(json, 'history'), 'utf8').digest('hex');
}

export function buildDossier(history: RawHistory, options: DossierOptions): DossierDocument {
  const entries = dossierEntries(history, { workflowId: options.workflowId, namespace: options.namespace });
  const events = history.events ?? [];
  const lastEventId = Number(events[events.length - 1]?.eventId ?? 0);
  const chain = buildChain(entries, { historyEventCount: events.length, lastEventId });
  return {
    format: DOSSIER_FORMAT,
    exported: { at: (options.now?.() ?? new Date()).toISOString(), by: options.exportedBy ?? 'quell' },
    entries: chain.entries,
    head: chain.head,
    ...(options.signingKeyPem ? { signature: signHead(chain.head, options.signingKeyPem) } : {}),
  };
}

function runEntry(run: RunFacts, history: RawHistory, identity: RunIdentity, inputs: Record<string, unknown>, redactedInputs: string[]): RunEntryData {
  const started = run.view.started!;
  const input = run.input!;
  const full = started.input[0] as { drill?: { drillId?: unknown }; inputs?: unknown };
  const drillId = typeof full.drill?.drillId === 'string' ? full.drill.drillId : undefined;
  const scheduleId = typeof started.searchAttributes.TemporalScheduledById === 'string' ? started.searchAttributes.TemporalScheduledById : undefined;
  const parent = parentOf(run);
  const surface: StartSurface = drillId ? 'drill' : scheduleId ? 'schedule' : input.requestedVia;
  const firstEvent = history.events?.[0];
  const runId = String(firstEvent?.workflowExecutionStartedEventAttributes?.originalExecutionRunId ?? started.firstRunId ?? '');
  return {
    workflowId: identity.workflowId,
    runId,
    namespace: identity.namespace,
    workflowType: started.workflowType,
    taskQueue: started.taskQueue,
    startedAt: started.at,
    startEventId: started.id,
    requestedBy: input.requestedBy,
    surface,
    clientIdentity: started.identity,
    ...(scheduleId ? { scheduleId } : {}),
    ...(drillId ? { drillId } : {}),
    incidentId: input.incidentId,
    mode: input.mode,
    runbook: { id: input.runbook.id, version: input.runbook.version, title: input.runbook.title, sha256: input.runbookSha256 },
    ...(parent ? { parent } : {}),
    inputs,
    redactedInputs,
  };
}

function outcomeEntry(run: RunFacts, steps: StepEntryData[]): OutcomeEntryData {
  const closing = run.view.closing;
  const started = run.view.started!;
  const status = run.final?.status ?? (closing ? closing.kind === 'workflow-closed-abnormally' ? closing.message : 'closed' : 'running');
  const failure = run.final?.state.failure;
  // An end step completed the run early: the status names its outcome, as `quell status` does.
  const ended = run.final?.state.outcome;
  const severity = severityOf(run);
  return {
    status: ended && status === 'completed' ? `completed: ${ended.name}` : status,
    ...(ended ? { ended: { outcome: ended.name, step: ended.step, ...(ended.summary ? { summary: ended.summary } : {}), at: ended.at } } : {}),
    ...(severity ? { severity } : {}),
    ...(failure ? { failure } : {}),
    ...(closing ? { closedAt: closing.at, closeEventId: closing.id, totalDurationMs: closing.timeMs - started.timeMs } : {}),
    phases: phaseDurations(steps),
  };
}

/** Each phase from the first start to the last end of its steps (steps without a phase are not timed). */
function phaseDurations(steps: StepEntryData[]): PhaseDuration[] {
  const durations: PhaseDuration[] = [];
  for (const phase of INCIDENT_PHASES) {
    const members = steps.filter((step) => step.phase === phase && step.startedAt);
    if (members.length === 0) continue;
    const startedAt = members.map((step) => step.startedAt!).sort()[0]!;
    const allEnded = members.every((step) => step.endedAt);
    const endedAt = allEnded ? members.map((step) => step.endedAt!).sort().pop()! : undefined;
    durations.push({
      phase,
      startedAt,
      ...(endedAt ? { endedAt, durationMs: Date.parse(endedAt) - Date.parse(startedAt) } : {}),
      steps: members.map((step) => step.stepId),
    });
  }
  return durations;
}

function controlsEntry(steps: StepEntryData[], evidence: EvidenceEntryData[]): ControlsEntryData {
  const byControl = new Map<string, ControlsEntryData['controls'][number]>();
  const status = new Map(steps.map((step) => [step.stepId, step.status]));
  for (const step of steps) {
    for (const control of step.controls) {
      const entry = byControl.get(control) ?? { control, steps: [], evidence: [] };
      entry.steps.push({ stepId: step.stepId, status: status.get(step.stepId) ?? 'unknown' });
      for (const collected of evidence.filter((item) => item.stepId === step.stepId)) {
        for (const artifact of collected.artifacts) entry.evidence.push({ stepId: step.stepId, name: artifact.name, sha256: artifact.sha256 });
      }
      byControl.set(control, entry);
    }
  }
  return { controls: [...byControl.values()].sort((a, b) => a.control.localeCompare(b.control)) };
}
