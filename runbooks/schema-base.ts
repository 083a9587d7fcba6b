/**
 * The runbook DSL's building blocks: durations, ids, inputs, retries, controls, the fields every
 * step has, and the first step kinds (action, approval). ./schema-steps.ts builds the other step
 * kinds on them, and ./schema.ts the runbook itself; import from ./schema.ts.
 *
 * Workflow-safe (only zod and common/ are imported); see ./schema.ts about the sandbox.
 */
import { z } from 'zod';
import { ACTION_NAMES } from '../common/actions';
import { BUSINESS_DAYS_REFUSED, parseDuration, parseStepDuration } from '../common/duration';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const INPUT_NAME = /^[a-z][a-z0-9_]*$/;

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

export const StepBase = {
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

