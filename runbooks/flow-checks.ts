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
  const problems: DocumentProblem[] = [];
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
