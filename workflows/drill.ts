/**
 * A tabletop drill as a durable workflow: it starts the scenario's runbook as a child run in
 * tabletop mode and plays the scenario's injects on durable timers, measured in drill time (paused
 * time excluded), so they survive a worker restart. The facilitator steers through validated
 * Updates (pause, resume, inject now, skip, note, end). The drill completes when its run does, or
 * when the facilitator ends it (the run is then cancelled).
 *
 * The scenario arrives validated (client/drills.ts); the workflow re-checks only the requests.
 * Workflow-safe.
 */
import {
  allHandlersFinished,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  isCancellation,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RunResult } from '../common/run-state';
import { TemporalScheduledById, QuellDrill, QuellIncident, QuellMode, QuellRequester, QuellRunbook, QuellRunbookVersion, QuellStatus } from '../common/search-attributes';
import { DrillClock } from './drill/clock';
import { nextPending, pendingInject, settleInject, skipInject } from './drill/injects';
import {
  DrillControl,
  DrillNoteRequest,
  drillStateQuery,
  EndDrillRequest,
  endDrillUpdate,
  InjectControl,
  injectNowUpdate,
  noteDrillUpdate,
  pauseDrillUpdate,
  resumeDrillUpdate,
  skipInjectUpdate,
} from './drill/messages';
import { drillIncidentId, drillRunWorkflowId, type DrillState } from '../common/drill-state';
import type { RunDrillInput } from './drill/state';
import type { RunRunbookInput } from './input';
import { describeIssues, type RequestSchema } from './messages';
import type { runRunbook } from './run-runbook';

export type { RunDrillInput } from './drill/state';
export type { DrillState } from '../common/drill-state';

export async function runDrill(input: RunDrillInput): Promise<DrillState> {
  const clock = new DrillClock();
  // The workflow id names the drill: a scheduled drill's id is only known once Temporal starts it.
  const drillId = workflowInfo().workflowId;
  upsertSearchAttributes([{ key: QuellDrill, value: drillId }]);
  const scheduleId = workflowInfo().typedSearchAttributes.get(TemporalScheduledById);
  const state: DrillState = {
    drillId,
    scenario: input.scenario,
    runbookId: input.runbook.id,
    childWorkflowId: drillRunWorkflowId(drillId),
    ...(scheduleId ? { scheduleId } : {}),
    status: 'running',
    launchedAt: new Date(clock.launchedAtMs).toISOString(),
    elapsedMs: 0,
    pausedMs: 0,
    injects: input.injects.map((inject) => ({ ...inject, status: 'pending' })),
    notes: [],
    objectives: input.objectives,
    participants: input.participants,
    pauses: [],
    followUps: [],
    requestedBy: input.requestedBy,
    requestedVia: input.requestedVia,
  };
  const snapshot = (): DrillState => ({ ...state, elapsedMs: clock.elapsedMs(), pausedMs: clock.pausedMs() });
  // Bumped by every control, so the inject loop re-plans instead of sleeping through a change.
  let controls = 0;
  let endRequested = false;
  const isOpen = () => state.status === 'running' || state.status === 'paused';

  setHandler(drillStateQuery, snapshot);
  setHandler(
    pauseDrillUpdate,
    (request) => {
      clock.pause();
      state.pauses.push({ at: new Date().toISOString(), atDrillMs: clock.elapsedMs(), by: request.actor.trim() });
      state.status = 'paused';
      controls += 1;
      return snapshot();
    },
    { validator: (request) => checkRequest(DrillControl, request, () => checkOpen() && (state.status === 'running' || refusal(`drill is ${state.status}; only a running drill can be paused`))) },
  );
  setHandler(
    resumeDrillUpdate,
    (request) => {
      clock.resume();
      const open = state.pauses[state.pauses.length - 1];
      if (open && open.resumedAt === undefined) Object.assign(open, { resumedAt: new Date().toISOString(), resumedBy: request.actor.trim() });
      state.status = 'running';
      controls += 1;
      return snapshot();
    },
    { validator: (request) => checkRequest(DrillControl, request, () => checkOpen() && (state.status === 'paused' || refusal(`drill is ${state.status}; only a paused drill can be resumed`))) },
  );
  setHandler(
    injectNowUpdate,
    (request) => {
      controls += 1;
      return settleInject(pendingInject(state.injects, request.injectId), clock, request.actor.trim());
    },
    { validator: (request) => checkRequest(InjectControl, request, () => checkOpen() && pendingInject(state.injects, request.injectId)) },
  );
  setHandler(
    skipInjectUpdate,
    (request) => {
      controls += 1;
      return skipInject(pendingInject(state.injects, request.injectId), clock, request.actor.trim());
    },
    { validator: (request) => checkRequest(InjectControl, request, () => checkOpen() && pendingInject(state.injects, request.injectId)) },
  );
  setHandler(
    noteDrillUpdate,
    (request) => {
      const note = { at: new Date().toISOString(), drillMs: clock.elapsedMs(), actor: request.actor.trim(), text: request.text.trim() };
      state.notes.push(note);
      return note;
    },
    // Notes are welcome after the end too (a debrief); only a closed workflow refuses them.
    { validator: (request) => checkRequest(DrillNoteRequest, request, () => true) },
  );
  setHandler(
    endDrillUpdate,
    (request) => {
      endRequested = true;
      state.endedBy = { actor: request.actor.trim(), at: new Date().toISOString(), ...(request.reason ? { reason: request.reason } : {}) };
      return snapshot();
    },
    { validator: (request) => checkRequest(EndDrillRequest, request, () => checkOpen()) },
  );
  function checkOpen(): true {
    if (!isOpen() || endRequested) throw new Error(`drill is ${endRequested ? 'ending' : state.status}`);
    return true;
  }

  // Started in its own scope: cancelling the scope is how "end" cancels the run.
  const runScope = new CancellationScope();
  const child = await runScope.run(() =>
    startChild<typeof runRunbook>('runRunbook', {
      workflowId: state.childWorkflowId,
      args: [childInput(input, drillId)],
      // The run settles its cancel itself (undo, final state): wait for it to say how it ended.
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: QuellRunbook, value: input.runbook.id },
        { key: QuellRunbookVersion, value: input.runbook.version },
        { key: QuellIncident, value: drillIncidentId(input.incidentId, drillId) },
        { key: QuellMode, value: 'tabletop' },
        { key: QuellRequester, value: input.requestedBy },
        { key: QuellStatus, value: 'running' },
        { key: QuellDrill, value: drillId },
      ],
    }),
  );
  let runClosed = false;
  const runEnded = child.result().then(
    (result: RunResult) => {
      state.runOutcome = result.status;
      runClosed = true;
    },
    (error: unknown) => {
      state.runOutcome = isCancellation(error) ? 'cancelled' : 'failed';
      runClosed = true;
    },
  );

  await playInjects(() => endRequested || runClosed);
  if (endRequested && !runClosed) runScope.cancel();
  await CancellationScope.nonCancellable(() => runEnded);
  clock.stop();
  state.status = endRequested ? 'ended' : 'completed';
  state.endedAt = new Date().toISOString();
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  return snapshot();

  /** Settles each pending inject when drill time reaches its offset, until `done()`. */
  async function playInjects(done: () => boolean): Promise<void> {
    while (!done()) {
      const seen = controls;
      const next = nextPending(state.injects);
      if (clock.paused || next === undefined) {
        await condition(() => done() || controls !== seen);
        continue;
      }
      const wait = next.atMs - clock.elapsedMs();
      if (wait > 0) {
        // A durable timer, cut short by any control (pause, inject now, skip) or the end.
        await condition(() => done() || controls !== seen, wait);
        continue;
      }
      settleInject(next, clock, 'schedule');
    }
  }
}

function childInput(input: RunDrillInput, drillId: string): RunRunbookInput {
  return {
    runbook: input.runbook,
    runbookSha256: input.runbookSha256,
    inputs: input.inputs,
    mode: 'tabletop',
    requestedBy: input.requestedBy,
    requestedVia: input.requestedVia,
    incidentId: drillIncidentId(input.incidentId, drillId),
  };
}

/** The validators' shape: the request's own checks first, then whether the drill can take it now. */
function checkRequest<T>(schema: RequestSchema<T>, request: T, allowed: () => unknown): void {
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw new Error(`invalid request: ${describeIssues(parsed.error)}`);
  allowed();
}

function refusal(message: string): never {
  throw new Error(message);
}
