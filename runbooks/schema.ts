/**
 * The runbook DSL: the single source of truth for what a runbook may say.
 *
 * Types are inferred from these schemas; the editor JSON Schema (runbook.schema.json) is generated
 * from them. Every object is strict, so a misspelt key is an error rather than silently ignored.
 * Semantic checks that need the whole document (unique step ids, template references, action
 * `with` keys) live in ./semantics.ts.
 *
 * Workflow-safe (only zod and common/ are imported), but kept out of the workflow sandbox: workflows
 * import its types only (`import type`), and the few runtime helpers they need live in zod-free
 * modules (./step-kind.ts). Every module a workflow imports is evaluated again for each cached run.
 */
import { z } from 'zod';
import { ACTION_NAMES } from '../common/actions';
import { BUSINESS_DAYS_REFUSED, parseDuration, parseStepDuration } from '../common/duration';
import { LIMITS, limitMessage } from '../common/limits';

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const INPUT_NAME = /^[a-z][a-z0-9_]*$/;

export const Duration = z.string().superRefine((value, ctx) => {
  const parsed = parseDuration(value);
  // Business days refused as a format issue, which is explained with the field's name in front ("initial_interval must be ...").
  if (!parsed.ok) ctx.addIssue(parseStepDuration(value).ok ? { code: 'invalid_format', format: 'duration', message: BUSINESS_DAYS_REFUSED } : { code: 'custom', message: parsed.message });
});

/** A step's duration as written: it may count business days (`3bd`, `1bd4h`); a template is left for the step's start. */
const stepDurationText = (templates: boolean) =>
  z.string().superRefine((value, ctx) => {
    const parsed = templates && value.includes('${{') ? undefined : parseStepDuration(value);
    if (parsed && !parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });
const LiteralStepDuration = stepDurationText(false);

/**
 * How long a step waits, decided when it starts: a duration (`4h`, or business days `3bd`,
 * `1bd4h`), a template yielding one (`${{ inputs.approval_window }}`), or one per run severity with
 * a default (`{ critical: 15m, high: 1h, default: 4h }`).
 */
export const StepDuration = z.union([
  stepDurationText(true),
  z
    .strictObject({ critical: LiteralStepDuration.optional(), high: LiteralStepDuration.optional(), medium: LiteralStepDuration.optional(), low: LiteralStepDuration.optional(), default: LiteralStepDuration.optional() })
    .superRefine((value, ctx) => {
      const given = ['critical', 'high', 'medium', 'low'].filter((key) => value[key as keyof typeof value] !== undefined);
      if (value.default === undefined && given.length < 4) {
        ctx.addIssue({ code: 'custom', path: ['default'], message: 'a duration by severity needs default (for the severities it does not list)' });
      }
    }),
]);

/** A kebab-case identifier; `what` names it in the message (also used by drill scenarios). */
export const KebabId = (what: string) =>
  z.string().regex(KEBAB, { message: `${what} must be kebab-case (lowercase letters, digits and single hyphens)` });

/** Phases in the order an incident passes through them (NIST SP 800-61's life cycle). */
export const INCIDENT_PHASES = ['detect', 'contain', 'eradicate', 'recover'] as const;
export type IncidentPhase = (typeof INCIDENT_PHASES)[number];

/** `datetime`: an ISO 8601 time with a date, time of day and offset (`2026-12-31T09:00:00Z`), kept as given. */
export const InputType = z.enum(['string', 'number', 'boolean', 'list', 'datetime']);

export const InputSpec = z
  .strictObject({
    type: InputType,
    required: z.boolean().optional(),
    description: z.string().optional(),
    default: z.unknown().optional(),
    pattern: z.string().optional(),
    enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
    items: z.enum(['string', 'number']).optional(),
    /** Kept out of dossiers and exports (shown as redacted); the codec still encrypts every input. */
    sensitive: z.boolean().optional(),
  })
  .superRefine((spec, ctx) => {
    // Whether the pattern compiles (in the linear-time engine it runs in) is checked by semantics.ts.
    if (spec.pattern !== undefined && spec.type !== 'string' && !(spec.type === 'list' && spec.items !== 'number')) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'pattern applies only to string inputs and lists of strings' });
    }
    if (spec.items !== undefined && spec.type !== 'list') {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'items applies only to inputs of type list' });
    }
  });

export const RetrySpec = z.strictObject({
  max_attempts: z.int().min(1).max(100),
  initial_interval: Duration.optional(),
  backoff: z.number().min(1).max(10).optional(),
  max_interval: Duration.optional(),
});

/** What a control id may be: SOC2:CC7.4, ISO27001:A.5.26, NIST-800-61r3:RS.MA. */
const CONTROL_ID = /^[A-Za-z0-9][A-Za-z0-9.:_/-]*$/;
export const CONTROL_ID_MAX_LENGTH = 64;
export const CONTROLS_PER_STEP = 20;

export const ControlId = z
  .string()
  .max(CONTROL_ID_MAX_LENGTH, { message: `a control id is at most ${CONTROL_ID_MAX_LENGTH} characters` })
  .regex(CONTROL_ID, { message: 'a control id starts with a letter or digit and holds only letters, digits and . : _ - / (e.g. SOC2:CC7.4)' });

/** The compliance controls a step helps satisfy; the audit dossier and `quell audit list --control` read them. */
export const Controls = z
  .array(ControlId)
  .max(CONTROLS_PER_STEP, { message: `a step lists at most ${CONTROLS_PER_STEP} controls` })
  .superRefine((ids, ctx) => {
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `control "${id}" is listed twice in this step` });
    });
  });

const StepBase = {
  id: KebabId('step id'),
  title: z.string().min(1).optional(),
  when: z.string().min(1).optional(),
  timeout: StepDuration.optional(),
  retry: RetrySpec.optional(),
  on_error: z.enum(['fail', 'continue']).optional(),
  /** The incident-response phase the step belongs to; the dossier times each phase from these. */
  phase: z.enum(INCIDENT_PHASES).optional(),
  controls: Controls.optional(),
  /**
   * Top-level steps only: start the step and go straight on; the run waits for it before the step
   * named by `join`, or before it ends (`true`). Legal's 72-hour clock runs beside containment.
   */
  background: z.union([z.literal(true), z.strictObject({ join: KebabId('step id') })]).optional(),
};

export const ActionName = z.enum(ACTION_NAMES);

export const ActionCall = z.strictObject({
  action: ActionName,
  with: z.record(z.string(), z.unknown()).optional(),
});

export const ActionStep = z.strictObject({
  ...StepBase,
  action: ActionName,
  with: z.record(z.string(), z.unknown()).optional(),
  compensate: ActionCall.optional(),
});

export const ApprovalSpec = z
  .strictObject({
    /** Groups, any of whose members count toward `quorum`; or each group with how many of its members must approve. */
    approvers: z.union([z.array(z.string().min(1)).min(1), z.record(z.string().min(1), z.int().min(1).max(10))]),
    quorum: z.int().min(1).max(10).optional(),
    timeout: StepDuration,
    on_timeout: z.enum(['reject', 'approve', 'escalate']).default('reject'),
    escalate_to: z.array(z.string().min(1)).min(1).optional(),
    summary: z.string().min(1),
  })
  .superRefine((spec, ctx) => {
    if (!Array.isArray(spec.approvers)) {
      const counts = Object.values(spec.approvers);
      if (counts.length === 0) ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'approvers names no group' });
      if (spec.quorum !== undefined) ctx.addIssue({ code: 'custom', path: ['quorum'], message: "with a count per approver group, each group's count is its quorum: drop quorum" });
      const total = counts.reduce((sum, count) => sum + count, 0);
      if (total > 10) ctx.addIssue({ code: 'custom', path: ['approvers'], message: `the groups' counts add up to ${total} approvals; at most 10` });
    }
    if (spec.on_timeout === 'escalate' && !spec.escalate_to) {
      ctx.addIssue({ code: 'custom', path: ['escalate_to'], message: 'on_timeout: escalate needs escalate_to (who to escalate to)' });
    }
  });

export const ApprovalStep = z.strictObject({ ...StepBase, approval: ApprovalSpec });

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
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

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

export const RunbookSchema = z.strictObject({
  id: KebabId('runbook id'),
  version: z.int().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  severity: z.enum(SEVERITIES),
  inputs: z.record(z.string().regex(INPUT_NAME, { message: 'input names must be snake_case' }), InputSpec).default({}),
  targets: z
    .strictObject({ contain_within: Duration.optional(), resolve_within: Duration.optional() })
    .optional(),
  steps: z.array(Step).min(1).max(LIMITS.steps.value, { message: `too many steps: ${limitMessage('steps')}` }),
});

export type Runbook = z.infer<typeof RunbookSchema>;
export type RunbookStep = z.infer<typeof Step>;
export type RunbookBranchStep = z.infer<typeof BranchStep>;
export type ActionStepSpec = z.infer<typeof ActionStep>;
export type ApprovalStepSpec = z.infer<typeof ApprovalStep>;
export type ParallelStepSpec = z.infer<typeof ParallelStep>;
export type WaitStepSpec = z.infer<typeof WaitStep>;
export type ManualStepSpec = z.infer<typeof ManualStep>;
export type SleepStepSpec = z.infer<typeof SleepStep>;
export type DecisionStepSpec = z.infer<typeof DecisionStep>;
export type EndStepSpec = z.infer<typeof EndStep>;
export type ForeachStepSpec = z.infer<typeof ForeachStep>;
export type ObserveStepSpec = z.infer<typeof ObserveStep>;
export type SubRunbookStepSpec = z.infer<typeof SubRunbookStep>;
export type SequenceStepSpec = z.infer<typeof SequenceStep>;
export type SeverityStepSpec = z.infer<typeof SeverityStep>;
export type ForeachBodyStepSpec = z.infer<typeof ForeachBodyStep>;
export type FormFieldSpecType = z.infer<typeof FormFieldSpec>;
export type InputSpecType = z.infer<typeof InputSpec>;
export type RetrySpecType = z.infer<typeof RetrySpec>;
