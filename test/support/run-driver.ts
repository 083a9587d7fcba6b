/**
 * Drives a run to its end the way people would: whenever a step waits, the matching human answers
 * it (approvers approve until quorum, someone reports the event, someone marks the task done).
 * The answers go through a Responder, so the same script can act via the client module or by
 * spawning the `quell` CLI.
 */
import type { RunState } from '../../common/run-state';

export interface Responder {
  state(workflowId: string): Promise<RunState>;
  /** `summarySha256`: the hash of the summary the approver was shown (the CLI reads it itself). */
  approve(workflowId: string, stepId: string, actor: string, summarySha256: string): Promise<void>;
  event(workflowId: string, event: string, actor: string): Promise<void>;
  done(workflowId: string, stepId: string, actor: string): Promise<void>;
}

export interface DriveOptions {
  /** People who approve gates, in order; the requester must not be among them. */
  approvers: string[];
  /** Who reports events and completes manual tasks. */
  operator: string;
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
      } else if (step.wait && !answered.has(`event/${step.wait.event}`)) {
        answered.add(`event/${step.wait.event}`);
        await responder.event(workflowId, step.wait.event, options.operator);
      } else if (step.manual && !answered.has(`done/${step.id}`)) {
        answered.add(`done/${step.id}`);
        await responder.done(workflowId, step.id, options.operator);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
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
