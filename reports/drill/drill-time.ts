/**
 * Drill time read back from the drill's history. The drill keeps its own clock while it runs; the
 * report recomputes it from events so every figure can be checked against the history alone:
 *
 *   drillMs(t) = (t − launch) − Σ overlap([pause start, pause end), [launch, t])
 *
 * where launch is the time of the drill's WorkflowExecutionStarted event, a pause starts at its
 * accepted pauseDrill Update and ends at the next accepted resumeDrill Update (a pause never
 * resumed runs to the drill's close, or on). An event inside a pause sits at the pause's start.
 * Milliseconds are whole (event times are truncated to the millisecond first).
 */
import type { Moment } from './report-types';

export interface PauseInterval {
  startMs: number;
  /** Absent while the pause lasts. */
  endMs?: number;
}

export class HistoryDrillClock {
  constructor(
    readonly launchMs: number,
    readonly pauses: readonly PauseInterval[],
  ) {}

  /** Paused wall time between launch and `timeMs`. */
  pausedBefore(timeMs: number): number {
    let paused = 0;
    for (const pause of this.pauses) {
      const start = Math.max(pause.startMs, this.launchMs);
      const end = Math.min(pause.endMs ?? Number.POSITIVE_INFINITY, timeMs);
      if (end > start) paused += end - start;
    }
    return paused;
  }

  drillMs(timeMs: number): number {
    return Math.max(0, timeMs - this.launchMs - this.pausedBefore(timeMs));
  }

  /** The moment of a history event: its drill time, wall time and reference. */
  moment(event: { timeMs: number; at: string }, ref: string): Moment {
    return { drillMs: this.drillMs(event.timeMs), at: event.at, ref };
  }

  /**
   * A moment only a record inside a result carries (a step's `endedAt` in the run's final state):
   * drill time from the recorded wall time, citing the event that carries the record.
   */
  recordedMoment(recordedAt: string | undefined, ref: string): Moment | undefined {
    const timeMs = recordedAt === undefined ? Number.NaN : Date.parse(recordedAt);
    if (!Number.isFinite(timeMs)) return undefined;
    return { drillMs: this.drillMs(timeMs), at: new Date(timeMs).toISOString(), ref };
  }
}

/** Drill time between two moments (never negative). */
export function tookMs(from: Moment | undefined, to: Moment | undefined): number | undefined {
  if (!from || !to) return undefined;
  return Math.max(0, to.drillMs - from.drillMs);
}

/** 90500 → "1m 30.5s"; 0 → "0s". Drill times and durations in reports. */
export function formatDrillMs(ms: number): string {
  const negative = ms < 0;
  let rest = Math.abs(ms);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  const secondsText = `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1).replace(/\.0$/, '')}s`;
  const parts = [hours ? `${hours}h` : '', minutes ? `${minutes}m` : '', seconds || (!hours && !minutes) ? secondsText : ''].filter(Boolean);
  return `${negative ? '-' : ''}${parts.join(' ')}`;
}
