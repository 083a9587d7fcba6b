/**
 * What `steps.<id>.output.<name>` may name: the outputs each kind of step writes. A decision
 * writes its choice and its declared form fields, a sleep when it woke, an `end` its outcome; an
 * action what its catalogue entry declares (`output`). A wait's output is the event's details, so
 * any name may follow the three it writes itself. The linter refuses a name the step cannot
 * produce, and a comparison of a decision's choice (or an enum field) with a value it cannot take.
 *
 * Workflow-safe: zod and common/ only.
 */
import type { z } from 'zod';
import { ACTION_CATALOGUE } from '../common/actions';
import { didYouMean } from '../common/suggest';
import { DECISION_OUTPUT_KEYS, MANUAL_OUTPUT_KEYS, WAIT_OUTPUT_KEYS, type RunbookBranchStep, type RunbookStep } from './schema';
import { stepKind } from './step-kind';

type AnyStep = RunbookStep | RunbookBranchStep;

export interface KnownOutputs {
  names: string[];
  /** Other names may appear too (a wait's event details, an action that declares no shape). */
  open: boolean;
}

export const SLEEP_OUTPUT_KEYS = ['woke_at', 'slept_ms', 'until'] as const;
export const END_OUTPUT_KEYS = ['outcome', 'summary'] as const;
export const OBSERVE_OUTPUT_KEYS = ['outcome', 'checks', 'last_checked_at', 'met_at', 'last'] as const;
export const SUB_RUNBOOK_OUTPUT_KEYS = ['workflow_id', 'status', 'outcome', 'outputs'] as const;
export const FOREACH_OUTPUT_KEYS = ['results', 'total', 'succeeded', 'failed', 'skipped'] as const;

export function knownOutputs(step: AnyStep): KnownOutputs {
  if ('decision' in step) return { names: [...DECISION_OUTPUT_KEYS, ...Object.keys(step.decision.fields ?? {})], open: false };
  if ('sleep' in step) return { names: [...SLEEP_OUTPUT_KEYS], open: false };
  if ('end' in step) return { names: [...END_OUTPUT_KEYS], open: false };
  if ('foreach' in step) return { names: [...FOREACH_OUTPUT_KEYS], open: false };
  if ('observe' in step) return { names: [...OBSERVE_OUTPUT_KEYS], open: false };
  if ('runbook' in step) return { names: [...SUB_RUNBOOK_OUTPUT_KEYS], open: false };
  if ('severity' in step) return { names: ['from', 'to', 'changed', 'reason'], open: false };
  // Without a declaration a wait takes any details, so any name may be among them.
  if ('wait' in step) return { names: [...WAIT_OUTPUT_KEYS, ...Object.keys(step.wait.outputs ?? {})], open: step.wait.outputs === undefined };
  if ('manual' in step) return { names: [...MANUAL_OUTPUT_KEYS, ...Object.keys(step.manual.outputs ?? {})], open: false };
  if ('action' in step) {
    const shape = (ACTION_CATALOGUE[step.action] as { output?: z.ZodObject }).output;
    return shape ? { names: Object.keys(shape.shape), open: false } : { names: [], open: true };
  }
  return { names: [], open: false };
}

/** Why `steps.<id>.output.<name>` names nothing the step produces, or undefined. */
export function outputNameProblem(step: AnyStep, name: string): string | undefined {
  const known = knownOutputs(step);
  if (known.open || known.names.includes(name)) return undefined;
  const kind = stepKind(step);
  if (known.names.length === 0) return `${kind} step "${step.id}" has no output, so steps.${step.id}.output.${name} is never set`;
  const what = 'action' in step ? `action ${step.action} (step "${step.id}")` : `${kind} step "${step.id}"`;
  return `${what} has no output "${name}"${didYouMean(name, known.names)}; its outputs: ${known.names.join(', ')}`;
}

/**
 * Why comparing `steps.<id>.output.<name>` with `literal` can never be true, or undefined: a
 * decision's choice is one of its option ids, an enum field one of its values.
 */
export function comparedValueProblem(step: AnyStep, name: string, literal: unknown): string | undefined {
  if (!('decision' in step)) return undefined;
  if (name === 'choice') {
    const options = Object.keys(step.decision.options);
    if (typeof literal === 'string' && options.includes(literal)) return undefined;
    const shown = JSON.stringify(literal);
    return `decision "${step.id}" has no option ${shown}${typeof literal === 'string' ? didYouMean(literal, options) : ''}; its options: ${options.join(', ')}`;
  }
  const field = step.decision.fields?.[name];
  if (field?.enum && literal !== null && !field.enum.includes(literal as string | number)) {
    return `field ${name} of decision "${step.id}" is one of ${field.enum.join(', ')}, never ${JSON.stringify(literal)}`;
  }
  return undefined;
}
