/**
 * Loops and observation windows in the drill report: the figures (each loop's items and how they
 * ended, each window's checks and outcome) and the words the timeline adds to their activities
 * (which item an action worked on; which check of which window, and how the window closed after
 * its last one). Read from the run's history: the activities, and the final record in its close
 * event for what no event says (an item's label and status, a window's outcome).
 */
import type { ObserveStepSpec, Runbook } from '../../runbooks/schema';
import type { HistoryDrillClock } from './drill-time';
import { checkCalls, checkNumber, loopItems, stepInstances } from './loop-facts';
import type { LoopFigure, WindowFigure } from './report-loops';
import { stepOutcome, type ActionCall, type RunFacts } from './run-facts';

interface Context {
  runbook: Runbook;
  clock: HistoryDrillClock;
}

export function loopFigures(ctx: Context, run: RunFacts): LoopFigure[] {
  return ctx.runbook.steps.flatMap((spec): LoopFigure[] => {
    if (!('foreach' in spec)) return [];
    const recorded = run.final?.state.steps.find((state) => state.id === spec.id)?.foreach;
    const items = loopItems(run, spec.id).map((item) => ({
      index: item.index,
      ...(item.label !== undefined ? { label: item.label } : {}),
      status: item.status,
      ...('error' in item && item.error ? { failedStep: item.error.step, error: item.error.message } : {}),
    }));
    const count = (status: string) => items.filter((item) => item.status === status).length;
    const outcome = stepOutcome(run, ctx.clock, spec.id);
    return [
      {
        stepId: spec.id,
        status: outcome.status,
        concurrency: recorded?.concurrency ?? spec.foreach.concurrency ?? 1,
        onItemFailure: recorded?.policy ?? spec.foreach.on_item_failure,
        total: items.length,
        succeeded: count('succeeded'),
        failed: count('failed'),
        skipped: count('skipped'),
        items,
        ...(outcome.ended ? { ended: outcome.ended } : {}),
      },
    ];
  });
}

export function windowFigures(ctx: Context, run: RunFacts): WindowFigure[] {
  return stepInstances(run)
    .filter((instance) => 'observe' in instance.spec)
    .map((instance) => {
      const spec = (instance.spec as ObserveStepSpec).observe;
      const state = run.final?.state.steps.find((candidate) => candidate.id === instance.id);
      const checks = checkCalls(run, instance.id).map((entry) => entry.call);
      const first = checks[0];
      const last = checks[checks.length - 1];
      const status = state?.status ?? (checks.length > 0 ? 'running' : 'unknown');
      const reached = status !== 'pending' && status !== 'skipped' && status !== 'unknown';
      return {
        stepId: instance.id,
        action: state?.observe?.action ?? spec.check.action,
        every: spec.every,
        for: spec.for,
        status,
        outcome: state?.observe?.outcome ?? (status === 'failed' ? 'failed' : reached ? 'open' : 'not-reached'),
        checks: checks.length,
        ...(first ? { firstCheck: ctx.clock.moment(first.scheduled, run.view.ref(first.scheduled)) } : {}),
        ...(last?.end ? { lastCheck: ctx.clock.moment(last.end, run.view.ref(last.end)) } : {}),
        checkRefs: checks.map((call) => run.view.ref(call.scheduled)),
      };
    });
}

/** What the timeline says about an activity beyond its action: a check of a window, or a loop item's step. */
export interface CallNote {
  /** The check's number, for an observe step's check. */
  check?: number;
  /** `check 3 of watch` or `item 1 of each-key: AKIATWO`. */
  what: string;
  /** After a window's last check: how the window closed. */
  closing?: string;
}

export function callNotes(run: RunFacts): (call: ActionCall) => CallNote | undefined {
  const items = new Map<string, string>();
  const windows = new Map<string, { lastCheck: number; closing?: string }>();
  const labels = new Map<string, Map<number, string | undefined>>();
  for (const instance of stepInstances(run)) {
    if (instance.parent !== undefined && instance.item !== undefined) {
      if (!labels.has(instance.parent)) labels.set(instance.parent, new Map(loopItems(run, instance.parent).map((item) => [item.index, item.label])));
      const label = labels.get(instance.parent)!.get(instance.item);
      items.set(instance.id, `item ${instance.item} of ${instance.parent}${label ? `: ${label}` : ''}`);
    }
    if ('observe' in instance.spec) {
      const checks = checkCalls(run, instance.id);
      const recorded = run.final?.state.steps.find((state) => state.id === instance.id)?.observe;
      const count = `${checks.length} check${checks.length === 1 ? '' : 's'}`;
      const closing = recorded?.outcome === 'condition-met' ? `condition met after ${count}` : recorded?.outcome === 'window-elapsed' ? `window elapsed after ${count}` : undefined;
      windows.set(instance.id, { lastCheck: checks[checks.length - 1]?.check ?? 0, ...(closing ? { closing } : {}) });
    }
  }
  return (call) => {
    const check = checkNumber(call);
    const window = windows.get(call.stepId);
    if (check !== undefined && window) {
      const inItem = items.get(call.stepId);
      return { check, what: `check ${check} of ${call.stepId}${inItem ? ` (${inItem})` : ''}`, ...(check === window.lastCheck && window.closing ? { closing: window.closing } : {}) };
    }
    const item = items.get(call.stepId);
    return item ? { what: item } : undefined;
  };
}
