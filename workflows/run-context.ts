/**
 * The mutable state of one run inside the workflow: step states, the audit trail, received events
 * and the compensation stack. Step executors read and write it; the `runState` query returns it.
 *
 * Workflow-safe: uses only @temporalio/workflow, common/ and runbooks/step-kind.ts (zod-free).
 */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { TemplateContext } from '../common/expression';
import type { RunEvent, RunState, RunStatus, StepState } from '../common/run-state';
import { QuellStatus } from '../common/search-attributes';
import type { Runbook, RunbookBranchStep, RunbookStep } from '../runbooks/schema';
import { stepKind } from '../runbooks/step-kind';
import { formFieldStates } from '../common/form-fields';
import type { RunRunbookInput } from './input';
import { nextStepStatus, type StepEvent } from './step-transitions';

/** A completed compensable step, remembered so cancel/reject can undo it (newest first). */
export interface CompensationEntry {
  stepId: string;
  action: NonNullable<Extract<RunbookStep, { action: unknown }>['compensate']>;
  /** What the compensation's templates read, for a step of a foreach item (its item and sibling steps). */
  templateContext?: () => TemplateContext;
}

export interface ReceivedEvent {
  actor: string;
  via: string;
  at: string;
  payload?: Record<string, unknown>;
}

export class RunContext {
  readonly state: RunState;
  readonly compensations: CompensationEntry[] = [];
  readonly receivedEvents = new Map<string, ReceivedEvent>();
  /** Events that some wait step of this runbook listens for; others are refused. */
  readonly declaredEvents: ReadonlySet<string>;
  /**
   * Where humans follow this run. Set once at the start: with a Slack surface the run's own
   * thread carries approval requests, reminders and escalation pings (in tabletop runs too).
   */
  surface: { slack?: { channel: string } } = {};
  /**
   * Whether gates write who decided into the QuellApprovers search attribute: decided once, in the
   * run's first workflow task (see run-runbook.ts), so runs recorded before it replay without it.
   */
  recordsApprovers = false;
  /**
   * Grows whenever the visible state may have changed (an event recorded, the run's or a step's
   * status set, or `touch()`). Observers such as the Slack publisher wait for it to move instead
   * of comparing whole states.
   */
  changes = 0;
  private readonly steps = new Map<string, StepState>();

  constructor(readonly input: RunRunbookInput) {
    const info = workflowInfo();
    this.state = {
      workflowId: info.workflowId,
      runbook: {
        id: input.runbook.id,
        version: input.runbook.version,
        title: input.runbook.title,
        sha256: input.runbookSha256,
      },
      incidentId: input.incidentId,
      mode: input.mode,
      ...(input.parent ? { parent: input.parent } : {}),
      requestedBy: input.requestedBy,
      status: 'running',
      startedAt: this.now(),
      steps: [],
      events: [],
    };
    const events = new Set<string>();
    const addWithSequence = (step: RunbookStep | RunbookBranchStep, parent?: string) => {
      this.addStep(step, parent);
      if ('wait' in step) events.add(step.wait.event);
      if ('sequence' in step) {
        for (const inner of step.sequence) {
          this.addStep(inner, step.id);
          if ('wait' in inner) events.add(inner.wait.event);
        }
      }
    };
    for (const step of input.runbook.steps) {
      addWithSequence(step);
      if ('parallel' in step) step.parallel.forEach((branch) => addWithSequence(branch, step.id));
    }
    this.declaredEvents = events;
  }

  /** Workflow time (deterministic, replay-safe) as ISO text. */
  now(): string {
    return new Date().toISOString();
  }

  /** The idempotency key of a step's action or compensation: stable across retries and replays. */
  idempotencyKey(stepId: string, purpose: string): string {
    const info = workflowInfo();
    return `${info.workflowId}/${info.firstExecutionRunId}/${stepId}/${purpose}`;
  }

  step(id: string): StepState {
    const found = this.steps.get(id);
    if (!found) throw new Error(`internal: unknown step ${id}`);
    return found;
  }

  findStep(id: string): StepState | undefined {
    return this.steps.get(id);
  }

  record(kind: string, detail?: string, extra: Omit<RunEvent, 'at' | 'kind' | 'detail'> = {}): void {
    this.state.events.push({ at: this.now(), kind, ...(detail ? { detail } : {}), ...extra });
    this.touch();
  }

  /**
   * Where a step of a foreach item reads from: undefined for the run itself; an item scope
   * (workflows/item-scope.ts) returns its own template context so compensations read the item.
   */
  compensationContext(): (() => TemplateContext) | undefined {
    return undefined;
  }

  /**
   * Adds the state of a step created while the run goes (a step of one foreach item), right after
   * the states already there (each item adds its steps when it starts).
   */
  addItemStep(step: RunbookStep | RunbookBranchStep, id: string, parent: string, item: number): StepState {
    const state: StepState = {
      id,
      kind: stepKind(step),
      status: 'pending',
      parent,
      item,
      ...(step.title ? { title: step.title } : {}),
      ...('action' in step ? { action: step.action } : {}),
    };
    this.steps.set(id, state);
    this.state.steps.push(state);
    this.touch();
    return state;
  }

  /** Marks the state as changed, for changes that record no event (e.g. a refreshed approver set). */
  touch(): void {
    this.changes += 1;
  }

  /**
   * The only way a step's status changes: by an event the transition table allows (an illegal
   * move throws). Counts as a visible change even when the move records no event of its own.
   */
  moveStep(state: StepState, event: StepEvent): void {
    state.status = nextStepStatus(state.id, state.status, event);
    this.touch();
  }

  setStatus(status: RunStatus): void {
    if (this.state.status === status) return;
    this.state.status = status;
    this.touch();
    if (status !== 'running' && status !== 'cancelling') this.state.endedAt = this.now();
    upsertSearchAttributes([{ key: QuellStatus, value: status }]);
    this.record('run.status', status);
  }

  /** The run's severity as it stands: the runbook's, until a `severity` step re-grades it. */
  severity(): Runbook['severity'] {
    return this.state.severity?.current ?? this.input.runbook.severity;
  }

  /** What `${{ }}` templates can read: inputs, every step's status and output, run facts. */
  templateContext(): TemplateContext {
    const steps: TemplateContext['steps'] = {};
    for (const step of this.state.steps) steps[step.id] = { status: step.status, output: step.output };
    return {
      inputs: this.input.inputs,
      steps,
      run: {
        id: this.state.workflowId,
        incident: this.input.incidentId,
        mode: this.input.mode,
        requester: this.input.requestedBy,
        runbook: this.input.runbook.id,
        version: this.input.runbook.version,
        started_at: this.state.startedAt,
        severity: this.severity(),
      },
    };
  }

  private addStep(step: RunbookStep | RunbookBranchStep, parent?: string): void {
    const kind = stepKind(step);
    const declared = formFieldStates('wait' in step ? step.wait.outputs : 'manual' in step ? step.manual.outputs : undefined);
    const state: StepState = {
      id: step.id,
      kind,
      status: 'pending',
      ...(parent ? { parent } : {}),
      ...(step.title ? { title: step.title } : {}),
      ...('action' in step ? { action: step.action } : {}),
      ...(declared.length > 0 ? { declaredOutputs: { ...('wait' in step ? { event: step.wait.event } : {}), fields: declared } } : {}),
    };
    this.steps.set(step.id, state);
    this.state.steps.push(state);
  }
}

/** Same person? Identities are compared trimmed and case-insensitively (Slack ids, emails). */
export function sameActor(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
