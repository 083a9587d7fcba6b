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
import { LIMITS, limitMessage } from '../common/limits';
import { LANGUAGE_VERSION } from '../common/language-version';
import { ActionStep, ApprovalStep, Duration, INPUT_NAME, InputSpec, KebabId, RetrySpec, SEVERITIES } from './schema-base';
import { BranchStep, DecisionStep, EndStep, ForeachBodyStep, ForeachStep, FormFieldSpec, ManualStep, ObserveStep, ParallelStep, SequenceStep, SeverityStep, SleepStep, Step, SubRunbookStep, WaitStep } from './schema-steps';

export * from './schema-base';
export * from './schema-steps';

export const RunbookSchema = z.strictObject({
  id: KebabId('runbook id'),
  version: z.int().min(1),
  /** The runbook language it is written in (runbooks/language.ts); the newest when not given. */
  language: z
    .int()
    .min(1)
    .refine((value) => value <= LANGUAGE_VERSION, { message: `this Quell reads runbook language 1 to ${LANGUAGE_VERSION}; upgrade Quell to run a newer runbook` })
    .optional(),
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
