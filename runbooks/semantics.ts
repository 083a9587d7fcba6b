/**
 * Whole-document checks on a runbook that already passed the schema: things a per-field schema
 * cannot see. Step ids are unique, every action's `with` fits the action catalogue, compensations
 * really undo their step, and every `${{ }}` template parses and reads only things that exist
 * when it is evaluated (declared inputs, run fields, steps that have already run).
 *
 * Returns problems with document paths; runbooks/load.ts turns them into file:line:col.
 * Workflow-safe: zod and common/ only.
 */
import { z } from 'zod';
import { ACTION_CATALOGUE, type ActionName } from '../common/actions';
import { ISO_TIME_EXAMPLE, parseIsoTime } from '../common/iso-time';
import { actionWithSchema } from '../connectors/with-schemas';
import { hasTemplate, parseTemplate } from '../common/expression';
import { parseDuration } from '../common/duration';
import { LIMITS, limitMessage } from '../common/limits';
import { hasOwnKey } from '../common/own';
import { hasUrlCredentials, urlCredentialsRefusal } from '../common/url-credentials';
import { didYouMean } from '../common/suggest';
import { explainIssues, type DocumentPath, type DocumentProblem } from '../config/yaml/explain-issues';
import { checkInputs } from './input-checks';
import type { Runbook } from './schema';
import { approverGroupsOf } from './approver-groups';
import { checkFlow } from './flow-checks';
import { checkLanguage } from './language';
import { duplicateIds, placeSteps, type AnyStep, type StepPlace } from './step-places';
import { checkForeachItems } from './foreach-checks';
import { checkTemplate, soleExpression, stringsIn, templateFields, type ReferenceScope } from './template-checks';

export type { DocumentPath, DocumentProblem } from '../config/yaml/explain-issues';
export { inputValueProblem } from './input-checks';

// ---------------------------------------------------------------------------------------------
// Actions: `with` against the catalogue, compensations against `undoneBy`

/** Whether a value (or anything inside it) is a template, so its type is only known at run time. */
function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsTemplate);
  return false;
}

function isOptional(field: z.ZodType): boolean {
  return field.safeParse(undefined).success;
}

function checkWith(action: ActionName, withBlock: Record<string, unknown> | undefined, ownerPath: DocumentPath): DocumentProblem[] {
  const schema = actionWithSchema(action);
  const shape = schema.shape as Record<string, z.ZodType>;
  const allowed = Object.keys(shape);
  const required = allowed.filter((key) => !isOptional(shape[key]));
  const withPath = [...ownerPath, 'with'];
  const given = withBlock ?? {};
  const problems: DocumentProblem[] = [];

  for (const [key, value] of Object.entries(given)) {
    // Own keys only: `toString` or `constructor` in `with` must be an unknown key, not Object's method.
    const field = hasOwnKey(shape, key) ? shape[key] : undefined;
    if (field === undefined) {
      problems.push({
        path: [...withPath, key],
        at: 'key',
        message: `action "${action}" has no input "${key}"${didYouMean(key, allowed)}; allowed keys: ${allowed.join(', ')}`,
      });
    } else if (!containsTemplate(value)) {
      // Literal values can be checked now; templated ones are checked by the activity at run time.
      const result = field.safeParse(value);
      if (!result.success) problems.push(...explainIssues(result.error.issues, value, field, [...withPath, key]));
    }
  }
  problems.push(...crossFieldProblems(action, given, withPath));
  const missing = required.filter((key) => !Object.prototype.hasOwnProperty.call(given, key));
  if (missing.length > 0) {
    const keys = missing.map((key) => `"${key}"`).join(', ');
    problems.push({
      // Point at the `with` mapping if there is one, else at the step (or compensate) itself.
      path: withBlock ? withPath : ownerPath,
      message: `action "${action}" needs ${keys} in with (required: ${required.join(', ')})`,
    });
  }
  return problems;
}

/**
 * Rules that tie fields together, which the per-field checks above cannot see: the catalogue's
 * schemas state them too (refinements), for the values a run finally computes.
 */
function crossFieldProblems(action: ActionName, given: Record<string, unknown>, withPath: DocumentPath): DocumentProblem[] {
  if (action === 'notify' && given.channel === 'email') {
    const to = given.to;
    if (to === undefined || (Array.isArray(to) && to.length === 0)) {
      return [{ path: to === undefined ? withPath : [...withPath, 'to'], message: 'channel email needs at least one address in to: e-mail has no default recipient' }];
    }
  }
  if (action === 'vendor.request' && given.kind === 'other' && given.details === undefined) {
    return [{ path: withPath, message: 'kind other needs details saying what is asked: the vendor has nothing else to go by' }];
  }
  if (action === 'evidence.collect' && hasOwnKey(given, 'since') && hasOwnKey(given, 'window')) {
    return [{ path: [...withPath, 'since'], message: 'give either since (a start time, up to now) or window (a duration back from now), not both' }];
  }
  return [];
}

/**
 * Fields that name groups or people are taken literally (the engine looks the names up in the
 * approvers file); a template there would silently become a group called "${{ inputs.x }}".
 */
function checkLiteralNames(step: AnyStep, path: DocumentPath): DocumentProblem[] {
  const named: Array<{ text: string; path: DocumentPath; what: string }> = [];
  if ('approval' in step) {
    approverGroupsOf(step.approval).forEach((group, index) =>
      named.push({ text: group, path: [...path, 'approval', 'approvers', Array.isArray(step.approval.approvers) ? index : group], what: 'approvers names approver groups' }),
    );
    (step.approval.escalate_to ?? []).forEach((group, index) => named.push({ text: group, path: [...path, 'approval', 'escalate_to', index], what: 'escalate_to names approver groups' }));
  }
  if ('decision' in step) {
    const { deciders } = step.decision;
    approverGroupsOf({ approvers: deciders }).forEach((group, index) =>
      named.push({ text: group, path: [...path, 'decision', 'deciders', Array.isArray(deciders) ? index : group], what: 'deciders names approver groups' }),
    );
    (step.decision.escalate_to ?? []).forEach((group, index) => named.push({ text: group, path: [...path, 'decision', 'escalate_to', index], what: 'escalate_to names approver groups' }));
  }
  if ('manual' in step && step.manual.assignee !== undefined) {
    named.push({ text: step.manual.assignee, path: [...path, 'manual', 'assignee'], what: 'assignee names who does the task' });
  }
  return named
    .filter(({ text }) => hasTemplate(text))
    .map(({ text, path: at, what }) => ({
      path: at,
      offset: text.indexOf('${{'),
      message: `${what} literally and cannot hold a template: write the name as it appears in the approvers file (templates are evaluated only in with, when, summary and task)`,
    }));
}

/**
 * A literal `until` must be a time the step can wake at. A template that reads one value must read
 * something that can hold a time: a datetime or text input, a datetime field; other templates are
 * checked when the run computes them.
 */
function checkSleep(step: Extract<AnyStep, { sleep: unknown }>, path: DocumentPath, known: { inputs: Runbook['inputs']; specs: Map<string, AnyStep> }): DocumentProblem[] {
  const until = step.sleep.until;
  if (until === undefined || parseIsoTime(until) !== undefined) return [];
  const at = [...path, 'sleep', 'until'];
  if (!hasTemplate(until)) return [{ path: at, message: `until "${until.slice(0, 60)}" is not an ISO time with a date, time and offset (${ISO_TIME_EXAMPLE}) nor a template that yields one` }];
  const expr = soleExpression(until)?.expr;
  if (expr?.kind !== 'path') return [];
  const [root, name, part, field] = expr.segments.map(String);
  const notATime = (what: string) => [{ path: at, offset: expr.offset, message: `until reads ${what}, which cannot hold a time: give it an ISO time (declare it type: datetime)` }];
  if (root === 'inputs' && name !== undefined) {
    const type = known.inputs[name]?.type;
    return type === undefined || type === 'string' || type === 'datetime' ? [] : notATime(`inputs.${name} (${type})`);
  }
  if (root === 'steps' && name !== undefined && part === 'output' && field !== undefined) {
    const spec = known.specs.get(name);
    const declared = spec && ('decision' in spec ? spec.decision.fields : 'wait' in spec ? spec.wait.outputs : 'manual' in spec ? spec.manual.outputs : undefined);
    const type = declared?.[field]?.type;
    return type === undefined || type === 'string' || type === 'datetime' ? [] : notATime(`steps.${name}.output.${field} (${type})`);
  }
  return [];
}

/** At most this many checks in one observation window: each is an activity in the run's history. */
const OBSERVE_CHECKS_MAX = 500;

/**
 * An observe step's check runs again and again, so it must change nothing it would have to undo;
 * its `with` fits the catalogue; `until` is one expression; the window holds a sane number of checks.
 */
function checkObserve(step: Extract<AnyStep, { observe: unknown }>, path: DocumentPath): DocumentProblem[] {
  const spec = step.observe;
  const at = [...path, 'observe'];
  const problems = checkWith(spec.check.action, spec.check.with, [...at, 'check']);
  const undoneBy: string | undefined = (ACTION_CATALOGUE[spec.check.action] as { undoneBy?: string }).undoneBy;
  if (undoneBy !== undefined) {
    problems.push({ path: [...at, 'check', 'action'], message: `${spec.check.action} changes something (${undoneBy} undoes it), and a check runs again and again: observe with an action that only reads, e.g. identity.access_report` });
  }
  if (!hasTemplate(spec.until) || (soleExpression(spec.until) === undefined && isWellFormed(spec.until))) {
    problems.push({ path: [...at, 'until'], message: `until must be a single \${{ expression }} over the latest check, e.g. until: \${{ check.zero_remaining_access }}; got ${JSON.stringify(spec.until.slice(0, 60))}` });
  }
  const every = parseDuration(spec.every);
  const window = parseDuration(spec.for);
  if (every.ok && window.ok) {
    if (every.ms > window.ms) problems.push({ path: [...at, 'every'], message: `every (${spec.every}) is longer than the window (for: ${spec.for}): the window would see one check` });
    else if (window.ms / every.ms > OBSERVE_CHECKS_MAX) {
      problems.push({ path: [...at, 'every'], message: `a check every ${spec.every} for ${spec.for} is ${Math.floor(window.ms / every.ms)} checks; at most ${OBSERVE_CHECKS_MAX} (check less often)` });
    }
  }
  return problems;
}

/** Temporal refuses a retry policy whose longest wait is shorter than its first one. */
function checkRetry(step: AnyStep, path: DocumentPath): DocumentProblem[] {
  const retry = step.retry;
  if (retry?.initial_interval === undefined || retry.max_interval === undefined) return [];
  const initial = parseDuration(retry.initial_interval);
  const maximum = parseDuration(retry.max_interval);
  if (!initial.ok || !maximum.ok || maximum.ms >= initial.ms) return [];
  return [{ path: [...path, 'retry', 'max_interval'], message: `max_interval (${retry.max_interval}) is shorter than initial_interval (${retry.initial_interval}); the longest wait between attempts cannot be shorter than the first` }];
}

function checkAction(step: Extract<AnyStep, { action: string }>, path: DocumentPath): DocumentProblem[] {
  const problems = [...checkWith(step.action, step.with, path), ...checkRetry(step, path)];
  if (step.compensate) {
    const undoneBy: string | undefined = (ACTION_CATALOGUE[step.action] as { undoneBy?: string }).undoneBy;
    const compensatePath = [...path, 'compensate'];
    if (undoneBy === undefined) {
      problems.push({
        path: [...compensatePath, 'action'],
        message: `action "${step.action}" cannot be undone, so the step cannot have a compensate block; remove it`,
      });
    } else if (step.compensate.action !== undoneBy) {
      problems.push({
        path: [...compensatePath, 'action'],
        message: `compensate must use "${undoneBy}", the action that undoes "${step.action}"; got "${step.compensate.action}"`,
      });
    } else {
      // Only worth checking once the action is right: a wrong action's keys are noise.
      problems.push(...checkWith(step.compensate.action, step.compensate.with, compensatePath));
    }
  }
  return problems;
}

/**
 * Text that no runbook may hold, wherever it is: longer than the limit, or a URL with credentials
 * (a runbook's text is copied into every run's history and into messages people read).
 */
function checkTexts(runbook: Runbook): DocumentProblem[] {
  return stringsIn(runbook, []).flatMap(({ text, path }): DocumentProblem[] => {
    if (text.length > LIMITS.textLength.value) return [{ path, message: `text is too long: ${limitMessage('textLength', text.length)}` }];
    if (hasUrlCredentials(text)) {
      return [{ path, message: `${urlCredentialsRefusal('runbooks hold no secrets: configure the credential in the connectors file, where secrets are given by reference ({ env: NAME } or { file: PATH })')}` }];
    }
    return [];
  });
}

// ---------------------------------------------------------------------------------------------

/**
 * Checks a schema-valid runbook as a whole. Returns every problem found (empty when the runbook
 * is sound), each with the document path it concerns. Pure and deterministic.
 */
export function checkRunbookSemantics(runbook: Runbook): DocumentProblem[] {
  const placed = placeSteps(runbook);
  const places = new Map<string, StepPlace>();
  const specs = new Map<string, AnyStep>();
  for (const { step, place } of placed) {
    if (!places.has(place.id)) places.set(place.id, place);
    if (!specs.has(step.id)) specs.set(step.id, step);
  }
  const inputs = Object.keys(runbook.inputs);

  const problems: DocumentProblem[] = [...checkTexts(runbook), ...checkInputs(runbook.inputs), ...duplicateIds(placed), ...checkFlow(runbook), ...checkLanguage(runbook)];
  if (placed.length > LIMITS.steps.value) {
    problems.push({ path: [...placed[LIMITS.steps.value].place.path, 'id'], message: `too many steps (parallel branches included): ${limitMessage('steps', placed.length)}` });
  }
  for (const { step, place } of placed) {
    if ('action' in step) problems.push(...checkAction(step, place.path));
    problems.push(...checkLiteralNames(step, place.path));
    if ('sleep' in step) problems.push(...checkSleep(step, place.path, { inputs: runbook.inputs, specs }));
    if ('observe' in step) problems.push(...checkObserve(step, place.path));
    if ('foreach' in step) problems.push(...checkForeachItems(step, place.path, { inputs: runbook.inputs, specs }));
    for (const field of templateFields(step, place.path)) {
      const inUntil = 'observe' in step && field.path.length === place.path.length + 2 && field.path[field.path.length - 1] === 'until';
      const scope: ReferenceScope = { inputs, places, specs, self: place, inCompensate: field.inCompensate, ...(inUntil ? { observing: step.observe } : {}) };
      const isWhen = field.path.length === place.path.length + 1 && field.path[field.path.length - 1] === 'when';
      problems.push(...checkTemplate(field.text, field.path, scope, isWhen));
    }
  }
  return problems;
}

/** Whether the templates in `text` parse (a syntax error is reported by the template check). */
function isWellFormed(text: string): boolean {
  try {
    parseTemplate(text);
    return true;
  } catch {
    return false;
  }
}
