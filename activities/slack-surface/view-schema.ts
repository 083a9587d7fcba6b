/**
 * The Slack surface activities' input validation: zod schemas of the views the workflow's
 * publisher sends (their types are in common/publisher-view.ts). Views are checked here, at the
 * edge, and never in the workflow sandbox, where every module is evaluated again for each cached run.
 *
 * Deliberately not strict: a worker running newer code must still accept views from a workflow
 * started on older code. Each schema's output is checked against its type at compile time (below),
 * so the two cannot drift apart.
 */
import { z } from 'zod';
import type * as View from '../../common/publisher-view';

const RunStatusView = z.enum(['running', 'completed', 'failed', 'rejected', 'cancelling', 'cancelled']);
const StepStatusView = z.enum(['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'compensated']);

export const StepLineView = z.object({
  id: z.string(),
  title: z.string().optional(),
  kind: z.enum(['action', 'approval', 'parallel', 'wait', 'manual', 'sleep', 'decision', 'end', 'foreach', 'observe', 'runbook', 'sequence', 'severity']),
  status: StepStatusView,
  parent: z.string().optional(),
  action: z.string().optional(),
  actor: z.string().optional(),
  alreadyDone: z.boolean().optional(),
  error: z.string().optional(),
  skippedBecause: z.string().optional(),
  compensation: z.enum(['succeeded', 'failed']).optional(),
  approvals: z.object({ count: z.number(), quorum: z.number() }).optional(),
  event: z.string().optional(),
  assignee: z.string().optional(),
  wakesAt: z.string().optional(),
  question: z.string().optional(),
  answers: z.object({ count: z.number(), quorum: z.number() }).optional(),
  choice: z.object({ label: z.string(), defaulted: z.boolean() }).optional(),
  items: z.object({ total: z.number(), done: z.number(), failed: z.number(), skipped: z.number() }).optional(),
  checks: z.object({ count: z.number(), outcome: z.enum(['condition-met', 'window-elapsed']).optional() }).optional(),
  child: z.object({ workflowId: z.string(), status: RunStatusView.optional(), outcome: z.string().optional() }).optional(),
});

/** A run's mode; thread requests carry it so that a tabletop run's every message says it is an exercise. */
export const RunModeView = z.enum(['live', 'tabletop']);

export const RootView = z.object({
  workflowId: z.string().min(1),
  title: z.string(),
  runbookId: z.string(),
  runbookVersion: z.number(),
  incidentId: z.string(),
  mode: RunModeView,
  requestedBy: z.string(),
  status: RunStatusView,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  failure: z.object({ step: z.string().optional(), message: z.string() }).optional(),
  cancel: z.object({ actor: z.string(), reason: z.string() }).optional(),
  outcome: z.object({ name: z.string(), summary: z.string().optional() }).optional(),
  severity: z.object({ current: z.string(), was: z.string() }).optional(),
  parent: z.object({ workflowId: z.string(), stepId: z.string() }).optional(),
  steps: z.array(StepLineView),
});
export type RootView = View.RootView;

export const EventLineView = z.object({
  at: z.string(),
  kind: z.string(),
  step: z.string().optional(),
  stepTitle: z.string().optional(),
  actor: z.string().optional(),
  detail: z.string().optional(),
});

export const DecisionView = z.object({
  actor: z.string(),
  person: z.string().optional(),
  decision: z.enum(['approve', 'reject', 'answer']),
  at: z.string(),
  via: z.string(),
  reason: z.string().optional(),
});

export const EligibleView = z.object({ person: z.string(), slack: z.string().optional(), groups: z.array(z.string()) });

export const ApprovalCardView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  summary: z.string(),
  summarySha256: z.string(),
  quorum: z.number(),
  approverGroups: z.array(z.string()),
  deadline: z.string(),
  requester: z.string(),
  decisions: z.array(DecisionView),
  escalated: z.boolean(),
  escalateTo: z.array(z.string()).optional(),
  outcome: z.enum(['approved', 'rejected', 'timed-out']).optional(),
  open: z.boolean(),
  closedReason: z.string().optional(),
  policy: z.string().optional(),
  eligible: z.array(EligibleView).optional(),
});

export const WaitCardView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  event: z.string().min(1),
  deadline: z.string().optional(),
  remindersSent: z.number(),
  open: z.boolean(),
  status: StepStatusView,
  receivedBy: z.string().optional(),
  receivedVia: z.string().optional(),
  receivedAt: z.string().optional(),
  error: z.string().optional(),
  hasForm: z.literal(true).optional(),
});

export const ManualCardView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  task: z.string(),
  assignee: z.string().optional(),
  instructions: z.string().optional(),
  open: z.boolean(),
  status: StepStatusView,
  doneBy: z.string().optional(),
  doneAt: z.string().optional(),
  note: z.string().optional(),
  error: z.string().optional(),
  hasForm: z.literal(true).optional(),
});

export const DecisionAnswerView = z.object({
  actor: z.string(),
  person: z.string().optional(),
  option: z.string(),
  at: z.string(),
  via: z.string(),
  reason: z.string().optional(),
});

export const DecisionCardView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  question: z.string(),
  questionSha256: z.string(),
  options: z.array(z.object({ id: z.string().min(1), label: z.string() })),
  hasForm: z.boolean(),
  quorum: z.number(),
  approverGroups: z.array(z.string()),
  deadline: z.string(),
  requester: z.string(),
  requesterMayAnswer: z.boolean(),
  answers: z.array(DecisionAnswerView),
  escalated: z.boolean(),
  escalateTo: z.array(z.string()).optional(),
  outcome: z.enum(['answered', 'defaulted', 'timed-out']).optional(),
  chosen: z.string().optional(),
  open: z.boolean(),
  closedReason: z.string().optional(),
  policy: z.string().optional(),
  eligible: z.array(EligibleView).optional(),
});

export const EscalationPingView = z.object({
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  title: z.string().optional(),
  gate: z.literal('decision').optional(),
  summary: z.string(),
  groups: z.array(z.string()),
  slackUsers: z.array(z.string()),
  slackUsergroups: z.array(z.string()),
});

const ApprovalContent = z.object({ kind: z.literal('approval'), card: ApprovalCardView });
const WaitContent = z.object({ kind: z.literal('wait'), card: WaitCardView });
const ManualContent = z.object({ kind: z.literal('manual'), card: ManualCardView });
const DecisionContent = z.object({ kind: z.literal('decision'), card: DecisionCardView });

export const CardContent = z.discriminatedUnion('kind', [ApprovalContent, WaitContent, ManualContent, DecisionContent]);
export type CardContent = View.CardContent;

export const ThreadContent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('events'), lines: z.array(EventLineView).min(1) }),
  ApprovalContent,
  WaitContent,
  ManualContent,
  DecisionContent,
  z.object({ kind: z.literal('ping'), ping: EscalationPingView }),
]);
export type ThreadContent = View.ThreadContent;

// Compile-time agreement of every schema with its type in common/publisher-view.ts: a field added,
// dropped or retyped on one side only fails the build here. Types only: nothing of it runs.

/** True when A and B are the same type (not merely assignable one way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Agrees<_Check extends true> = true;

export type ViewSchemasAgreeWithTypes = [
  Agrees<Same<z.output<typeof StepLineView>, View.StepLineView>>,
  Agrees<Same<z.output<typeof RootView>, View.RootView>>,
  Agrees<Same<z.output<typeof EventLineView>, View.EventLineView>>,
  Agrees<Same<z.output<typeof DecisionView>, View.DecisionView>>,
  Agrees<Same<z.output<typeof EligibleView>, View.EligibleView>>,
  Agrees<Same<z.output<typeof ApprovalCardView>, View.ApprovalCardView>>,
  Agrees<Same<z.output<typeof WaitCardView>, View.WaitCardView>>,
  Agrees<Same<z.output<typeof ManualCardView>, View.ManualCardView>>,
  Agrees<Same<z.output<typeof DecisionAnswerView>, View.DecisionAnswerView>>,
  Agrees<Same<z.output<typeof DecisionCardView>, View.DecisionCardView>>,
  Agrees<Same<z.output<typeof EscalationPingView>, View.EscalationPingView>>,
  Agrees<Same<z.output<typeof CardContent>, View.CardContent>>,
  Agrees<Same<z.output<typeof ThreadContent>, View.ThreadContent>>,
];
