/**
 * Checks on how a runbook's steps follow each other that the schema cannot see: an `end` step
 * that always ends the run leaves the steps after it unreachable, and the per-step settings that
 * only make sense for steps doing work (timeout, retry, on_error) mean nothing on an `end`.
 *
 * Workflow-safe: common/ and config/yaml types only.
 */
import type { DocumentProblem } from '../config/yaml/explain-issues';
import type { Runbook } from './schema';

const END_IGNORES = ['timeout', 'retry', 'on_error'] as const;

export function checkFlow(runbook: Runbook): DocumentProblem[] {
  const problems: DocumentProblem[] = [...checkBackground(runbook)];
  let endedBy: { id: string; index: number } | undefined;
  runbook.steps.forEach((step, index) => {
    if (endedBy) {
      problems.push({
        path: ['steps', index, 'id'],
        message: `step "${step.id}" never runs: step "${endedBy.id}" ends the run unconditionally before it (give that end step a when, or remove this step)`,
      });
      return;
    }
    if (!('end' in step)) return;
    for (const key of END_IGNORES) {
      if (step[key] !== undefined) problems.push({ path: ['steps', index, key], at: 'key', message: `${key} does nothing on an end step, which does no work: remove it` });
    }
    if (step.when === undefined) endedBy = { id: step.id, index };
  });
  return problems;
}

/**
 * `background` belongs to top-level steps (a branch or a loop's step already runs beside others);
 * its `join` names a later top-level step; an end step never runs in the background.
 */
function checkBackground(runbook: Runbook): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const ids = runbook.steps.map((step) => step.id);
  const nestedOnly = 'background applies only to top-level steps (branches and loop steps already run beside others)';
  runbook.steps.forEach((step, index) => {
    const nested: Array<{ step: { background?: unknown }; path: Array<string | number> }> = [];
    if ('parallel' in step) {
      step.parallel.forEach((branch, at) => {
        nested.push({ step: branch, path: ['steps', index, 'parallel', at] });
        if ('sequence' in branch) branch.sequence.forEach((inner, position) => nested.push({ step: inner, path: ['steps', index, 'parallel', at, 'sequence', position] }));
      });
    }
    if ('sequence' in step) step.sequence.forEach((inner, at) => nested.push({ step: inner, path: ['steps', index, 'sequence', at] }));
    if ('foreach' in step) step.foreach.steps.forEach((inner, at) => nested.push({ step: inner, path: ['steps', index, 'foreach', 'steps', at] }));
    for (const entry of nested) if (entry.step.background !== undefined) problems.push({ path: [...entry.path, 'background'], at: 'key', message: nestedOnly });

    const background = step.background;
    if (background === undefined) return;
    if ('end' in step) problems.push({ path: ['steps', index, 'background'], at: 'key', message: 'an end step cannot run in the background: it ends the run where it stands' });
    if (background === true) return;
    const join = ids.indexOf(background.join);
    if (join === -1) problems.push({ path: ['steps', index, 'background', 'join'], message: `join names no top-level step "${background.join}"; later steps: ${ids.slice(index + 1).join(', ') || 'none'}` });
    else if (join <= index) problems.push({ path: ['steps', index, 'background', 'join'], message: `join must name a step after this one; "${background.join}" ${join === index ? 'is this step' : 'comes before it'}` });
  });
  return problems;
}
