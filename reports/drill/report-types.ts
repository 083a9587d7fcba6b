/**
 * The drill report: what one drill was, how it went and what the team will do about it, built
 * from Temporal histories alone (the drill's, its run's, its follow-ups' and its debrief's). This
 * zod schema is the documented shape: the Markdown, Slack summary and HTML renderers read it,
 * `quell drill after-action --format json` prints it, and docs/drill-report.schema.json is
 * generated from it (./generate-json-schema.ts).
 *
 * Conventions every field follows:
 * - `drillMs` is DRILL time in whole milliseconds: the wall time from the drill's launch (its
 *   WorkflowExecutionStarted event) to the event, minus every paused interval before it (a pause
 *   runs from its accepted pauseDrill Update to the accepted resumeDrill Update; an event inside a
 *   pause is placed at the pause's start).
 * - `at` is the wall time (ISO) of the history event the value comes from, and `ref` names that
 *   event: `drill#12`, `run#57`, `follow-up:<inject id>#9`, `debrief#4`.
 * - "time to X" figures are drill times since launch; `tookMs` figures are drill time between two
 *   cited events (paused time is left out of both).
 */
import { z } from 'zod';
import { EXERCISE_BANNER } from '../../common/exercise';
import { ActorMoment, EVENT_REF_PATTERN, EventRef, HistorySource, IsoTime, Moment, Ms, RunStatusValue, StepStatusValue, Via } from './report-base';
import { ChildRunFigure, SeverityFigure } from './report-children';
import { DecisionFigure, RunEndReport } from './report-decisions';
import { LoopFigure, WindowFigure } from './report-loops';

/** Bumped when a field changes meaning or goes away; new optional fields do not bump it. */
export const DRILL_REPORT_SCHEMA_VERSION = 1;

export { ActorMoment, DrillMs, EVENT_REF_PATTERN, EventRef, HISTORY_SOURCE_PATTERN, HistorySource, IsoTime, Moment, Ms, RunStatusValue, StepStatusValue, Via } from './report-base';
export { ChildRunFigure, SeverityChangeFigure, SeverityFigure } from './report-children';
export { AnswerFigure, DecisionFigure, RunEndReport } from './report-decisions';
export { LoopFigure, LoopItemFigure, WindowFigure } from './report-loops';

export const PauseReport = z.strictObject({
  paused: Moment,
  pausedBy: z.string(),
  resumed: Moment.optional(),
  resumedBy: z.string().optional(),
  /** Wall time the drill stood still (to the resume, or to the drill's close / the report if never resumed). */
  durationMs: Ms,
});

export const ObjectiveStep = z.strictObject({
  stepId: z.string(),
  /** As the run recorded it; `unknown` when the run's history is not available. */
  status: z.union([StepStatusValue, z.literal('unknown')]),
  /** When the step succeeded (drill time), when it did. */
  succeeded: Moment.optional(),
  /** Succeeded at or before the objective's limit. */
  inTime: z.boolean(),
});

/**
 * - met: every step succeeded at or before the limit;
 * - partly-met: at least one did, not all;
 * - not-met: none did (late, failed, skipped or never reached all count as not done);
 * - open: the drill is still going, the limit is still ahead, and not every step is done yet.
 */
export const ObjectiveVerdict = z.enum(['met', 'partly-met', 'not-met', 'open']);

export const ObjectiveReport = z.strictObject({
  id: z.string(),
  description: z.string(),
  steps: z.array(ObjectiveStep),
  /** The yardstick: a runbook target (contain_within, resolve_within) or `within` from launch. */
  aim: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('target'), target: z.enum(['contain_within', 'resolve_within']), duration: z.string().optional() }),
    z.strictObject({ kind: z.literal('within'), duration: z.string() }),
  ]),
  /** The limit in drill time; absent when the runbook does not set the target (the objective is then not-met). */
  limitMs: Ms.optional(),
  verdict: ObjectiveVerdict,
  stepsInTime: z.int().min(0),
  /** Drill time when the last of its steps succeeded, when all did. */
  completed: Moment.optional(),
  /** The verdict in a sentence, naming the steps that missed. */
  reason: z.string(),
});

export const ApprovalFigure = z.strictObject({
  ...ActorMoment.shape,
  stepId: z.string(),
  decision: z.enum(['approve', 'reject']),
  /** Who the approval policy says that is (from the Update's result), when recorded. */
  person: z.string().optional(),
});

export const GateFigure = z.strictObject({
  stepId: z.string(),
  quorum: z.int().min(1).optional(),
  outcome: z.enum(['approved', 'rejected', 'timed-out', 'open', 'not-reached']),
  /** Who approved, as the policy named them. */
  approvedBy: z.array(z.string()),
  closed: Moment.optional(),
  escalated: Moment.optional(),
});

export const StepMark = z.strictObject({
  stepId: z.string(),
  /** When it failed, timed out or was skipped, when known. */
  when: Moment.optional(),
  detail: z.string(),
});

export const RetryFigure = z.strictObject({
  stepId: z.string(),
  action: z.string(),
  purpose: z.string(),
  /** Attempts the activity took (ActivityTaskStarted.attempt of the attempt that finished). */
  attempts: z.int().min(1),
  /** attempts − 1. */
  retries: z.int().min(0),
  outcome: z.enum(['succeeded', 'failed', 'timed-out', 'in-progress']),
  /** The ActivityTaskScheduled event. */
  ref: EventRef,
});

export const ContainmentFigure = z.strictObject({
  /** Whether containment could be measured: some objective is aimed at contain_within. */
  measured: z.boolean(),
  /** The steps of every objective aimed at contain_within. */
  steps: z.array(z.string()),
  /** The runbook's contain_within, as written and in ms. */
  target: z.string().optional(),
  targetMs: Ms.optional(),
  /** Drill time when the last containment step succeeded; absent if one never did. */
  contained: Moment.optional(),
  withinTarget: z.boolean().optional(),
  /** targetMs − contained.drillMs (negative: late by that much). */
  marginMs: z.int().optional(),
  reason: z.string(),
});

export const Figures = z.strictObject({
  /** The players' first accepted Update on the run (decision, manual completion, event, cancel). */
  firstAction: ActorMoment.optional(),
  /** Every accepted approval decision, in order. */
  approvals: z.array(ApprovalFigure),
  gates: z.array(GateFigure),
  /** Every decision step of the runbook with its answers (answers are not approvals). */
  decisions: z.array(DecisionFigure).optional(),
  /** Every foreach step: its items, how many failed, and why. */
  loops: z.array(LoopFigure).optional(),
  /** Every observation window: its checks and how it closed. */
  windows: z.array(WindowFigure).optional(),
  /** Every child run a `runbook:` step started: when, and how it ended. */
  childRuns: z.array(ChildRunFigure).optional(),
  /** The severity declared, each re-grade and the final one (absent when the runbook declares none). */
  severity: SeverityFigure.optional(),
  containment: ContainmentFigure,
  stepsFailed: z.array(StepMark),
  stepsTimedOut: z.array(StepMark),
  stepsSkipped: z.array(StepMark),
  /** Sum of `retries` over every action activity of the run. */
  retriesTotal: z.int().min(0),
  /** Activities that took more than one attempt. */
  retries: z.array(RetryFigure),
});

export const FaultHandling = z.strictObject({
  kind: z.literal('fault'),
  action: z.string(),
  fail: z.int().min(1),
  /** The step whose call took the fault (the ActivityTaskScheduled carrying the inject's drillFault). */
  stepId: z.string().optional(),
  purpose: z.string().optional(),
  called: Moment.optional(),
  attempts: z.int().min(1).optional(),
  outcome: z.enum(['succeeded', 'failed', 'timed-out', 'in-progress', 'not-called']),
  /** When the call finally succeeded, failed or timed out. */
  settled: Moment.optional(),
  /** The step's on_error when the call failed: `fail` stops the run, `continue` goes on. */
  onError: z.enum(['fail', 'continue']).optional(),
});
export const EventHandling = z.strictObject({
  kind: z.literal('event'),
  event: z.string(),
  mode: z.enum(['late', 'never']),
  delayMs: Ms.optional(),
  /** Late: when the drill delivered it to the run. */
  arrived: Moment.optional(),
  waitStepId: z.string().optional(),
  /** How the wait for the event ended. */
  waitEnd: z.enum(['arrived', 'timed-out', 'failed', 'skipped', 'cancelled', 'still-waiting', 'not-reached', 'arrived-before', 'no-wait-step', 'unknown']),
  waitEnded: Moment.optional(),
});
export const UnavailableHandling = z.strictObject({
  kind: z.literal('unavailable'),
  person: z.string().optional(),
  group: z.string().optional(),
  /** The first gate still undecided when the inject fired (for a group: one naming that group). */
  gateStepId: z.string().optional(),
  resolution: z.enum(['decided-by-others', 'rejected', 'escalated-then-decided', 'timed-out', 'still-open', 'no-gate']),
  /** Who decided that gate after the inject (policy names where recorded). */
  decidedBy: z.array(z.string()),
  escalated: Moment.optional(),
  resolved: Moment.optional(),
});
export const MessageHandling = z.strictObject({
  kind: z.literal('message'),
  /** The players' first accepted Update on the run after the inject fired. */
  nextAction: ActorMoment.optional(),
});
export const TwistHandling = z.strictObject({
  kind: z.literal('twist'),
  followUpStarted: z.boolean(),
  followUpWorkflowId: z.string(),
  started: Moment.optional(),
  startedBy: z.string().optional(),
});

export const InjectHandling = z.discriminatedUnion('kind', [FaultHandling, EventHandling, UnavailableHandling, MessageHandling, TwistHandling]);

export const InjectReport = z.strictObject({
  id: z.string(),
  kind: z.enum(['message', 'fault', 'event', 'unavailable', 'twist']),
  title: z.string().optional(),
  message: z.string().optional(),
  /** The scenario's offset, ms of drill time. */
  plannedAtMs: Ms,
  status: z.enum(['pending', 'fired', 'skipped', 'not-applied']),
  /** `schedule`, or the facilitator who fired or skipped it. */
  settledBy: z.string().optional(),
  /** When it fired or was skipped. */
  settled: Moment.optional(),
  /** How the players handled it (fired injects). */
  handling: InjectHandling.optional(),
  /** Drill time from firing to the moment it counts as handled (see the README text of each kind). */
  tookMs: Ms.optional(),
  /** The handling in a sentence. */
  summary: z.string(),
});

export const TimelineLine = z.strictObject({
  ...Moment.shape,
  source: HistorySource,
  eventId: z.int().min(1),
  /** The history event's type as Temporal names it, e.g. ActivityTaskCompleted. */
  eventType: z.string(),
  /** What it means for the drill: drill.launched, inject.fired, approval.approve, action.failed, … */
  kind: z.string(),
  actor: z.string().optional(),
  stepId: z.string().optional(),
  text: z.string(),
});

export const NoteReport = z.strictObject({ ...Moment.shape, actor: z.string(), text: z.string() });

/** YYYY-MM-DD, a real calendar date. */
export const DUE_DATE_PATTERN = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

export const PlanItemReport = z.strictObject({
  /** 1, 2, 3 … in the order the debrief took them. */
  id: z.int().min(1),
  finding: z.string(),
  action: z.string(),
  owner: z.string(),
  due: z.string().regex(DUE_DATE_PATTERN),
  objectiveId: z.string().optional(),
  addedBy: z.string(),
  addedVia: Via,
  addedAt: IsoTime,
  ref: EventRef,
});

export const ImprovementPlan = z.strictObject({
  debriefId: z.string(),
  /** not-started: no debrief workflow yet; open: it takes items; closed: closed by hand or when idle. */
  status: z.enum(['not-started', 'open', 'closed']),
  closedBy: z.string().optional(),
  closed: z.strictObject({ at: IsoTime, ref: EventRef }).optional(),
  items: z.array(PlanItemReport),
});

export const ReadinessReport = z.strictObject({
  probedAt: z.string(),
  ref: EventRef.optional(),
  /** As the drill recorded them (common/drill-state.ts ReadinessFinding). */
  findings: z.array(
    z.strictObject({ stepId: z.string(), action: z.string(), system: z.string().optional(), target: z.string().optional(), check: z.string(), ok: z.boolean(), detail: z.string() }),
  ),
});

export const StepCounts = z.partialRecord(StepStatusValue, z.int().min(0));

export const RunOutcomeReport = z.strictObject({
  workflowId: z.string(),
  /** `not-started` when the history has no such run. */
  status: z.union([RunStatusValue, z.literal('not-started')]),
  started: Moment.optional(),
  closed: Moment.optional(),
  failure: z.strictObject({ step: z.string().optional(), message: z.string() }).optional(),
  cancel: z.strictObject({ actor: z.string(), reason: z.string() }).optional(),
  /** Set when an end step completed the run early with a named outcome. */
  ended: RunEndReport.optional(),
  /** Steps by status, from the run's final state (empty while it runs). */
  stepCounts: StepCounts,
});

export const FollowUpReport = z.strictObject({
  injectId: z.string(),
  ...RunOutcomeReport.shape,
  runbookId: z.string().optional(),
  startedBy: z.string().optional(),
  firstAction: ActorMoment.optional(),
});

export const ParticipantReport = z.strictObject({
  actor: z.string(),
  via: Via.optional(),
  /** facilitator: steered the drill; player: acted on a run; approver: gave a decision. */
  roles: z.array(z.enum(['facilitator', 'player', 'approver', 'requester'])),
  actions: z.int().min(0),
  firstSeen: Moment,
});

export const DrillReportSchema = z.strictObject({
  schemaVersion: z.literal(DRILL_REPORT_SCHEMA_VERSION),
  /** Every drill report is an exercise report. */
  exercise: z.literal(true),
  banner: z.literal(EXERCISE_BANNER),
  generatedAt: IsoTime,
  drill: z.strictObject({
    drillId: z.string(),
    runId: z.string().optional(),
    status: z.enum(['running', 'paused', 'ended', 'completed']),
    scheduleId: z.string().optional(),
    incidentId: z.string().optional(),
    requestedBy: z.string(),
    requestedVia: Via,
    endedBy: z.strictObject({ actor: z.string(), reason: z.string().optional(), ...Moment.shape }).optional(),
    closed: Moment.optional(),
  }),
  scenario: z.strictObject({ id: z.string(), version: z.int(), title: z.string(), sha256: z.string() }),
  runbook: z.strictObject({ id: z.string(), version: z.int(), title: z.string(), sha256: z.string() }),
  launch: z.strictObject({ at: IsoTime, ref: EventRef }),
  /** Drill time so far (or in all, once closed), the paused wall time, and the wall time. */
  drillTime: z.strictObject({ totalMs: Ms, pausedMs: Ms, wallMs: Ms, final: z.boolean() }),
  pauses: z.array(PauseReport),
  participants: z.strictObject({
    facilitatorGroups: z.array(z.string()),
    playerGroups: z.array(z.string()),
    people: z.array(ParticipantReport),
  }),
  /** Objectives met / all, open ones included in the total. */
  score: z.strictObject({ met: z.int().min(0), partlyMet: z.int().min(0), notMet: z.int().min(0), open: z.int().min(0), total: z.int().min(0) }),
  objectives: z.array(ObjectiveReport),
  figures: Figures,
  injects: z.array(InjectReport),
  timeline: z.array(TimelineLine),
  notes: z.array(NoteReport),
  improvementPlan: ImprovementPlan,
  readiness: ReadinessReport.optional(),
  followUps: z.array(FollowUpReport),
  run: RunOutcomeReport,
  /** What the report could not see (a missing history, a drill still running, an unknown record). */
  warnings: z.array(z.string()),
});

export type DrillReport = z.infer<typeof DrillReportSchema>;
export type PauseReport = z.infer<typeof PauseReport>;
export type ObjectiveReport = z.infer<typeof ObjectiveReport>;
export type ObjectiveVerdict = z.infer<typeof ObjectiveVerdict>;
export type ObjectiveStep = z.infer<typeof ObjectiveStep>;
export type Figures = z.infer<typeof Figures>;
export type ApprovalFigure = z.infer<typeof ApprovalFigure>;
export type GateFigure = z.infer<typeof GateFigure>;
export type StepMark = z.infer<typeof StepMark>;
export type RetryFigure = z.infer<typeof RetryFigure>;
export type ContainmentFigure = z.infer<typeof ContainmentFigure>;
export type InjectHandling = z.infer<typeof InjectHandling>;
export type InjectReport = z.infer<typeof InjectReport>;
export type TimelineLine = z.infer<typeof TimelineLine>;
export type NoteReport = z.infer<typeof NoteReport>;
export type PlanItemReport = z.infer<typeof PlanItemReport>;
export type ImprovementPlan = z.infer<typeof ImprovementPlan>;
export type ReadinessReport = z.infer<typeof ReadinessReport>;
export type RunOutcomeReport = z.infer<typeof RunOutcomeReport>;
export type FollowUpReport = z.infer<typeof FollowUpReport>;
export type ParticipantReport = z.infer<typeof ParticipantReport>;

/** `drill#12` → { source: 'drill', eventId: 12 }. */
export function parseEventRef(ref: string): { source: string; eventId: number } {
  if (!EVENT_REF_PATTERN.test(ref)) throw new Error(`"${ref}" is not an event reference like drill#12`);
  const hash = ref.lastIndexOf('#');
  return { source: ref.slice(0, hash), eventId: Number(ref.slice(hash + 1)) };
}

export function eventRef(source: string, eventId: number): string {
  return `${source}#${eventId}`;
}
