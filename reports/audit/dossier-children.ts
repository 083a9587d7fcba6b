/**
 * Runs that start other runs, and runs that change their severity, in the dossier (the facts
 * come from ../drill/child-facts.ts, shared with the drill report).
 *
 * A child-run entry cites the child-workflow events in the parent's history; the child's own
 * steps stay in the child's dossier, and the entry names the command that exports it. A child's
 * dossier names its parent from its own start event: the input carries `parent`, and Temporal
 * records the parent workflow beside it. Each severity change cites the search attribute update
 * that set the new severity.
 */
import { childRuns, severityFacts } from '../drill/child-facts';
import type { RunFacts } from '../drill/run-facts';
import type { ChildRunEntryData, SeverityData } from './dossier-children-types';
import type { Scrub } from './dossier-steps';
import type { RunEntryData } from './dossier-types';
import { summariseOutput } from './output-summary';

/** The command that exports a run's dossier, as the CLI spells it. */
export function exportCommand(workflowId: string): string {
  return `quell audit export ${workflowId}`;
}

/** One entry per `runbook:` step the run reached (inside a loop, one per item that reached it). */
export function childRunEntries(run: RunFacts, scrub: Scrub): ChildRunEntryData[] {
  return childRuns(run).map((child) => {
    const { instance, state, initiated, started, closed } = child;
    const summary = summariseOutput(scrub(state?.output));
    const error = state?.error?.message;
    return {
      stepId: instance.id,
      ...(instance.parent && instance.item !== undefined ? { parent: instance.parent, item: instance.item } : {}),
      workflowId: child.workflowId,
      runbookId: child.runbookId,
      version: child.version,
      ...(initiated ? { initiatedAt: initiated.at, initiatedEventId: initiated.id } : {}),
      ...(started ? { startedAt: started.at, startedEventId: started.id } : {}),
      ...(closed ? { closedAt: closed.at, closedEventId: closed.id } : {}),
      status: child.status,
      ...(child.outcome ? { outcome: child.outcome } : {}),
      ...(summary ? { outputSummary: summary } : {}),
      ...(error ? { error } : {}),
      ownDossier: exportCommand(child.workflowId),
    };
  });
}

/** The run that started this one, from the start event: the input's `parent` and Temporal's own record. */
export function parentOf(run: RunFacts): RunEntryData['parent'] | undefined {
  const started = run.view.started;
  const given = (started?.input[0] as { parent?: { workflowId?: unknown; stepId?: unknown } } | undefined)?.parent;
  if (typeof given?.workflowId !== 'string' || typeof given.stepId !== 'string') return undefined;
  return { workflowId: given.workflowId, stepId: given.stepId, startEventNamesParent: started?.parentWorkflowId === given.workflowId };
}

/** The severity the runbook declares, each re-grade (citing its search attribute update) and the final one. */
export function severityOf(run: RunFacts): SeverityData | undefined {
  const facts = severityFacts(run);
  if (!facts) return undefined;
  return {
    declared: facts.declared,
    final: facts.final,
    changes: facts.changes.map(({ upsert, ...change }) => ({ ...change, ...(upsert ? { eventId: upsert.id } : {}) })),
  };
}
