/**
 * Runbooks that start other runbooks (`runbook:` steps): which they name, the set a run needs
 * loaded before it starts (every runbook reachable from it), and what the linter says about the
 * names — a runbook that does not exist, a chain that would come back to a runbook already
 * running (recursion), and inputs the child does not declare or needs but is not given.
 *
 * Pure functions over loaded runbooks. Workflow-safe: types and common/ only.
 */
import { didYouMean } from '../common/suggest';
import type { DocumentPath, DocumentProblem } from '../config/yaml/explain-issues';
import type { Runbook, SubRunbookStepSpec } from './schema';
import { placeSteps } from './step-places';

export interface SubRunbookReference {
  step: SubRunbookStepSpec;
  path: DocumentPath;
}

/** Every `runbook:` step, wherever it sits (top level, parallel branch, sequence, loop), with its document path. */
export function subRunbookReferences(runbook: Runbook): SubRunbookReference[] {
  return placeSteps(runbook).flatMap(({ step, place }) => ('runbook' in step ? [{ step, path: place.path }] : []));
}

/**
 * Every runbook reachable from `root` through `runbook:` steps (root excluded), found with
 * `lookup`; the ids no lookup finds are in `missing`.
 */
export function reachableRunbooks<T extends { runbook: Runbook }>(root: Runbook, lookup: (id: string) => T | undefined): { found: Map<string, T>; missing: string[] } {
  const found = new Map<string, T>();
  const missing: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    for (const { step } of subRunbookReferences(pending.pop()!)) {
      const id = step.runbook.id;
      if (id === root.id || found.has(id) || missing.includes(id)) continue;
      const loaded = lookup(id);
      if (!loaded) missing.push(id);
      else {
        found.set(id, loaded);
        pending.push(loaded.runbook);
      }
    }
  }
  return { found, missing };
}

/** The problems of `runbook`'s `runbook:` steps, given every runbook known by id. */
export function subRunbookProblems(runbook: Runbook, known: ReadonlyMap<string, Runbook>): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  for (const { step, path } of subRunbookReferences(runbook)) {
    const id = step.runbook.id;
    const at = [...path, 'runbook', 'id'];
    const child = id === runbook.id ? runbook : known.get(id);
    if (!child) {
      const ids = [...known.keys()].sort();
      problems.push({ path: at, message: `runbook "${id}" does not exist${didYouMean(id, ids)}; runbooks: ${ids.length > 0 ? ids.join(', ') : 'none'}` });
      continue;
    }
    const loop = cycleThrough(runbook.id, id, known);
    if (loop) {
      problems.push({ path: at, message: `starting runbook "${id}" would recurse: ${loop.join(' → ')} (a runbook may not start itself, directly or through others)` });
      continue;
    }
    problems.push(...inputProblems(step, path, child));
  }
  return problems;
}

/** The chain `from → to → … → from`, when `to` leads back to `from`; undefined otherwise. */
function cycleThrough(from: string, to: string, known: ReadonlyMap<string, Runbook>): string[] | undefined {
  const seen = new Set<string>();
  const walk = (id: string, chain: string[]): string[] | undefined => {
    if (id === from) return [...chain, id];
    if (seen.has(id)) return undefined;
    seen.add(id);
    const child = known.get(id);
    if (!child) return undefined;
    for (const { step } of subRunbookReferences(child)) {
      const found = walk(step.runbook.id, [...chain, id]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(to, [from]);
}

function inputProblems(step: SubRunbookStepSpec, path: DocumentPath, child: Runbook): DocumentProblem[] {
  const given = step.runbook.inputs ?? {};
  const declared = Object.keys(child.inputs);
  const problems: DocumentProblem[] = [];
  for (const name of Object.keys(given)) {
    if (!declared.includes(name)) {
      problems.push({ path: [...path, 'runbook', 'inputs', name], at: 'key', message: `runbook "${child.id}" has no input "${name}"${didYouMean(name, declared)}; its inputs: ${declared.join(', ') || 'none'}` });
    }
  }
  const missing = declared.filter((name) => child.inputs[name]!.required && !Object.prototype.hasOwnProperty.call(given, name));
  if (missing.length > 0) {
    problems.push({ path: [...path, 'runbook'], message: `runbook "${child.id}" needs input${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; give ${missing.length === 1 ? 'it' : 'them'} under inputs` });
  }
  return problems;
}
