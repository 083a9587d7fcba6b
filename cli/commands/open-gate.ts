/**
 * Reads a waiting gate (an approval or a decision) for `quell approve|reject|answer`, once it
 * knows who may decide: a gate that has just opened is still asking, and a short wait saves the
 * person a refusal. Undefined when the step is not such a gate, open.
 */
import type { Client } from '@temporalio/client';
import { getRunState } from '../../client/runs';
import type { GateMembershipState, StepState } from '../../common/run-state';

const MEMBERSHIP_WAIT_MS = 10_000;
const POLL_MS = 250;

export async function readOpenGate<G extends GateMembershipState>(
  client: Client,
  workflowId: string,
  stepId: string,
  gateOf: (step: StepState) => G | undefined,
): Promise<G | undefined> {
  const deadline = Date.now() + MEMBERSHIP_WAIT_MS;
  for (;;) {
    const step = (await getRunState(client, workflowId)).steps.find((s) => s.id === stepId);
    const gate = step?.status === 'waiting' ? gateOf(step) : undefined;
    if (!gate || gate.policy !== undefined || Date.now() >= deadline) return gate;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
