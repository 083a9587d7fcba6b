/**
 * Which runbook-language version each construct needs, and the lint rule that follows: a runbook
 * that says `language: 1` may use none of language 2's constructs (so an older Quell, or a reader
 * of the older README, meets nothing it does not know), and `quell lint` names each construct
 * with the version it needs. A runbook without `language` is read as the newest.
 *
 * Language 2 (issue 15): decision, end, foreach, observe, runbook (sub-runbook), sequence,
 * severity and sleep steps; background steps; declared outputs of waits and tasks; approvals with
 * a count per group; durations given by a template or by severity; datetime inputs.
 *
 * Workflow-safe: types and common/ only.
 */
import type { DocumentPath, DocumentProblem } from '../config/yaml/explain-issues';
import type { Runbook, RunbookBranchStep, RunbookStep } from './schema';
import { stepKind } from './step-kind';

type AnyStep = RunbookStep | RunbookBranchStep;

const LANGUAGE_2_KINDS = new Set(['decision', 'end', 'foreach', 'observe', 'runbook', 'sequence', 'severity', 'sleep']);

export interface LanguageFeature {
  /** What the runbook uses, as lint names it: `decision step`, `background`, `a count per approver group`… */
  feature: string;
  version: number;
  path: DocumentPath;
}

/** Every construct `runbook` uses that language 1 did not have, where it uses it. */
export function languageFeatures(runbook: Runbook): LanguageFeature[] {
  const found: LanguageFeature[] = [];
  const add = (feature: string, path: DocumentPath) => found.push({ feature, version: 2, path });
  for (const [name, spec] of Object.entries(runbook.inputs)) if (spec.type === 'datetime') add('datetime input', ['inputs', name, 'type']);
  const visit = (step: AnyStep, path: DocumentPath) => {
    const kind = stepKind(step);
    if (LANGUAGE_2_KINDS.has(kind)) add(`${kind} step`, [...path, kind]);
    if (step.background !== undefined) add('background', [...path, 'background']);
    if (typeof step.timeout === 'object' || (typeof step.timeout === 'string' && step.timeout.includes('${{'))) add('a timeout given by template or severity', [...path, 'timeout']);
    if ('approval' in step && !Array.isArray(step.approval.approvers)) add('a count per approver group', [...path, 'approval', 'approvers']);
    if ('approval' in step && typeof step.approval.timeout !== 'string') add('a timeout given by severity', [...path, 'approval', 'timeout']);
    if ('wait' in step && step.wait.outputs !== undefined) add('declared outputs', [...path, 'wait', 'outputs']);
    if ('manual' in step && step.manual.outputs !== undefined) add('declared outputs', [...path, 'manual', 'outputs']);
    if ('parallel' in step) step.parallel.forEach((branch, index) => visit(branch, [...path, 'parallel', index]));
    if ('sequence' in step) step.sequence.forEach((inner, index) => visit(inner, [...path, 'sequence', index]));
    if ('foreach' in step) step.foreach.steps.forEach((inner, index) => visit(inner, [...path, 'foreach', 'steps', index]));
  };
  runbook.steps.forEach((step, index) => visit(step, ['steps', index]));
  return found;
}

/** The lowest language version that has everything `runbook` uses. */
export function languageNeeded(runbook: Runbook): number {
  return Math.max(1, ...languageFeatures(runbook).map((entry) => entry.version));
}

/** A runbook pinned to an older language may use nothing newer. */
export function checkLanguage(runbook: Runbook): DocumentProblem[] {
  const declared = runbook.language;
  if (declared === undefined) return [];
  return languageFeatures(runbook)
    .filter((entry) => entry.version > declared)
    .map((entry) => ({ path: entry.path, at: 'key' as const, message: `${entry.feature} needs runbook language ${entry.version}, and this runbook says language: ${declared} (raise it, or remove the language line to use the newest)` }));
}
