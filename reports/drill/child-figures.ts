/**
 * Child runs and severity changes in the drill report: each child run a `runbook:` step started
 * (when it started and ended, as the run's child-workflow events say, and how), and each re-grade
 * (at the search attribute update that set the new severity).
 */
import { childRuns, severityFacts } from './child-facts';
import type { HistoryDrillClock } from './drill-time';
import type { ChildRunFigure, SeverityFigure } from './report-children';
import type { RunFacts } from './run-facts';

interface Context {
  clock: HistoryDrillClock;
}

export function childRunFigures(ctx: Context, run: RunFacts): ChildRunFigure[] {
  return childRuns(run).map((child) => ({
    stepId: child.instance.id,
    workflowId: child.workflowId,
    runbookId: child.runbookId,
    version: child.version,
    ...(child.started ? { started: ctx.clock.moment(child.started, run.view.ref(child.started)) } : {}),
    ...(child.closed ? { ended: ctx.clock.moment(child.closed, run.view.ref(child.closed)) } : {}),
    status: child.status,
    ...(child.outcome ? { outcome: child.outcome } : {}),
  }));
}

export function severityFigure(ctx: Context, run: RunFacts): SeverityFigure | undefined {
  const facts = severityFacts(run);
  if (!facts) return undefined;
  const closing = run.view.closing;
  return {
    declared: facts.declared,
    final: facts.final,
    changes: facts.changes.map((change) => {
      // Without its update (a history cut short) the step's record says when, cited at the close event.
      const changed = change.upsert ? ctx.clock.moment(change.upsert, run.view.ref(change.upsert)) : closing ? ctx.clock.recordedMoment(change.at, run.view.ref(closing)) : undefined;
      return { from: change.from, to: change.to, step: change.step, ...(change.reason ? { reason: change.reason } : {}), ...(changed ? { changed } : {}) };
    }),
  };
}

/** A timeline line's own words, before its time and event are added. */
export interface ChildTimelineWords {
  kind: string;
  stepId: string;
  text: string;
}

/** The timeline's words for a child run starting and ending and for each re-grade, by the event they come from. */
export function childTimelineWords(run: RunFacts): Map<number, ChildTimelineWords> {
  const words = new Map<number, ChildTimelineWords>();
  for (const child of childRuns(run)) {
    const stepId = child.instance.id;
    if (child.started) words.set(child.started.id, { kind: 'child.started', stepId, text: `child run ${child.workflowId} started (${child.runbookId} v${child.version})` });
    if (child.closed) words.set(child.closed.id, { kind: 'child.ended', stepId, text: `child run ${child.workflowId} ended ${child.status}${child.outcome ? `: ${child.outcome}` : ''}` });
  }
  for (const change of severityFacts(run)?.changes ?? []) {
    if (change.upsert) words.set(change.upsert.id, { kind: 'run.severity', stepId: change.step, text: `severity re-graded ${change.from} → ${change.to} by ${change.step}${change.reason ? `: ${change.reason}` : ''}` });
  }
  return words;
}
