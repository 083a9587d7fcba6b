/**
 * Follows a run until it ends: step changes go to stderr as they happen (marked as an exercise
 * for a tabletop run), the final state to stdout. Exit code 0 only when the run completed.
 */
import type { RunState } from '../common/run-state';
import { getRunState } from '../client/runs';
import { CliFailure, type CliContext } from './context';
import { jsonForTerminal } from './display';
import { renderProgress, renderRunState } from './render';

const POLL_EVERY_MS = 1_000;
const FINAL = new Set(['completed', 'failed', 'rejected', 'cancelled']);

export async function followRun(ctx: CliContext, workflowId: string, options: { json: boolean }): Promise<void> {
  const client = await ctx.getClient();
  const seen = new Map<string, string>();
  let state: RunState;
  for (;;) {
    state = await getRunState(client, workflowId);
    for (const step of state.steps) {
      const fingerprint = `${step.status}|${step.approval?.decisions.length ?? 0}`;
      if (seen.get(step.id) !== fingerprint) {
        seen.set(step.id, fingerprint);
        if (step.status !== 'pending') ctx.io.stderr(renderProgress(state.mode, step));
      }
    }
    if (FINAL.has(state.status)) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
  ctx.io.stdout(options.json ? jsonForTerminal(state) : renderRunState(state));
  if (state.status !== 'completed') throw new CliFailure(`run ended ${state.status}`, 1);
}
