/**
 * Top-level steps marked `background`: the run starts them and goes straight on, then waits for
 * each before the step its `join` names, or before it ends. A background step that fails stops
 * the run at its join (unless it says `on_error: continue`), as if it had failed in place. When
 * the run stops early (a failure, a rejection, a cancel), every background step is allowed to
 * settle before anything is undone, so nothing is left half-done.
 *
 * Workflow-safe.
 */
import type { RunbookStep } from '../runbooks/schema';

interface Running {
  stepId: string;
  /** The top-level step it joins at; undefined: the end of the run. */
  join?: string;
  /** Settles with the step's error (undefined on success); never rejects. */
  settled: Promise<unknown>;
}

export class BackgroundSteps {
  private readonly running: Running[] = [];

  start(step: RunbookStep, run: () => Promise<void>): void {
    const join = step.background === undefined || step.background === true ? undefined : step.background.join;
    const settled = run().then(
      () => undefined,
      (error: unknown) => error ?? new Error(`background step ${step.id} failed`),
    );
    this.running.push({ stepId: step.id, ...(join ? { join } : {}), settled });
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
