/**
 * What a runbook's `${{ }}` templates may read, checked before any run: every template parses,
 * names only declared inputs, run fields and steps that have run by the time it is evaluated (a
 * parallel step's own branches have not; a loop's steps only within the same item; the loop's
 * `item` only inside it), and only outputs those steps produce. Comparisons of a decision's answer
 * with a value it cannot take are refused too.
 *
 * Workflow-safe: common/ only.
 */
import { ExpressionError, RUN_CONTEXT_FIELDS, parseTemplate, templateComparisons, templateReferences, wholeTemplateExpression } from '../common/expression';
import { didYouMean } from '../common/suggest';
import type { DocumentPath, DocumentProblem } from '../config/yaml/explain-issues';
import { comparedValueProblem, outputNameProblem } from './output-paths';
import type { AnyStep, StepPlace } from './step-places';

/** Every string inside `value` with its document path. */
export function stringsIn(value: unknown, path: DocumentPath): Array<{ text: string; path: DocumentPath }> {
  if (typeof value === 'string') return [{ text: value, path }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, [...path, key]));
  }
  return [];
}

/** The template-bearing strings of a step, and whether each sits in the step's compensate. */
export function templateFields(step: AnyStep, path: DocumentPath): Array<{ text: string; path: DocumentPath; inCompensate: boolean }> {
  const fields: Array<{ text: string; path: DocumentPath; inCompensate: boolean }> = [];
  const add = (value: unknown, at: DocumentPath, inCompensate = false) => {
    for (const found of stringsIn(value, at)) fields.push({ ...found, inCompensate });
  };
  add(step.when, [...path, 'when']);
  // Durations may be templates; a table by severity holds literals only.
  const duration = (value: unknown, at: DocumentPath) => {
    if (typeof value === 'string' && value.includes('${{')) add(value, at);
  };
  duration(step.timeout, [...path, 'timeout']);
  if ('approval' in step) duration(step.approval.timeout, [...path, 'approval', 'timeout']);
  if ('decision' in step) duration(step.decision.timeout, [...path, 'decision', 'timeout']);
  if ('wait' in step) duration(step.wait.timeout, [...path, 'wait', 'timeout']);
  if ('sleep' in step) duration(step.sleep.for, [...path, 'sleep', 'for']);
  if ('action' in step) {
    add(step.with, [...path, 'with']);
    if (step.compensate) add(step.compensate.with, [...path, 'compensate', 'with'], true);
  }
  if ('approval' in step) add(step.approval.summary, [...path, 'approval', 'summary']);
  if ('manual' in step) add(step.manual.task, [...path, 'manual', 'task']);
  if ('sleep' in step && step.sleep.until !== undefined) add(step.sleep.until, [...path, 'sleep', 'until']);
  if ('decision' in step) add(step.decision.question, [...path, 'decision', 'question']);
  if ('end' in step && step.end.summary !== undefined) add(step.end.summary, [...path, 'end', 'summary']);
  if ('foreach' in step && typeof step.foreach.items === 'string') add(step.foreach.items, [...path, 'foreach', 'items']);
  if ('severity' in step) add(step.severity.to, [...path, 'severity', 'to']);
  if ('observe' in step) {
    add(step.observe.check.with, [...path, 'observe', 'check', 'with']);
    add(step.observe.until, [...path, 'observe', 'until']);
  }
  return fields;
}

export interface ReferenceScope {
  /** Set for an observe step's `until`, the one place `check` may be read. */
  observing?: { check: { action: Extract<AnyStep, { action: string }>['action'] } };
  inputs: string[];
  places: Map<string, StepPlace>;
  specs: Map<string, AnyStep>;
  self: StepPlace;
  inCompensate: boolean;
}

/** Why `steps.<id>` cannot be read from `scope.self`, or undefined if it can. */
function stepReferenceProblem(id: string, scope: ReferenceScope): string | undefined {
  const { self } = scope;
  const target = scope.places.get(id);
  if (target === undefined) {
    const earlier = [...scope.places.values()].filter((place) => place.slot < self.slot).map((place) => place.id);
    return `no step has id "${id}"${didYouMean(id, [...scope.places.keys()])}; steps that run before this one: ${earlier.length > 0 ? earlier.join(', ') : 'none'}`;
  }
  if (target.id === self.id) {
    return scope.inCompensate
      ? undefined
      : `step "${id}" cannot read its own output or status (only its compensate block can, after it ran)`;
  }
  if (target.joinSlot !== undefined && target.slot !== self.slot && self.slot < target.joinSlot) {
    const until = Number.isFinite(target.joinSlot) ? `until the run reaches step "${[...scope.places.values()].find((place) => place.slot === target.joinSlot && place.parent === undefined && place.sequence === undefined && place.loop === undefined)?.id ?? '?'}"` : 'until the run ends';
    return `step "${id}" runs in the background ${until}, so its output is not available here; read it from the step it joins at`;
  }
  if (target.sequence !== undefined && target.sequence === self.sequence) {
    return target.bodyIndex! < self.bodyIndex! ? undefined : `step "${id}" runs after this step in sequence "${self.sequence}", so its output is not available yet`;
  }
  if (self.sequence !== undefined && target.id === self.sequence) {
    return `step "${id}" is the sequence containing this step; it finishes only after all its steps`;
  }
  if (target.loop !== undefined && target.loop !== self.loop) {
    return `step "${id}" runs once for every item of foreach "${target.loop}"; read steps.${target.loop}.output.results (one entry per item) instead`;
  }
  if (target.loop !== undefined && target.loop === self.loop) {
    return target.bodyIndex! < self.bodyIndex!
      ? undefined
      : `step "${id}" runs after this step in each item of foreach "${self.loop}", so its output is not available yet`;
  }
  if (self.loop !== undefined && target.id === self.loop) {
    return `step "${id}" is the foreach running this step; it finishes only after all its items (use item.value for the current item)`;
  }
  if (target.slot < self.slot) return undefined;
  if (target.slot > self.slot) return `step "${id}" runs after this step, so its output is not available yet; move it earlier or reference an earlier step`;
  if (self.parent !== undefined && target.id === self.parent) {
    return `step "${id}" is the parallel step containing this branch; it finishes only after all its branches`;
  }
  if (self.parent !== undefined && target.parent === self.parent) {
    return `step "${id}" is a sibling branch of the same parallel step "${self.parent}"; branches run at the same time, so they cannot read each other's output`;
  }
  return `step "${id}" is a branch of this parallel step and has not run when this step's fields are evaluated`;
}

/** Why a template path is not readable, or undefined. */
function referenceProblem(path: readonly string[], scope: ReferenceScope): string | undefined {
  const [root, name, next] = path;
  if (root === 'inputs') {
    if (name === undefined) return 'name an input, e.g. inputs.principal ("inputs" alone is not a value)';
    if (scope.inputs.includes(name)) return undefined;
    return scope.inputs.length === 0
      ? `inputs.${name} is not declared: this runbook declares no inputs; add it under "inputs:"`
      : `inputs.${name} is not declared${didYouMean(name, scope.inputs)}; declared inputs: ${scope.inputs.join(', ')}`;
  }
  if (root === 'item') {
    if (scope.self.loop === undefined) return 'item is the current item of a foreach, and this is not inside one';
    if (name === 'value' || name === 'index') return undefined;
    return `${name === undefined ? '"item" alone is not a value' : `item.${name} does not exist${didYouMean(name, ['value', 'index'])}`}: write item.value (the item) or item.index (its position from 0)`;
  }
  if (root === 'check') {
    const observed = scope.observing;
    if (!observed) return "check is the latest check of an observe step, readable only in that step's until";
    if (name === undefined) return 'name a field of the check, e.g. check.zero_remaining_access (or check.attempt)';
    if (name === 'attempt') return undefined;
    const problem = outputNameProblem({ id: scope.self.id, action: observed.check.action } as AnyStep, name);
    return problem?.replace(/^action (\S+) \(step "[^"]*"\) has no output/, 'check $1 has no output');
  }
  if (root === 'run') {
    if (name !== undefined && (RUN_CONTEXT_FIELDS as readonly string[]).includes(name)) return undefined;
    const what = name === undefined ? '"run" alone is not a value' : `run.${name} does not exist${didYouMean(name, RUN_CONTEXT_FIELDS)}`;
    return `${what}; run fields: ${RUN_CONTEXT_FIELDS.join(', ')}`;
  }
  if (name === undefined) return 'name a step: steps.<id>.output.<field> or steps.<id>.status';
  const problem = stepReferenceProblem(name, scope);
  if (problem) return problem;
  if (next === 'output') {
    const spec = scope.specs.get(name);
    const field = path[3];
    return spec && field !== undefined ? outputNameProblem(spec, field) : undefined;
  }
  if (next === 'status') return undefined;
  if (next === undefined) return `steps.${name} is not a value: write steps.${name}.output.<field> or steps.${name}.status`;
  return `after steps.${name} write "output" or "status", not "${next}"${didYouMean(next, ['output', 'status'])}`;
}

export function checkTemplate(text: string, path: DocumentPath, scope: ReferenceScope, isWhen: boolean): DocumentProblem[] {
  let references;
  try {
    parseTemplate(text);
    references = templateReferences(text);
  } catch (error) {
    if (error instanceof ExpressionError) return [{ path, offset: error.offset, message: `bad template: ${error.message}` }];
    throw error;
  }
  const problems: DocumentProblem[] = [];
  if (isWhen && wholeTemplateExpression(text) === undefined) {
    // Any other string would be a constant, non-empty and therefore always true.
    problems.push({ path, message: `when must be a single \${{ expression }}, e.g. when: \${{ inputs.notify == true }}; got ${JSON.stringify(text)}` });
  }
  for (const reference of references) {
    const problem = referenceProblem(reference.path, scope);
    if (problem) problems.push({ path, offset: reference.offset, message: problem });
  }
  // Only where the path itself is sound: a comparison with a bad path is already reported.
  for (const comparison of templateComparisons(text)) {
    const [root, id, output, name] = comparison.path;
    if (root !== 'steps' || output !== 'output' || id === undefined || name === undefined || referenceProblem(comparison.path, scope)) continue;
    const spec = scope.specs.get(id);
    const problem = spec && comparedValueProblem(spec, name, comparison.literal);
    if (problem) problems.push({ path, offset: comparison.offset, message: problem });
  }
  return problems;
}


/**
 * The single expression `text` is, or undefined, never throwing: a template with a syntax error is
 * reported once, by {@link checkTemplate}, so the checks that look at its shape stay quiet.
 */
export function soleExpression(text: string): ReturnType<typeof wholeTemplateExpression> {
  try {
    return wholeTemplateExpression(text);
  } catch (error) {
    if (error instanceof ExpressionError) return undefined;
    throw error;
  }
}
