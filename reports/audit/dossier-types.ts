/**
 * The run dossier as an auditor receives it: a list of chained entries (chain.ts), each a fact
 * read from the run's Temporal history and citing the event ids it came from, then the chain head
 * and an Ed25519 signature over it (signing.ts).
 *
 * The entries are a pure function of the history: exporting the same history twice yields the
 * same entries and the same head, so an archived copy and a fresh export can be compared by hash.
 * When and by what it was exported sits outside the chain, in `exported`.
 */
import type { ChainHead, ChainedEntry } from './chain';
import type { ChildRunEntryData, SeverityData } from './dossier-children-types';
import type { HeadSignature } from './signing';

export type { ChildRunEntryData, SeverityChangeData, SeverityData } from './dossier-children-types';

export const DOSSIER_FORMAT = 'quell-dossier/1';

/** Where a run was started from: the requester's surface, a Temporal Schedule, or a drill. */
export type StartSurface = 'slack' | 'cli' | 'api' | 'schedule' | 'drill';

export interface RunEntryData {
  workflowId: string;
  runId: string;
  namespace: string;
  workflowType: string;
  taskQueue: string;
  startedAt: string;
  startEventId: number;
  requestedBy: string;
  surface: StartSurface;
  /** The Temporal client identity that started the workflow (`pid@host` by default). */
  clientIdentity: string;
  scheduleId?: string;
  drillId?: string;
  incidentId: string;
  mode: string;
  runbook: { id: string; version: number; title: string; sha256: string };
  /**
   * A child run: the run and `runbook:` step that started it, as its input says, and whether its
   * start event names the same parent workflow (Temporal records the parent there).
   */
  parent?: { workflowId: string; stepId: string; startEventNamesParent: boolean };
  /** Inputs as the run received them; those the runbook marks `sensitive` read `[redacted]`. */
  inputs: Record<string, unknown>;
  redactedInputs: string[];
}

/** The runbook definition exactly as it travelled in the run's input. */
export interface RunbookEntryData {
  runbookId: string;
  definition: unknown;
}

export interface StepEntryData {
  stepId: string;
  kind: string;
  title?: string;
  /** The enclosing parallel or foreach step. */
  parent?: string;
  /** A loop's step: the item (from 0) it worked on; its id is `<loop>[<item>].<step>`. */
  item?: number;
  phase?: string;
  controls: string[];
  status: string;
  startedAt?: string;
  endedAt?: string;
  /** Attempts of the step's action (its last call), when it is an action. */
  attempts?: number;
  action?: string;
  /** Short, bounded rendering of the output: what an auditor reads, not the raw data. */
  outputSummary?: string;
  error?: string;
  actor?: string;
  alreadyDone?: boolean;
  skippedBecause?: string;
  /** A top-level step run in the background: the step it joins at, or the end of the run. */
  background?: { joinsAt: string };
  /** A step of a `sequence` step: that sequence's id. */
  inSequence?: string;
  eventIds: number[];
}

export interface DecisionEntryData {
  stepId: string;
  decision: 'approve' | 'reject';
  actor: string;
  person?: string;
  surface: string;
  at: string;
  reason?: string;
  /** Hash of the summary the decider was shown, as their request carried it. */
  summarySha256?: string;
  /** Whether it equals the hash of the summary the gate showed (from the gate's recorded state). */
  summaryMatchesGate?: boolean;
  /** How the gate stood right after this decision: approved, rejected or still open. */
  gateAfter: string;
  acceptedEventId: number;
  completedEventId?: number;
}

/** One person's answer to a decision step: an accepted `answerDecision` Update. */
export interface AnswerEntryData {
  actor: string;
  /** Who the approval policy says that is, as the decision recorded it. */
  person?: string;
  surface: string;
  at: string;
  option: string;
  /** The form fields the person filled in, as the decision checked and recorded them. */
  fields?: Record<string, unknown>;
  reason?: string;
  /** Hash of the question the person was shown, as their answer quoted it. */
  questionSha256?: string;
  /** Whether it equals the hash of the question the decision asked. */
  questionMatchesDecision?: boolean;
  /** How the decision stood right after this answer: `answered: <option>` or still open. */
  decisionAfter: string;
  acceptedEventId: number;
  completedEventId?: number;
}

/**
 * A decision step: the question as it was asked, its options and form, who could answer and how
 * many had to agree, every answer, and how it closed (answered, defaulted by its timeout, timed out).
 */
export interface DecisionStepEntryData {
  stepId: string;
  title?: string;
  /** The question as asked (rendered); the runbook's text when the step was never reached. */
  question: string;
  /** sha256 of the question as asked (absent when it never was). */
  questionSha256?: string;
  options: Array<{ id: string; label: string }>;
  /** The form the deciders filled in. */
  fields: Array<{ name: string; type: string; required: boolean; enum?: Array<string | number> }>;
  deciders: string[];
  quorum: number;
  groupQuorum?: Record<string, number>;
  /** `enforced` (approvers file) or `open`, as the decision recorded it. */
  policy?: string;
  askedAt?: string;
  closedAt?: string;
  outcome: 'answered' | 'defaulted' | 'timed-out' | 'open' | 'not reached';
  chosen?: string;
  chosenLabel?: string;
  /** Who gave the chosen option (policy names); empty when the timeout chose it. */
  chosenBy: string[];
  escalated: boolean;
  answers: AnswerEntryData[];
}

/** One item of a loop: how it ended, which of its steps failed and why, and what its steps did. */
export interface LoopItemEntryData {
  index: number;
  /** The item, shortened for display (the run's record); absent while the run is open. */
  label?: string;
  /** succeeded, failed, skipped (never started), or as far as events show while the run is open. */
  status: string;
  /** The item's step that failed (qualified id) and its error. */
  failedStep?: string;
  error?: string;
  /** The item's step entries, by qualified id. */
  steps: string[];
  /** Action activities of the item's steps, and the attempts they took in all. */
  activities: number;
  attempts: number;
  /** The scheduled and closing events of those activities, and the item's Updates. */
  eventIds: number[];
}

/** A `foreach` step: how it ran its items and how each ended. Each item's steps have step entries. */
export interface LoopEntryData {
  stepId: string;
  title?: string;
  status: string;
  concurrency: number;
  onItemFailure: 'stop' | 'continue' | 'collect';
  startedAt?: string;
  endedAt?: string;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  items: LoopItemEntryData[];
}

/** One check of an observation window: its own activity. */
export interface WindowCheckEntryData {
  /** 1, 2, 3… as its idempotency key numbers it. */
  check: number;
  scheduledAt: string;
  endedAt?: string;
  outcome: 'succeeded' | 'failed' | 'timed-out' | 'in-progress';
  attempts?: number;
  scheduledEventId: number;
  /** ActivityTaskCompleted, Failed or TimedOut. */
  endEventId?: number;
}

/** An `observe` step: what was checked, how often, for how long, how many checks ran and how it ended. */
export interface WindowEntryData {
  stepId: string;
  title?: string;
  /** The loop and item, for a window inside a loop. */
  parent?: string;
  item?: number;
  action: string;
  every: string;
  for: string;
  /** The condition, as the runbook writes it. */
  until: string;
  status: string;
  startedAt?: string;
  /** When the window was due to close (start + for). */
  endsAt?: string;
  /** When it did close: at the check that met the condition, or after the last check. */
  endedAt?: string;
  /** Checks scheduled, as the history shows them. */
  checks: number;
  lastCheckedAt?: string;
  outcome: 'condition-met' | 'window-elapsed' | 'failed' | 'open' | 'not reached';
  /** When the condition was met (the check's time). */
  metAt?: string;
  checkCalls: WindowCheckEntryData[];
}

export interface EscalationEntryData {
  stepId: string;
  at: string;
  groups: string[];
  deadline?: string;
  /** The notify activity that told the escalation groups, when one was sent. */
  notifyEventIds: number[];
}

/** A wait, manual task or cancel ended by a person (an Update) or by the clock. */
export interface HumanActionEntryData {
  what: 'event-delivered' | 'manual-completed' | 'cancel-requested';
  stepId?: string;
  event?: string;
  actor: string;
  surface: string;
  at: string;
  note?: string;
  acceptedEventId: number;
  completedEventId?: number;
}

export interface CompensationEntryData {
  stepId: string;
  /** The undo of a loop item's step: the loop and the item. */
  parent?: string;
  item?: number;
  action: string;
  outcome: string;
  attempts?: number;
  at?: string;
  outputSummary?: string;
  error?: string;
  eventIds: number[];
}

export interface EvidenceArtifact {
  name: string;
  sha256: string;
  size?: number;
  location?: string;
}

export interface EvidenceEntryData {
  stepId: string;
  source?: string;
  store?: string;
  label?: string;
  collectedAt?: string;
  artifacts: EvidenceArtifact[];
  /** The custody log entry certifying the artifacts: its position and hash in the store's chain. */
  custody: { index?: number; head?: string };
  tabletop: boolean;
  eventId: number;
}

export interface PhaseDuration {
  phase: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  steps: string[];
}

/** How an `end` step completed the run early, with its named outcome. */
export interface RunEndData {
  outcome: string;
  /** The `end` step that ended the run. */
  step: string;
  summary?: string;
  at: string;
}

export interface OutcomeEntryData {
  /** The run's status; `completed: <outcome>` when an end step ended it early. */
  status: string;
  ended?: RunEndData;
  /** Declared and final severity, and each re-grade; absent when the runbook declares none. */
  severity?: SeverityData;
  failure?: { step?: string; message: string };
  closedAt?: string;
  closeEventId?: number;
  /** From the start event to the close event (absent while the run is open). */
  totalDurationMs?: number;
  phases: PhaseDuration[];
}

export interface ControlsEntryData {
  controls: Array<{ control: string; steps: Array<{ stepId: string; status: string }>; evidence: Array<{ stepId: string; name: string; sha256: string }> }>;
}

/** What the auditor view leaves out, counted so nothing disappears silently. */
export interface CoverageEntryData {
  historyEventCount: number;
  /** Events some entry cites. */
  citedEvents: number;
  /** Events left out, by why: workflow tasks, Slack publishing, engine checks… */
  omitted: Array<{ reason: string; count: number; eventTypes: Record<string, number> }>;
  /** SHA-256 of the history's canonical JSON (see historyDigest). */
  historySha256: string;
}

export type DossierEntry =
  | { kind: 'run'; data: RunEntryData }
  | { kind: 'runbook'; data: RunbookEntryData }
  | { kind: 'step'; data: StepEntryData }
  | { kind: 'child-run'; data: ChildRunEntryData }
  | { kind: 'decision'; data: DecisionEntryData }
  | { kind: 'decision-step'; data: DecisionStepEntryData }
  | { kind: 'loop'; data: LoopEntryData }
  | { kind: 'observation-window'; data: WindowEntryData }
  | { kind: 'escalation'; data: EscalationEntryData }
  | { kind: 'human-action'; data: HumanActionEntryData }
  | { kind: 'compensation'; data: CompensationEntryData }
  | { kind: 'evidence'; data: EvidenceEntryData }
  | { kind: 'outcome'; data: OutcomeEntryData }
  | { kind: 'controls'; data: ControlsEntryData }
  | { kind: 'coverage'; data: CoverageEntryData };

export type DossierEntryKind = DossierEntry['kind'];

/** A dossier file: the chain, its head, its signature, and when and by what it was exported. */
export interface DossierDocument {
  format: typeof DOSSIER_FORMAT;
  exported: { at: string; by: string };
  entries: ChainedEntry[];
  head: ChainHead;
  signature?: HeadSignature;
}
