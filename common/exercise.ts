/**
 * Whether a run is an exercise, and the words that say so. A tabletop run (a drill) must never be
 * mistaken for a real incident: every Slack message and terminal line about one carries the
 * banner (or, where a whole banner per line would drown the content, the short mark). Live runs
 * carry neither. Slack (slack/blocks, the app's replies) and the CLI (cli/render.ts) all take the
 * wording and the decision from here, so they cannot drift apart.
 *
 * Workflow-safe: constants and pure functions only.
 */
import type { RunMode } from './run-state';

/** The banner on top of every message and status view of an exercise. */
export const EXERCISE_BANNER = 'EXERCISE — not a real incident';
/** The short line-level marker (progress lines, list entries). */
export const EXERCISE_MARK = 'EXERCISE';

/** The one decision: a run is an exercise exactly when it runs in tabletop mode. */
export function isExercise(mode: RunMode | undefined): boolean {
  return mode === 'tabletop';
}

/** `text` led by the banner for an exercise (notification text, one-line replies); unchanged for a live run. */
export function withExerciseBanner(mode: RunMode | undefined, text: string): string {
  return isExercise(mode) ? `[${EXERCISE_BANNER}] ${text}` : text;
}

/** `line` led by the short mark for an exercise; unchanged for a live run. */
export function withExerciseMark(mode: RunMode | undefined, line: string): string {
  return isExercise(mode) ? `[${EXERCISE_MARK}] ${line}` : line;
}
