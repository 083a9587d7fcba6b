/**
 * Every message a run accepts, defined once and used by the workflow, the CLI and Slack.
 *
 * Human decisions are Updates, not Signals: each has a validator that refuses an invalid request
 * synchronously (the caller sees why at once) and a refused request never reaches the history.
 *
 * The request checks below are also the first check of those validators: who acts must be one
 * short line of visible text, step ids and event names short and plain, reasons and notes bounded
 * (line breaks allowed), event details small, shallow and free of keys JavaScript gives meaning to.
 * client/runs.ts applies the same checks before sending, so a hostile value never travels.
 *
 * Plain TypeScript (./request-checks.ts), no zod: the workflow sandbox evaluates this module again
 * for every run the worker caches. Refusals keep zod's shape and wording.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { identityProblem } from '../common/identity';
import { LIMITS, limitMessage } from '../common/limits';
import type { ApprovalGateState, DecisionGateState, DecisionSource, RunState, StepState } from '../common/run-state';
import { findForbiddenCharacter, forbiddenCharacterMessage, isBlank, neutraliseForDisplay, shownTextProblem } from '../common/text-safety';
import { accept, codePoints, oneOfField, refuse, requestSchema, stringField, type Field, type FieldResult, type RequestIssue } from './request-checks';

export type { RequestIssue, RequestParse, RequestSchema } from './request-checks';

/** Why a run id, step id or event name cannot be used, or undefined. */
export function referenceProblem(text: string): string | undefined {
  if (isBlank(text)) return 'is required';
  return shownTextProblem(text, 'referenceLength');
}

/** Why a reason or note cannot be recorded, or undefined. Line breaks and tabs are fine. */
export function freeTextProblem(text: string): string | undefined {
  return shownTextProblem(text, 'reasonLength', { allowLineBreaks: true });
}

/**
 * Keys that name something every JavaScript object already has. As keys of event details they
 * would shadow or, for `__proto__`, replace what the run's code reads, so they are refused.
 */
const OBJECT_KEYWORDS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Fields the wait step writes next to the details in its output: details may not pose as them. */
const RESERVED_PAYLOAD_KEYS: ReadonlySet<string> = new Set(['event', 'received_at', 'received_via']);

export interface PayloadProblem {
  /** Where in the details, from their top: `['certificate', 'url']`; empty for the whole. */
  path: Array<string | number>;
  message: string;
}

/**
 * Why the details of an event cannot be delivered, or undefined. Walks the value without
 * recursion, counting the bytes of its JSON as it goes, so its cost is bounded by the size limit
 * whatever the shape, and the nesting limit stops deep values before anything (JSON.stringify
 * included) could overflow the stack.
 */
export function payloadProblem(payload: unknown): PayloadProblem | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { path: [], message: 'must be a JSON object' };
  const pending: Array<{ value: unknown; depth: number; path: Array<string | number> }> = [{ value: payload, depth: 1, path: [] }];
  let bytes = 0;
  const overflows = (added: number): boolean => (bytes += added) > LIMITS.eventPayloadBytes.value;
  const tooBig: PayloadProblem = { path: [], message: `is too large: ${limitMessage('eventPayloadBytes')}` };
  while (pending.length > 0) {
    const { value, depth, path } = pending.pop()!;
    if (value === null || typeof value === 'boolean') {
      if (overflows(5)) return tooBig;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path, message: 'is not a finite number' };
      if (overflows(String(value).length)) return tooBig;
    } else if (typeof value === 'string') {
      // Checked before it is measured: the text is bounded by then, so measuring stays cheap.
      if (overflows(value.length)) return tooBig;
      const found = findForbiddenCharacter(value, { allowLineBreaks: true });
      if (found) return { path, message: forbiddenCharacterMessage(found, { allowLineBreaks: true }) };
      if (overflows(jsonBytes(value) - value.length)) return tooBig;
    } else if (typeof value === 'object') {
      if (depth > LIMITS.eventPayloadNesting.value) return { path, message: `is nested too deeply: ${limitMessage('eventPayloadNesting', depth)}` };
      if (Array.isArray(value)) {
        // Brackets, and a comma after each item (one too many: a harmless overcount).
        if (overflows(2 + value.length)) return tooBig;
        value.forEach((item, index) => pending.push({ value: item, depth: depth + 1, path: [...path, index] }));
        continue;
      }
      const keys = Object.keys(value);
      if (overflows(2 + keys.length * 2)) return tooBig;
      for (const key of keys) {
        if (overflows(key.length)) return tooBig;
        if (OBJECT_KEYWORDS.has(key)) return { path, message: `has the key "${key}", which names a built-in property of every object: use another name` };
        if (depth === 1 && RESERVED_PAYLOAD_KEYS.has(key)) return { path, message: `has the key "${key}", which the run records itself: use another name` };
        if (isBlank(key)) return { path, message: 'has an empty key' };
        const problem = referenceProblem(key);
        if (problem) return { path, message: `has a key that ${problem}` };
        if (overflows(jsonBytes(key) - key.length)) return tooBig;
        pending.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: [...path, key] });
      }
    } else {
      return { path, message: `holds ${value === undefined ? 'undefined' : `a ${typeof value}`}, which JSON cannot carry` };
    }
  }
  return undefined;
}

/** Bytes of `text` as a JSON string in UTF-8, quotes and escapes included. */
function jsonBytes(text: string): number {
  let bytes = 2;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x22 || code === 0x5c || code === 0x0a || code === 0x09) bytes += 2;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** The problem `check` finds in the text (if any), as an issue of the field. */
function textProblem(text: string, problem: string | undefined): FieldResult {
  return problem ? refuse(text, 'custom', problem) : accept(text);
}

/** Identities are checked as sent (a line break at either end is refused too), blanks are missing; the result is trimmed. */
const Actor: Field = {
  check: stringField((actor) => {
    const trimmed = actor.trim();
    if (trimmed === '') return refuse(trimmed, 'too_small', 'actor is required (who is doing this)');
    return { ...textProblem(actor, identityProblem(actor)), value: trimmed };
  }),
};
const Reference: Field = { check: stringField((text) => textProblem(text, referenceProblem(text))) };
const FreeText: Field = { check: stringField((text) => textProblem(text, freeTextProblem(text))), optional: true };
const Source: Field = { check: oneOfField(['cli', 'slack', 'api'] satisfies DecisionSource[]) };
/** Checked on the value as received (a `__proto__` key included), never on a copy. */
const Payload: Field = {
  check: (payload) => {
    const problem = payloadProblem(payload);
    return problem ? refuse(payload, 'custom', problem.message, problem.path) : accept(payload);
  },
  optional: true,
};

const SUMMARY_HASH_REQUIRED = 'summarySha256 is required: quote the hash of the summary you were shown (the gate publishes it)';

export interface DecisionRequest {
  stepId: string;
  /** The identity on its surface: a Slack user id, the CLI's `--as` name. */
  actor: string;
  decision: 'approve' | 'reject';
  via: DecisionSource;
  reason?: string;
  /**
   * sha256 of the gate summary the decider was shown (the gate publishes it). Its format and
   * freshness are checked by the validator, after the step itself, so a wrong step is named first.
   */
  summarySha256: string;
}
export const DecisionRequest = requestSchema<DecisionRequest>({
  stepId: Reference,
  actor: Actor,
  decision: { check: oneOfField(['approve', 'reject']) },
  via: Source,
  reason: FreeText,
  // One message for a missing, mistyped or overlong hash (as before); the validator checks its format.
  summarySha256: {
    check: stringField((hash) => (codePoints(hash) > 200 ? refuse(hash, 'too_big', SUMMARY_HASH_REQUIRED) : accept(hash)), SUMMARY_HASH_REQUIRED),
  },
});

const QUESTION_HASH_REQUIRED = 'questionSha256 is required: quote the hash of the question you were shown (the decision publishes it)';

export interface AnswerRequest {
  stepId: string;
  actor: string;
  /** The id of the chosen option (`false-positive`). */
  option: string;
  via: DecisionSource;
  reason?: string;
  /** Values for the decision's declared form fields; checked against the declaration by the validator. */
  fields?: Record<string, unknown>;
  /** sha256 of the question the person was shown, as an approval quotes its summary's. */
  questionSha256: string;
}
export const AnswerRequest = requestSchema<AnswerRequest>({
  stepId: Reference,
  actor: Actor,
  option: Reference,
  via: Source,
  reason: FreeText,
  fields: Payload,
  questionSha256: {
    check: stringField((hash) => (codePoints(hash) > 200 ? refuse(hash, 'too_big', QUESTION_HASH_REQUIRED) : accept(hash)), QUESTION_HASH_REQUIRED),
  },
});

export interface EventDelivery {
  event: string;
  actor: string;
  via: DecisionSource;
  payload?: Record<string, unknown>;
}
export const EventDelivery = requestSchema<EventDelivery>({ event: Reference, actor: Actor, via: Source, payload: Payload });

export interface ManualCompletion {
  stepId: string;
  actor: string;
  via: DecisionSource;
  note?: string;
  /** Values for the task's declared `outputs:`; checked against the declaration by the validator. */
  fields?: Record<string, unknown>;
}
export const ManualCompletion = requestSchema<ManualCompletion>({ stepId: Reference, actor: Actor, via: Source, note: FreeText, fields: Payload });

export interface CancelRequest {
  actor: string;
  via: DecisionSource;
  /** Required, and trimmed. */
  reason: string;
}
export const CancelRequest = requestSchema<CancelRequest>({
  actor: Actor,
  via: Source,
  reason: {
    check: stringField((text) => {
      const reason = text.trim();
      const issues: RequestIssue[] = [];
      if (reason === '') issues.push({ code: 'too_small', path: [], message: 'a reason is required to cancel a run' });
      const problem = freeTextProblem(reason);
      if (problem) issues.push({ code: 'custom', path: [], message: problem });
      return { value: reason, issues };
    }),
  },
});

/** Current state of the run: every step, its status, actor, output and the audit trail. */
export const runStateQuery = defineQuery<RunState>('runState');

/** Approve or reject an approval gate. Returns the gate as it stands after the decision. */
export const decideApprovalUpdate = defineUpdate<ApprovalGateState, [DecisionRequest]>('decideApproval');

/** Answer a decision step with one of its options. Returns the decision as it stands after the answer. */
export const answerDecisionUpdate = defineUpdate<DecisionGateState, [AnswerRequest]>('answerDecision');

/** Deliver a named event (e.g. vendor-deletion-confirmed) that a `wait` step is waiting for. */
export const deliverEventUpdate = defineUpdate<StepState | { buffered: true; event: string }, [EventDelivery]>('deliverEvent');

/** Acknowledge a manual task as done. */
export const completeManualUpdate = defineUpdate<StepState, [ManualCompletion]>('completeManual');

/** Stop the run and undo its compensable steps, newest first. */
export const cancelRunUpdate = defineUpdate<{ accepted: true }, [CancelRequest]>('cancelRun');

/**
 * Formats a refusal's issues as "field: problem; field: problem" for validator rejections. Made
 * visible as a whole: stray keys are repeated as they were sent, and a refusal must not carry what
 * it refuses.
 */
export function describeIssues(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return neutraliseForDisplay(error.issues.map((issue) => `${issue.path.map(String).join('.') || 'request'}: ${issue.message}`).join('; '));
}
