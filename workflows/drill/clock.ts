/**
 * Drill time: wall time since launch with paused time taken out, so an inject "at 5m" comes five
 * minutes of play after launch however long the facilitator paused. Reads the workflow clock
 * (Date.now() is deterministic inside a workflow), so it replays exactly.
 *
 * Workflow-safe.
 */
export class DrillClock {
  readonly launchedAtMs = Date.now();
  private pausedTotalMs = 0;
  private pausedSinceMs: number | undefined;
  private stoppedAtMs: number | undefined;

  get paused(): boolean {
    return this.pausedSinceMs !== undefined;
  }

  pause(): void {
    this.pausedSinceMs ??= Date.now();
  }

  resume(): void {
    if (this.pausedSinceMs === undefined) return;
    this.pausedTotalMs += Date.now() - this.pausedSinceMs;
    this.pausedSinceMs = undefined;
  }

  /** Freezes drill time when the drill closes, so later queries report its final length. */
  stop(): void {
    this.resume();
    this.stoppedAtMs ??= Date.now();
  }

  pausedMs(): number {
    const open = this.pausedSinceMs === undefined ? 0 : this.now() - this.pausedSinceMs;
    return this.pausedTotalMs + open;
  }

  elapsedMs(): number {
    return this.now() - this.launchedAtMs - this.pausedMs();
  }

  private now(): number {
    return this.stoppedAtMs ?? Date.now();
  }
}
