/**
 * Where each step of a runbook sits, for the whole-document checks: the top-level slot it runs in,
 * the parallel step it is a branch of, or the foreach whose items run it (and its place in the
 * loop's sequence). Step ids are unique across all of these.
 *
 * Workflow-safe: types and config/yaml types only.
 */
import type { DocumentPath, DocumentProblem } from '../config/yaml/explain-issues';
import type { Runbook, RunbookBranchStep, RunbookStep } from './schema';

export type AnyStep = RunbookStep | RunbookBranchStep;

export interface StepPlace {
  id: string;
  path: DocumentPath;
  /** Index of the top-level step that is, or contains, this step. */
  slot: number;
  /** Id of the enclosing parallel step, for branches. */
  parent?: string;
  /** Ids of the branches, for parallel steps. */
  branches?: string[];
  /** Id of the enclosing foreach, for the steps each item runs. */
  loop?: string;
  /** Id of the enclosing sequence, for its steps. */
  sequence?: string;
  /** Position in the loop's or sequence's steps. */
  bodyIndex?: number;
  /**
   * For a background step and everything in it: the top-level slot before which the run waits for
   * it (its `join`), or Infinity when it is joined only at the run's end.
   */
  joinSlot?: number;
}

/** Every step in document order, branches right after their parallel step, a loop's steps after the loop. */
export function placeSteps(runbook: Runbook): Array<{ step: AnyStep; place: StepPlace }> {
  const placed: Array<{ step: AnyStep; place: StepPlace }> = [];
  const topIds = runbook.steps.map((step) => step.id);
  runbook.steps.forEach((step, slot) => {
    const path: DocumentPath = ['steps', slot];
    const join = step.background === undefined ? undefined : step.background === true ? Infinity : topIds.indexOf(step.background.join);
    const joined = join !== undefined && join !== -1 ? { joinSlot: join } : {};
    const branches = 'parallel' in step ? step.parallel.map((branch) => branch.id) : undefined;
    placed.push({ step, place: { id: step.id, path, slot, branches, ...joined } });
    const sequenceSteps = (owner: AnyStep & { sequence: AnyStep[] }, at: DocumentPath, parent?: string) =>
      owner.sequence.forEach((inner, index) => {
        placed.push({ step: inner, place: { id: inner.id, path: [...at, 'sequence', index], slot, sequence: owner.id, bodyIndex: index, ...(parent ? { parent } : {}), ...joined } });
      });
    if ('parallel' in step) {
      step.parallel.forEach((branch, index) => {
        const at = [...path, 'parallel', index];
        placed.push({ step: branch, place: { id: branch.id, path: at, slot, parent: step.id, ...joined } });
        if ('sequence' in branch) sequenceSteps(branch, at, step.id);
      });
    }
    if ('sequence' in step) sequenceSteps(step, path);
    if ('foreach' in step) {
      step.foreach.steps.forEach((inner, index) => {
        placed.push({ step: inner, place: { id: inner.id, path: [...path, 'foreach', 'steps', index], slot, loop: step.id, bodyIndex: index, ...joined } });
      });
    }
  });
  return placed;
}

export function duplicateIds(placed: Array<{ place: StepPlace }>): DocumentProblem[] {
  const first = new Map<string, DocumentPath>();
  const problems: DocumentProblem[] = [];
  for (const { place } of placed) {
    const earlier = first.get(place.id);
    if (earlier) {
      problems.push({
        path: [...place.path, 'id'],
        message: `duplicate step id "${place.id}": step ids must be unique across the whole runbook, including parallel branches`,
        seeAlso: { note: 'first used', path: [...earlier, 'id'] },
      });
    } else {
      first.set(place.id, place.path);
    }
  }
  return problems;
}
