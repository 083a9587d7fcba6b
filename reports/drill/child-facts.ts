/**
 * What a run's history says about the child runs its `runbook:` steps started and about its
 * re-grades, for the dossier and the drill report alike.
 *
 * A child run shows in the parent's history as its child-workflow events (initiated, started,
 * closed); how it ended comes from the parent's final record, else from the close event's result.
 * A re-grade is in the final record; each change is matched, in order, to the search attribute
 * update that set QuellSeverity to its new value.
 */
import type { RunResult, StepState } from '../../common/run-state';
import { QuellSeverity } from '../../common/search-attributes';
import type { EventOf } from './history';
import { stepInstances, type StepInstance } from './loop-facts';
import type { RunFacts } from './run-facts';
import { childWorkflowId } from '../../common/step-ids';

export interface ChildRunFacts {
  instance: StepInstance;
  state?: StepState;
  workflowId: string;
  runbookId: string;
  version: number;
  initiated?: EventOf<'child-initiated'>;
  started?: EventOf<'child-started'>;
  closed?: EventOf<'child-closed'>;
  status: string;
  outcome?: string;
}

const CLOSE_STATUS: Record<EventOf<'child-closed'>['outcome'], string> = {
  completed: 'completed',
  failed: 'failed',
  canceled: 'cancelled',
  terminated: 'terminated',
  'timed-out': 'timed out',
};

/** Each `runbook:` step the run reached (inside a loop, each item's), with its child's events. */
export function childRuns(run: RunFacts): ChildRunFacts[] {
  const states = new Map<string, StepState>((run.final?.state.steps ?? []).map((state) => [state.id, state]));
  const initiatedAll = run.view.all('child-initiated');
  return stepInstances(run).flatMap((instance): ChildRunFacts[] => {
    const spec = instance.spec;
    if (!('runbook' in spec)) return [];
    const state = states.get(instance.id);
    // `<parent>/<step>`, as workflows/steps/sub-runbook.ts names a child.
    const workflowId = state?.child?.workflowId ?? childWorkflowId(run.workflowId, instance.id);
    const initiated = initiatedAll.find((event) => event.workflowId === workflowId);
    if (!initiated && !state?.child) return [];
    const started = initiated ? run.view.all('child-started').find((event) => event.initiatedEventId === initiated.id) : undefined;
    const closed = initiated ? run.view.all('child-closed').find((event) => event.initiatedEventId === initiated.id) : undefined;
    const result = closed?.result as RunResult | undefined;
    const outcome = state?.child?.outcome ?? result?.state?.outcome?.name;
    return [
      {
        instance,
        ...(state ? { state } : {}),
        workflowId,
        runbookId: state?.child?.runbookId ?? spec.runbook.id,
        version: state?.child?.version ?? result?.state?.runbook.version ?? 0,
        ...(initiated ? { initiated } : {}),
        ...(started ? { started } : {}),
        ...(closed ? { closed } : {}),
        status: state?.child?.status ?? result?.status ?? (closed ? CLOSE_STATUS[closed.outcome] : initiated ? 'running' : 'not started'),
        ...(outcome ? { outcome } : {}),
      },
    ];
  });
}

export interface SeverityFacts {
  declared: string;
  final: string;
  changes: Array<{ from: string; to: string; step: string; at: string; reason?: string; upsert?: EventOf<'search-attributes-upserted'> }>;
}

/** The severity the runbook declares, each re-grade with the update that set it, and the final one. */
export function severityFacts(run: RunFacts): SeverityFacts | undefined {
  const declared = (run.input?.runbook as { severity?: unknown } | undefined)?.severity;
  if (typeof declared !== 'string') return undefined;
  const recorded = run.final?.state.severity;
  const upserts = run.view
    .all('search-attributes-upserted')
    .map((event) => ({ event, value: keyword(event.searchAttributes[QuellSeverity.name]) }))
    .filter((entry) => entry.value !== undefined);
  let next = 0;
  const changes = (recorded?.changes ?? []).map((change) => {
    // Changes and their updates come in the same order: each change takes the next update to its value.
    const index = upserts.findIndex((entry, position) => position >= next && entry.value === change.to);
    if (index >= 0) next = index + 1;
    return { ...change, ...(index >= 0 ? { upsert: upserts[index]!.event } : {}) };
  });
  // While the run is open there is no final record: the latest update says where it stands.
  const final = recorded?.current ?? upserts[upserts.length - 1]?.value ?? declared;
  return { declared, final, changes };
}

/** A keyword search attribute as decoded: the value, or a one-value list. */
function keyword(value: unknown): string | undefined {
  const single = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof single === 'string' ? single : undefined;
}
