/**
 * Drives a run to its end the way people would: whenever a step waits, the matching human answers
 * it (approvers approve until quorum, deciders answer a decision, someone reports the event, someone
 * marks the task done, filling in what the step declares it needs). The answers go through a
 * Responder, so the same script can act via the client module or by spawning the `quell` CLI.
 */
import type { FormFieldState, RunState, StepState } from '../../common/run-state';

/** Values for a form (a decision's fields, a task's or an event's declared outputs), by field name. */
export type FormValues = Record<string, string | number | boolean>;

export interface Responder {
  state(workflowId: string): Promise<RunState>;
  /** `summarySha256`: the hash of the summary the approver was shown (the CLI reads it itself). */
  approve(workflowId: string, stepId: string, actor: string, summarySha256: string): Promise<void>;
  /** `questionSha256`: the hash of the question the decider was shown (the CLI reads it itself). */
  answer(workflowId: string, stepId: string, actor: string, option: string, questionSha256: string, fields: FormValues): Promise<void>;
  event(workflowId: string, event: string, actor: string, fields: FormValues): Promise<void>;
  done(workflowId: string, stepId: string, actor: string, fields: FormValues): Promise<void>;
}

export interface DriveOptions {
  /** People who approve gates, in order; the requester must not be among them. */
  approvers: string[];
  /** Who reports events and completes manual tasks. */
  operator: string;
  /**
   * How each decision is answered, by step id (a loop's `loop[0].step` too): the option, and form
   * values on top of the ones the driver makes up for required fields. Default: the first option.
   */
  answers?: Record<string, { option: string; fields?: FormValues }>;
  /** Form values for tasks and events, by step id, on top of those made up for required fields. */
  fields?: Record<string, FormValues>;
  timeoutMs?: number;
  pollMs?: number;
}

const FINAL = new Set(['completed', 'failed', 'rejected', 'cancelled']);

export async function driveToEnd(responder: Responder, workflowId: string, options: DriveOptions): Promise<RunState> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const answered = new Set<string>();
  for (;;) {
    const state = await responder.state(workflowId);
    if (FINAL.has(state.status)) return state;
    if (Date.now() > deadline) throw new Error(`run ${workflowId} did not finish in time; last state:\n${JSON.stringify(state, null, 2)}`);
    for (const step of state.steps) {
      if (step.status !== 'waiting') continue;
      if (step.approval) {
        const decided = new Set(step.approval.decisions.map((decision) => decision.actor));
        const next = options.approvers.find((approver) => !decided.has(approver) && !answered.has(`${step.id}/${approver}`));
        // Until the gate knows who may decide, every decision is refused: wait for it.
        if (next && !step.approval.outcome && step.approval.policy !== undefined) {
          answered.add(`${step.id}/${next}`);
          await responder.approve(workflowId, step.id, next, step.approval.summarySha256);
        }
      } else if (step.decision) {
        const gate = step.decision;
        const decided = new Set(gate.decisions.map((decision) => decision.actor));
        const next = options.approvers.find((approver) => !decided.has(approver) && !answered.has(`${step.id}/${approver}`));
        if (next && !gate.outcome && gate.policy !== undefined) {
          answered.add(`${step.id}/${next}`);
          const wanted = options.answers?.[step.id];
          const option = wanted?.option ?? gate.options[0]!.id;
          await responder.answer(workflowId, step.id, next, option, gate.questionSha256, { ...madeUpValues(gate.fields), ...wanted?.fields });
        }
      } else if (step.wait && !answered.has(`event/${step.wait.event}`)) {
        answered.add(`event/${step.wait.event}`);
        await responder.event(workflowId, step.wait.event, options.operator, formFor(step, options));
      } else if (step.manual && !answered.has(`done/${step.id}`)) {
        answered.add(`done/${step.id}`);
        await responder.done(workflowId, step.id, options.operator, formFor(step, options));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

/** What a person would fill in for a step's declared outputs: the required ones, plus any given. */
function formFor(step: StepState, options: DriveOptions): FormValues {
  return { ...madeUpValues(step.declaredOutputs?.fields ?? []), ...options.fields?.[step.id] };
}

/** A plausible value for every required field: its first enum value, or one of its type. */
export function madeUpValues(fields: FormFieldState[]): FormValues {
  const values: FormValues = {};
  for (const field of fields.filter((candidate) => candidate.required)) {
    if (field.enum) values[field.name] = field.enum[0]!;
    else if (field.type === 'boolean') values[field.name] = true;
    else if (field.type === 'number') values[field.name] = 1;
    else if (field.type === 'datetime') values[field.name] = '2026-12-01T09:00:00Z';
    else values[field.name] = `${field.name} given by the test driver`;
  }
  return values;
}

/** Polls until `predicate` holds for the run's state (visibility and timers are asynchronous). */
export async function waitForState(
  read: () => Promise<RunState>,
  predicate: (state: RunState) => boolean,
  timeoutMs = 30_000,
): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await read();
    if (predicate(state)) return state;
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms; last state:\n${JSON.stringify(state, null, 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
