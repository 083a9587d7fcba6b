/**
 * The compliance controls a runbook's steps declare (`controls:` on any step or parallel branch),
 * gathered for search attributes, listings and the audit dossier.
 *
 * Workflow-safe: pure functions over the parsed runbook, types only from ./schema (no zod at run time);
 * the workflows use it for the runs they start. Also the search attributes a run starts with.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { RunMode } from '../common/run-state';
import { QuellControls, QuellDrill, QuellIncident, QuellMode, QuellRequester, QuellRunbook, QuellRunbookVersion, QuellStatus } from '../common/search-attributes';
import type { Runbook } from './schema';
import { everyStep } from './step-kind';

/** Every control id any step of the runbook names, sorted and without repeats. */
export function runbookControls(runbook: Pick<Runbook, 'steps'>): string[] {
  const found = new Set<string>();
  for (const { controls } of controlledSteps(runbook)) controls.forEach((id) => found.add(id));
  return [...found].sort();
}

/** Each step or branch that declares controls, in runbook order (a parallel step before its branches). */
export function controlledSteps(runbook: Pick<Runbook, 'steps'>): Array<{ stepId: string; controls: readonly string[] }> {
  return everyStep(runbook.steps).flatMap((step) => (step.controls && step.controls.length > 0 ? [{ stepId: step.id, controls: step.controls }] : []));
}

/**
 * The QuellControls search attribute of a run of this runbook, to spread into a start's
 * typedSearchAttributes: nothing when no step names a control (an empty list reads as unset anyway).
 */
export function controlsSearchAttribute(runbook: Pick<Runbook, 'steps'>): Array<{ key: typeof QuellControls; value: string[] }> {
  const controls = runbookControls(runbook);
  return controls.length > 0 ? [{ key: QuellControls, value: controls }] : [];
}

/** Who and what a new run is, as its start records it in search attributes. */
export interface RunStartFacts {
  runbook: Pick<Runbook, 'id' | 'version' | 'steps'>;
  incidentId: string;
  mode: RunMode;
  requestedBy: string;
  /** The drill that started the run, if one did. */
  drillId?: string;
}

/**
 * The search attributes every run starts with, whoever starts it (the CLI and Slack, a parent's
 * `runbook:` step, a drill and its follow-ups), so `quell list` and `quell audit list` find each
 * the same way.
 */
export function runStartSearchAttributes(facts: RunStartFacts): SearchAttributePair[] {
  return [
    { key: QuellRunbook, value: facts.runbook.id },
    { key: QuellRunbookVersion, value: facts.runbook.version },
    { key: QuellIncident, value: facts.incidentId },
    { key: QuellMode, value: facts.mode },
    { key: QuellRequester, value: facts.requestedBy },
    { key: QuellStatus, value: 'running' },
    ...(facts.drillId !== undefined ? [{ key: QuellDrill, value: facts.drillId }] : []),
    ...controlsSearchAttribute(facts.runbook),
  ];
}
