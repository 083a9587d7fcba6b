/**
 * The dossier's step-level entries: one per runbook step (branches after their parallel step, a
 * sequence's steps after it, a loop's steps once per started item under their qualified ids,
 * `each-key[2].block`, attributed to the loop and the item; a background step with where it joins,
 * a sequence's step with its sequence), each compensation, and each evidence
 * collection with its manifest. Facts come from the events first (an action's activity: when it
 * was scheduled and ended, its attempts, what it returned) and from the run's own final record
 * (the RunResult in the close event) for what no event says, such as when an approval gate opened.
 */
import type { StepState } from '../../common/run-state';
import type { RunbookBranchStep, RunbookStep } from '../../runbooks/schema';
import { stepKind } from '../../runbooks/step-kind';
import { checkCalls, stepInstances, type StepInstance } from '../drill/loop-facts';
import type { ActionCall, RunFacts } from '../drill/run-facts';
import type { CompensationEntryData, EvidenceArtifact, EvidenceEntryData, StepEntryData } from './dossier-types';
import { summariseOutput } from './output-summary';

type Step = RunbookStep | RunbookBranchStep;

/** A step's `controls:` list, read defensively: runs recorded before the field carry none. */
export function stepControls(step: Step): string[] {
  const controls = (step as { controls?: unknown }).controls;
  return Array.isArray(controls) ? controls.filter((control): control is string => typeof control === 'string') : [];
}

export function stepPhase(step: Step): string | undefined {
  const phase = (step as { phase?: unknown }).phase;
  return typeof phase === 'string' ? phase : undefined;
}

/** The action calls of one step and purpose, oldest first. */
export function callsOf(run: RunFacts, stepId: string, purpose: 'perform' | 'compensate'): ActionCall[] {
  return run.activities.filter((call) => call.stepId === stepId && call.purpose === purpose && !isNotifyExtra(call));
}

/** Reminders and escalation notices a gate or wait sends on its step's behalf (key `perform/<what>`). */
export function isNotifyExtra(call: ActionCall): boolean {
  const key = (call.scheduled.input[0] as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
  return typeof key === 'string' && /\/perform\/[^/]+$/.test(key);
}

export function callEventIds(call: ActionCall): number[] {
  return call.end ? [call.scheduled.id, call.end.id] : [call.scheduled.id];
}

function callResult(call: ActionCall): { output?: unknown; alreadyDone?: boolean; provider?: string } | undefined {
  if (call.end?.kind !== 'activity-completed') return undefined;
  const result = call.end.result;
  return result && typeof result === 'object' ? (result as { output?: unknown; alreadyDone?: boolean; provider?: string }) : undefined;
}

function callError(call: ActionCall): string | undefined {
  return call.end && call.end.kind !== 'activity-completed' ? call.end.message : undefined;
}

/** Replaces sensitive values in a value: applied before anything is shortened, so no prefix survives. */
export type Scrub = <T>(value: T) => T;
const unchanged: Scrub = (value) => value;

export function stepEntries(run: RunFacts, scrub: Scrub = unchanged): StepEntryData[] {
  const finalSteps = new Map<string, StepState>((run.final?.state.steps ?? []).map((state) => [state.id, state]));
  const instances = stepInstances(run);
  // A branch, a sequence's step or a loop item's step without a phase of its own is in the phase
  // of the step around it (parents come first, so theirs is already known).
  const phases = new Map<string, string>();
  for (const instance of instances) {
    const phase = stepPhase(instance.spec) ?? (instance.parent ? phases.get(instance.parent) : undefined);
    if (phase) phases.set(instance.id, phase);
  }
  const sequences = new Set(instances.filter((instance) => 'sequence' in instance.spec).map((instance) => instance.id));
  return instances.map((instance) => stepEntry(run, instance, finalSteps.get(instance.id), phases.get(instance.id), scrub, sequences));
}

/** `sequences`: the ids of the run's sequence steps, so a step inside one can say so. */
function stepEntry(run: RunFacts, instance: StepInstance, state: StepState | undefined, phase: string | undefined, scrub: Scrub, sequences: ReadonlySet<string>): StepEntryData {
  const step = instance.spec;
  const calls = callsOf(run, instance.id, 'perform');
  // An observation window's checks are its activities (each with its own key): cite them all.
  const checks = 'observe' in step ? checkCalls(run, instance.id).map((entry) => entry.call) : [];
  const last = calls[calls.length - 1];
  const result = last ? callResult(last) : undefined;
  const decisionIds = run.playerActions.filter((action) => action.stepId === instance.id).flatMap((action) => [action.accepted.id, ...(action.completed ? [action.completed.id] : [])]);
  const fromEvents = last ? (last.outcome === 'succeeded' ? 'succeeded' : last.outcome === 'in-progress' ? 'running' : 'failed') : undefined;
  const error = state?.error?.message ?? (last ? callError(last) : undefined);
  const parent = instance.parent ?? ('parallel' in step ? undefined : state?.parent);
  const startedAt = state?.startedAt ?? (calls[0] ?? checks[0])?.scheduled.at;
  const endedAt = state?.endedAt ?? last?.end?.at;
  const output = result?.output ?? state?.output;
  const summary = summariseOutput(scrub(output));
  const background = 'background' in step ? step.background : undefined;
  const inSequence = instance.parent && sequences.has(instance.parent) ? instance.parent : undefined;
  return {
    stepId: instance.id,
    kind: stepKind(step),
    ...(step.title ? { title: step.title } : {}),
    ...(parent ? { parent } : {}),
    ...(instance.item !== undefined ? { item: instance.item } : {}),
    ...(phase ? { phase } : {}),
    controls: stepControls(step),
    status: state?.status ?? fromEvents ?? 'not reached',
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(last?.attempts !== undefined ? { attempts: last.attempts } : {}),
    ...('action' in step ? { action: step.action } : {}),
    ...(summary ? { outputSummary: summary } : {}),
    ...(error ? { error } : {}),
    ...(state?.actor ? { actor: state.actor } : {}),
    ...((result?.alreadyDone ?? state?.alreadyDone) ? { alreadyDone: true } : {}),
    ...(state?.skippedBecause ? { skippedBecause: state.skippedBecause } : {}),
    ...(background !== undefined ? { background: { joinsAt: background === true ? 'the end of the run' : background.join } } : {}),
    ...(inSequence ? { inSequence } : {}),
    eventIds: [...calls.flatMap(callEventIds), ...checks.flatMap(callEventIds), ...decisionIds].sort((a, b) => a - b),
  };
}

export function compensationEntries(run: RunFacts, scrub: Scrub = unchanged): CompensationEntryData[] {
  const finalSteps = new Map<string, StepState>((run.final?.state.steps ?? []).map((state) => [state.id, state]));
  const stepIds = [...new Set(run.activities.filter((call) => call.purpose === 'compensate').map((call) => call.stepId))];
  return stepIds
    .map((stepId) => {
      const calls = callsOf(run, stepId, 'compensate');
      const last = calls[calls.length - 1]!;
      const recorded = finalSteps.get(stepId)?.compensation;
      const summary = summariseOutput(scrub(callResult(last)?.output ?? recorded?.output));
      const error = callError(last) ?? recorded?.error;
      const at = last.end?.at ?? recorded?.at;
      const state = finalSteps.get(stepId);
      return {
        stepId,
        ...(state?.item !== undefined && state.parent ? { parent: state.parent, item: state.item } : {}),
        action: last.action,
        outcome: recorded?.status ?? (last.outcome === 'succeeded' ? 'succeeded' : last.outcome === 'in-progress' ? 'in progress' : 'failed'),
        ...(last.attempts !== undefined ? { attempts: last.attempts } : {}),
        ...(at ? { at } : {}),
        ...(summary ? { outputSummary: summary } : {}),
        ...(error ? { error } : {}),
        eventIds: calls.flatMap(callEventIds),
      };
    })
    .sort((a, b) => a.eventIds[0]! - b.eventIds[0]!);
}

/** Every successful `evidence.collect` call's manifest: artifacts with their SHA-256 and the custody entry. */
export function evidenceEntries(run: RunFacts): EvidenceEntryData[] {
  const entries: EvidenceEntryData[] = [];
  for (const call of run.activities) {
    if (call.action !== 'evidence.collect' || call.purpose !== 'perform' || call.end?.kind !== 'activity-completed') continue;
    const result = callResult(call);
    const output = (result?.output ?? {}) as Record<string, unknown>;
    const artifacts = Array.isArray(output.artifacts) ? output.artifacts.map(artifactOf).filter((artifact): artifact is EvidenceArtifact => artifact !== undefined) : [];
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const source = text(output.source);
    const store = text(output.store);
    const label = text(output.label);
    const collectedAt = text(output.collected_at);
    entries.push({
      stepId: call.stepId,
      ...(source ? { source } : {}),
      ...(store ? { store } : {}),
      ...(label ? { label } : {}),
      ...(collectedAt ? { collectedAt } : {}),
      artifacts,
      custody: {
        ...(typeof output.custody_index === 'number' ? { index: output.custody_index } : {}),
        ...(typeof output.custody_head === 'string' ? { head: output.custody_head } : {}),
      },
      tabletop: result?.provider === 'tabletop',
      eventId: call.end.id,
    });
  }
  return entries;
}

function artifactOf(value: unknown): EvidenceArtifact | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.name !== 'string' || typeof record.sha256 !== 'string') return undefined;
  return {
    name: record.name,
    sha256: record.sha256,
    ...(typeof record.size === 'number' ? { size: record.size } : {}),
    ...(typeof record.location === 'string' ? { location: record.location } : {}),
  };
}
