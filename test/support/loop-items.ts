/** What tests read about a foreach step's items from a run's state. */
import type { StepState } from '../../common/run-state';

/**
 * The largest number of a loop's items whose steps overlapped in time, each item spanning from its
 * first step's start to its last step's end. `loop` narrows it to one loop's items.
 */
export function mostItemsAtOnce(steps: readonly StepState[], loop?: string): number {
  const spans = new Map<number, { from: number; to: number }>();
  for (const step of steps.filter((candidate) => (loop === undefined || candidate.parent === loop) && candidate.item !== undefined && candidate.startedAt)) {
    const from = Date.parse(step.startedAt!);
    const to = Date.parse(step.endedAt ?? step.startedAt!);
    const span = spans.get(step.item!) ?? { from, to };
    spans.set(step.item!, { from: Math.min(span.from, from), to: Math.max(span.to, to) });
  }
  const edges = [...spans.values()].flatMap((span) => [{ at: span.from, delta: 1 }, { at: span.to, delta: -1 }]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (current += edge.delta));
  return most;
}
