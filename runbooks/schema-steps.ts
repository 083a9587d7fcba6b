/**
 * The runbook DSL's step kinds beyond action and approval: decisions and their forms, end, wait,
 * manual, sleep, observe, sub-runbooks, loops, severity, sequences and parallel steps, and the
 * union every step of a runbook is. Import from ./schema.ts.
 *
 * Workflow-safe (only zod and common/ are imported); see ./schema.ts about the sandbox.
 */
import { z } from 'zod';
import { ActionCall, ActionStep, ApprovalStep, Duration, INPUT_NAME, KebabId, SEVERITIES, StepBase, StepDuration } from './schema-base';

/** Output keys a step writes itself; a declared field may not pose as one of them. */
export const DECISION_OUTPUT_KEYS = ['choice', 'label', 'answered_by', 'answered_at'] as const;
export const WAIT_OUTPUT_KEYS = ['event', 'received_at', 'received_via'] as const;
export const MANUAL_OUTPUT_KEYS = ['done_by', 'note'] as const;
export const FORM_FIELDS_MAX = 20;
export const DECISION_OPTIONS_MAX = 10;

/** A value a human fills in: a decision's form field (and, later, a task's declared output). */
export const FormFieldSpec = z.strictObject({
  type: z.enum(['string', 'number', 'boolean', 'datetime']),
  required: z.boolean().optional(),
  enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
  description: z.string().optional(),
});

/** Fields people fill in; `reserved` are the output keys the step writes itself. */
const formFields = (reserved: readonly string[], whose: string) =>
  z.record(z.string().regex(INPUT_NAME, { message: 'field names must be snake_case' }), FormFieldSpec).superRefine((fields, ctx) => {
    const names = Object.keys(fields);
    if (names.length > FORM_FIELDS_MAX) ctx.addIssue({ code: 'custom', message: `at most ${FORM_FIELDS_MAX} fields` });
    for (const name of names) {
      if (reserved.includes(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `field "${name}" would hide ${whose} own ${name}: use another name (reserved: ${reserved.join(', ')})` });
      }
      const spec = fields[name]!;
      if (spec.enum && spec.type !== 'string' && spec.type !== 'number') {
        ctx.addIssue({ code: 'custom', path: [name, 'enum'], message: 'enum applies only to string and number fields' });
      }
    }
  });

/**
 * A question with named options (`confirmed: Confirmed compromise`), answered by people the approval
 * policy allows; the chosen option is `steps.<id>.output.choice` and later steps branch on it with
 * `when`. Nobody who requested the run answers unless `requester_may_answer` says they may.
 */
export const DecisionSpec = z
  .strictObject({
    question: z.string().min(1),
    options: z.record(KebabId('option id'), z.string().min(1)),
    deciders: z.union([z.array(z.string().min(1)).min(1), z.record(z.string().min(1), z.int().min(1).max(10))]),
    quorum: z.int().min(1).max(10).optional(),
    requester_may_answer: z.boolean().optional(),
    fields: formFields(DECISION_OUTPUT_KEYS, "the answer's").optional(),
    timeout: StepDuration,
    on_timeout: z.enum(['fail', 'default', 'escalate']).default('fail'),
    default: KebabId('option id').optional(),
    escalate_to: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((spec, ctx) => {
    const options = Object.keys(spec.options);
    if (options.length < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a decision needs at least two options' });
    if (options.length > DECISION_OPTIONS_MAX) ctx.addIssue({ code: 'custom', path: ['options'], message: `a decision has at most ${DECISION_OPTIONS_MAX} options` });
    if (!Array.isArray(spec.deciders)) {
      const counts = Object.values(spec.deciders);
      if (counts.length === 0) ctx.addIssue({ code: 'custom', path: ['deciders'], message: 'deciders names no group' });
      if (spec.quorum !== undefined) ctx.addIssue({ code: 'custom', path: ['quorum'], message: "with a count per group, each group's count is its quorum: drop quorum" });
    }
    if (spec.on_timeout === 'default' && spec.default === undefined) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'on_timeout: default needs default (the option chosen when nobody answers)' });
    }
    if (spec.default !== undefined && !options.includes(spec.default)) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: `default "${spec.default}" is not one of the options (${options.join(', ')})` });
    }
    if (spec.on_timeout === 'escalate' && !spec.escalate_to) {
      ctx.addIssue({ code: 'custom', path: ['escalate_to'], message: 'on_timeout: escalate needs escalate_to (who to escalate to)' });
    }
  });

export const DecisionStep = z.strictObject({ ...StepBase, decision: DecisionSpec });

/**
 * Completes the run here with a named outcome (`false-positive`): later steps are skipped and
 * nothing is compensated. Usually guarded by `when` on a decision's answer.
 */
export const EndStep = z.strictObject({
  ...StepBase,
  end: z.strictObject({ outcome: KebabId('outcome'), summary: z.string().min(1).optional() }),
});

export const WaitSpec = z.strictObject({
  event: KebabId('event name'),
  timeout: StepDuration.optional(),
  remind_every: Duration.optional(),
  /** The details the event must carry, typed: `steps.<id>.output.<name>`. Without it any details are taken. */
  outputs: formFields(WAIT_OUTPUT_KEYS, "the event's").optional(),
});

export const WaitStep = z.strictObject({ ...StepBase, wait: WaitSpec });

export const ManualSpec = z.strictObject({
  task: z.string().min(1),
  assignee: z.string().min(1).optional(),
  instructions: z.string().optional(),
  /** What the person reports when done, typed: `steps.<id>.output.<name>` (besides done_by and note). */
  outputs: formFields(MANUAL_OUTPUT_KEYS, "the task's").optional(),
});

export const ManualStep = z.strictObject({ ...StepBase, manual: ManualSpec });

/**
 * A pause on the clock: `for` a duration, or `until` an absolute time (an ISO time, usually a
 * template such as `${{ inputs.embargo_ends }}`). Exactly one of the two.
 */
export const SleepSpec = z
  .strictObject({ for: StepDuration.optional(), until: z.string().min(1).optional() })
  .superRefine((spec, ctx) => {
    if ((spec.for === undefined) === (spec.until === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'sleep needs exactly one of for (a duration) and until (an ISO time)' });
    }
  });

export const SleepStep = z.strictObject({ ...StepBase, sleep: SleepSpec });

/**
 * An observation window: runs `check` (an action that changes nothing it would have to undo)
 * every `every` for `for`, until `until` (a `${{ }}` expression over `check`, the latest check's
 * output) holds. Either ending is an outcome, not a failure: `steps.<id>.output.outcome` is
 * `condition-met` or `window-elapsed`.
 */
export const ObserveSpec = z.strictObject({
  check: ActionCall,
  every: Duration,
  for: Duration,
  until: z.string().min(1),
});

export const ObserveStep = z.strictObject({ ...StepBase, observe: ObserveSpec });

/**
 * Starts another runbook as a child run (same mode: a tabletop parent never starts a live child),
 * with inputs from the parent; waits for it and makes its outcome and outputs the step's output.
 * Cancelling the parent cancels the child, which undoes its own steps.
 */
export const SubRunbookSpec = z.strictObject({
  id: KebabId('runbook id'),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

export const SubRunbookStep = z.strictObject({ ...StepBase, runbook: SubRunbookSpec });

/**
 * What a `foreach` runs for every item: its own sequence of steps. No parallel, end, wait or
 * nested foreach inside: a wait would take one event for all items, an end would cut the other
 * items off, and nesting makes runs unreadable.
 */
export const ForeachBodyStep = z.union([ActionStep, ApprovalStep, ManualStep, SleepStep, DecisionStep, ObserveStep, SubRunbookStep]);

export const FOREACH_BODY_MAX = 20;
export const FOREACH_CONCURRENCY_MAX = 10;

/**
 * Repeats a sequence of steps for every item of a list (`items`: a template yielding a list, or a
 * literal list), at most `concurrency` items at once. Inside, `${{ item.value }}` is the item and
 * `steps.<inner-id>` the same item's earlier steps. `on_item_failure`: `stop` starts no more items
 * once one fails (the step fails), `continue` works through all and succeeds, `collect` works
 * through all and then fails naming every failed item.
 */
export const ForeachSpec = z.strictObject({
  items: z.union([z.string().min(1), z.array(z.unknown())]),
  concurrency: z.int().min(1).max(FOREACH_CONCURRENCY_MAX).optional(),
  on_item_failure: z.enum(['stop', 'continue', 'collect']).default('stop'),
  steps: z.array(ForeachBodyStep).min(1).max(FOREACH_BODY_MAX),
});

export const ForeachStep = z.strictObject({ ...StepBase, foreach: ForeachSpec });

/** Steps that may appear as branches of a `parallel` step (no nesting: keeps runs readable). */
/**
 * Re-grades the run's severity (`to`: a severity, or a template yielding one, e.g. a decision's
 * answer): the QuellSeverity search attribute, Slack's root message, `run.severity` in later
 * templates and durations given by severity all follow it.
 */
export const SeverityStep = z.strictObject({
  ...StepBase,
  severity: z.strictObject({
    to: z.string().superRefine((value, ctx) => {
      if (value.includes('${{') || (SEVERITIES as readonly string[]).includes(value)) return;
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a severity: write ${SEVERITIES.join(', ')} or a template that yields one` });
    }),
    reason: z.string().min(1).optional(),
  }),
});

/** What a `sequence` runs, in order: any step but parallel, end, foreach and another sequence. */
export const SequenceBodyStep = z.union([ActionStep, ApprovalStep, WaitStep, ManualStep, SleepStep, DecisionStep, ObserveStep, SubRunbookStep, SeverityStep]);

export const SEQUENCE_MAX = 50;

/** Steps run one after another as one step: a branch of a parallel step, or a background group. */
export const SequenceStep = z.strictObject({ ...StepBase, sequence: z.array(SequenceBodyStep).min(1).max(SEQUENCE_MAX) });

export const BranchStep = z.union([ActionStep, ApprovalStep, WaitStep, ManualStep, SleepStep, DecisionStep, ObserveStep, SubRunbookStep, SequenceStep, SeverityStep]);

export const ParallelStep = z.strictObject({ ...StepBase, parallel: z.array(BranchStep).min(2) });

export const Step = z.union([ActionStep, ApprovalStep, ParallelStep, WaitStep, ManualStep, SleepStep, DecisionStep, EndStep, ForeachStep, ObserveStep, SubRunbookStep, SequenceStep, SeverityStep]);

