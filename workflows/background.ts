/**
 * Top-level steps marked `background`: the run starts them and goes straight on, then waits for
 * each before the step its `join` names, or before it ends. A background step that fails stops
 * the run at its join (unless it says `on_error: continue`), as if it had failed in place. When
 * the run stops early (a failure, a rejection, an `end` step, a cancel), the background steps are
 * stopped: what waits on people or the clock stops waiting, while an action already running
 * finishes (actions are not cancellable) and is recorded, so it can be undone. Only then does the
 * run undo anything, so nothing is left half-done.
 *
 * Workflow-safe.
 */
import { CancellationScope } from '@temporalio/workflow';
import type { RunbookStep } from '../runbooks/schema';

/** The patch id under which a run that stopped early stops its background steps (kept forever once shipped). */
export const BACKGROUND_STOP_PATCH = 'background-stops-with-run';

interface Running {
  stepId: string;
  /** The top-level step it joins at; undefined: the end of the run. */
  join?: string;
  /** Settles with the step's error (undefined on success); never rejects. */
  settled: Promise<unknown>;
  /** The step's own scope: cancelling it stops the step's waits, not its running actions. */
  scope: CancellationScope;
}

export class BackgroundSteps {
  private readonly running: Running[] = [];

  start(step: RunbookStep, run: () => Promise<void>): void {
    const join = step.background === undefined || step.background === true ? undefined : step.background.join;
    const scope = new CancellationScope();
    const settled = scope.run(run).then(
      () => undefined,
      (error: unknown) => error ?? new Error(`background step ${step.id} failed`),
    );
    this.running.push({ stepId: step.id, ...(join ? { join } : {}), settled, scope });
  }

  /** Stops every background step (the run stopped early and waits for none of them). */
  stop(): void {
    for (const entry of this.running) entry.scope.cancel();
  }

  /** Whether any step runs (or ran) in the background. */
  any(): boolean {
    return this.running.length > 0;
  }

  /** Whether a background step joins at `stepId`. */
  joinsAt(stepId: string): boolean {
    return this.running.some((entry) => entry.join === stepId);
  }

  /** Waits for the steps that join at `stepId`; throws the first one's failure. */
  async joinAt(stepId: string): Promise<void> {
    await this.joinAll(this.running.filter((entry) => entry.join === stepId));
  }

  /** Waits for every step still in the background (the run's end); throws the first failure. */
  async joinAtEnd(): Promise<void> {
    await this.joinAll(this.running);
  }

  /** Lets every background step settle, whatever happened (before a run that stopped undoes anything). */
  async settle(): Promise<void> {
    await Promise.all(this.running.map((entry) => entry.settled));
  }

  private async joinAll(entries: Running[]): Promise<void> {
    const failures = (await Promise.all(entries.map((entry) => entry.settled))).filter((failure) => failure !== undefined);
    if (failures.length > 0) throw failures[0];
  }
}
