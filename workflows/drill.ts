/**
 * A tabletop drill as a durable workflow: it starts the scenario's runbook as a child run in
 * tabletop mode and plays the scenario's injects on durable timers, measured in drill time (paused
 * time excluded), so they survive a worker restart; a fired inject is signalled to the run, which
 * applies it (drill/run-effects.ts). Facilitators (drill/facilitators.ts) steer through validated
 * Updates (pause, resume, inject now, skip, note, follow-up, end). The drill completes when its
 * run and follow-ups have, or when a facilitator ends it (they are then cancelled).
 *
 * The scenario arrives validated (client/drills.ts); the workflow re-checks only the requests.
 * Workflow-safe.
 */
import {
  allHandlersFinished,
  CancellationScope,
  ChildWorkflowCancellationType,
  type ChildWorkflowHandle,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { QuellActivities } from '../activities';
import type { DecisionSource, RunResult } from '../common/run-state';
import { TemporalScheduledById, QuellDrill } from '../common/search-attributes';
import { runStartSearchAttributes } from '../runbooks/controls';
import { DrillClock } from './drill/clock';
import { FacilitatorPolicy } from './drill/facilitators';
import { followUpToStart, startFollowUpRun } from './drill/follow-ups';
import { injectSignal, nextDue, pendingInject, settleInject, skipInject } from './drill/injects';
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
  startFollowUpUpdate,
  drillEventArrivesSignal,
  drillInjectSignal,
} from './drill/messages';
import { drillFollowUpWorkflowId, drillIncidentId, drillRunWorkflowId, type DrillState, type InjectState } from '../common/drill-state';
import type { RunDrillInput } from './drill/state';
import type { RunRunbookInput } from './input';
import { describeIssues, type RequestSchema } from './messages';
import type { runRunbook } from './run-runbook';
import { describeError } from './outcomes';
import { requiredActions } from './required-actions';

/** Read-only and bounded: a probe that hangs is recorded as a finding, not waited on forever. */
const { probeDrillReadiness } = proxyActivities<QuellActivities>({ startToCloseTimeout: '2m', retry: { maximumAttempts: 2 } });
/** A few minutes of retries at most (a 429 waits as Slack asks), then the drill closes without it. */
const { postDrillSummary } = proxyActivities<QuellActivities>({ startToCloseTimeout: '1m', scheduleToCloseTimeout: '5m', retry: { initialInterval: '2s', maximumInterval: '1m' } });

export type { RunDrillInput } from './drill/state';
export type { DrillState } from '../common/drill-state';

export async function runDrill(input: RunDrillInput): Promise<DrillState> {
  const clock = new DrillClock();
  // The workflow id names the drill: a scheduled drill's id is only known once Temporal starts it.
  const drillId = workflowInfo().workflowId;
  upsertSearchAttributes([{ key: QuellDrill, value: drillId }]);
  const scheduleId = workflowInfo().typedSearchAttributes.get(TemporalScheduledById);
  const incidentId = drillIncidentId(input.incidentId, drillId);
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
  const facilitators = new FacilitatorPolicy(input.participants.facilitators);
  // Started in its own scope: cancelling the scope is how "end" cancels the run and its follow-ups.
  const runScope = new CancellationScope();
  let resolveRun: (handle: ChildWorkflowHandle<typeof runRunbook>) => void = () => undefined;
  // Injects fired before the run has started wait for it here.
  const runReady = new Promise<ChildWorkflowHandle<typeof runRunbook>>((resolve) => (resolveRun = resolve));
  let runClosed = false;
  /** The run's Slack root message, if it had one: the end-of-drill summary replies to it. */
  let runThread: { channel: string; ts: string } | undefined;
  const followUpsEnded: Array<Promise<void>> = [];

  setHandler(drillStateQuery, snapshot);
  steer(pauseDrillUpdate, DrillControl, () => checkOpen() && (state.status === 'running' || refusal(`drill is ${state.status}; only a running drill can be paused`)), (request) => {
    clock.pause();
    state.pauses.push({ at: new Date().toISOString(), atDrillMs: clock.elapsedMs(), by: request.actor.trim() });
    state.status = 'paused';
    controls += 1;
    return snapshot();
  });
  steer(resumeDrillUpdate, DrillControl, () => checkOpen() && (state.status === 'paused' || refusal(`drill is ${state.status}; only a paused drill can be resumed`)), (request) => {
    clock.resume();
    const open = state.pauses[state.pauses.length - 1];
    if (open && open.resumedAt === undefined) Object.assign(open, { resumedAt: new Date().toISOString(), resumedBy: request.actor.trim() });
    state.status = 'running';
    controls += 1;
    return snapshot();
  });
  steer(injectNowUpdate, InjectControl, (request) => checkOpen() && pendingInject(state.injects, request.injectId), async (request) => {
    controls += 1;
    return fire(pendingInject(state.injects, request.injectId), request.actor.trim());
  });
  steer(skipInjectUpdate, InjectControl, (request) => checkOpen() && pendingInject(state.injects, request.injectId), (request) => {
    controls += 1;
    return skipInject(pendingInject(state.injects, request.injectId), clock, request.actor.trim());
  });
  // Notes are welcome after the end too (a debrief); only a closed workflow refuses them.
  steer(noteDrillUpdate, DrillNoteRequest, () => true, (request) => {
    const note = { at: new Date().toISOString(), drillMs: clock.elapsedMs(), actor: request.actor.trim(), text: request.text.trim() };
    state.notes.push(note);
    return note;
  });
  steer(endDrillUpdate, EndDrillRequest, () => checkOpen(), (request) => {
    endRequested = true;
    state.endedBy = { actor: request.actor.trim(), at: new Date().toISOString(), ...(request.reason ? { reason: request.reason } : {}) };
    return snapshot();
  });
  steer(startFollowUpUpdate, InjectControl, (request) => checkOpen() && followUpToStart(state, input, request.injectId), async (request) => {
    const inject = followUpToStart(state, input, request.injectId);
    // Marked at once, so a second request while this one starts the child is refused.
    inject.followUpWorkflowId = drillFollowUpWorkflowId(drillId, inject.id);
    await runReady;
    const started = await runScope.run(() => startFollowUpRun(input, state, inject, incidentId, request.actor.trim(), request.via, clock.elapsedMs()));
    state.followUps.push(started.record);
    followUpsEnded.push(started.ended);
    return started.record;
  });

  /**
   * Registers a facilitator control: the request's own checks, then who is asking, then whether
   * the drill can take it now. A control that arrives before the facilitator groups are resolved
   * (the first moment of a drill) is accepted, then checked in full once they are, and fails there
   * if it must.
   */
  function steer<Request extends { actor: string; via: DecisionSource }, Result>(
    update: UpdateDefinition<Result, [Request]>,
    schema: RequestSchema<Request>,
    allowed: (request: Request) => unknown,
    apply: (request: Request) => Result | Promise<Result>,
  ): void {
    const validate = (request: Request) =>
      checkRequest(schema, request, () => {
        if (!facilitators.known) return;
        facilitators.check(request.actor, request.via);
        allowed(request);
      });
    setHandler(
      update,
      async (request: Request) => {
        if (!facilitators.known) {
          await condition(() => facilitators.known);
          // A plain Error thrown by a handler fails the workflow task, not the Update: refuse as a failure.
          try {
            validate(request);
          } catch (error) {
            throw ApplicationFailure.nonRetryable(describeError(error).message, 'QuellControlRefused');
          }
        }
        return apply(request);
      },
      { validator: validate },
    );
  }
  function checkOpen(): true {
    if (!isOpen() || endRequested) throw new Error(`drill is ${endRequested ? 'ending' : state.status}`);
    return true;
  }

  // Before the run starts: a control that comes first waits for this answer.
  await facilitators.resolve();
  // In parallel with the run: the probe must not delay the players' clock.
  const probing = input.probeReadiness ? probeReadiness() : undefined;

  const child = await runScope.run(() =>
    startChild<typeof runRunbook>('runRunbook', {
      workflowId: state.childWorkflowId,
      args: [childInput(input, drillId, incidentId)],
      // The run settles its cancel itself (undo, final state): wait for it to say how it ended.
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: runStartSearchAttributes({ runbook: input.runbook, incidentId, mode: 'tabletop', requestedBy: input.requestedBy, drillId }),
    }),
  );
  const runEnded = child.result().then(
    (result: RunResult) => {
      state.runOutcome = result.status;
      runThread = result.state.slack;
      runClosed = true;
    },
    (error: unknown) => {
      state.runOutcome = isCancellation(error) ? 'cancelled' : 'failed';
      runClosed = true;
    },
  );

  resolveRun(child);

  await playInjects(() => endRequested || runClosed);
  // Follow-up runs belong to the drill too: it closes when they have, or when the facilitator ends it.
  await condition(() => endRequested || (runClosed && state.followUps.every((run) => run.outcome !== undefined)));
  if (endRequested) runScope.cancel();
  await CancellationScope.nonCancellable(() => Promise.all([runEnded, ...followUpsEnded, probing]));
  clock.stop();
  state.status = endRequested ? 'ended' : 'completed';
  state.endedAt = new Date().toISOString();
  if (runThread && patched('drill-summary')) await postSummary(runThread);
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  return snapshot();

  /**
   * Asks the worker, read-only, whether each action the run will simulate would have worked live.
   * Before the run starts, so the drill's clock and injects are not held up by it later; a probe
   * that cannot finish is recorded as a finding, never a reason to stop the exercise.
   */
  async function probeReadiness(): Promise<void> {
    // The scope a live run of the same inputs would start with (its own id and time unknown yet).
    const run = { id: state.childWorkflowId, incident: incidentId, mode: 'live', requester: input.requestedBy, runbook: input.runbook.id, version: input.runbook.version };
    const request = requiredActions(input.runbook, { inputs: input.inputs, run });
    try {
      state.readiness = await probeDrillReadiness(request);
    } catch (error) {
      state.readiness = { probedAt: new Date().toISOString(), findings: [{ stepId: '-', action: '-', check: 'probe', ok: false, detail: `the readiness probe did not finish: ${describeError(error).message}` }] };
    }
  }

  /**
   * The score in the run's thread. Bounded: a Slack outage must not keep the drill open, and the
   * report is there for the CLI either way.
   */
  async function postSummary(thread: { channel: string; ts: string }): Promise<void> {
    try {
      await CancellationScope.nonCancellable(() => postDrillSummary({ drillId, status: state.status as 'ended' | 'completed', channel: thread.channel, threadTs: thread.ts }));
    } catch (error) {
      log.warn('the drill summary was not posted', { error: describeError(error).message });
    }
  }

  /** Settles each pending inject when drill time reaches its offset, until `done()`. */
  async function playInjects(done: () => boolean): Promise<void> {
    while (!done()) {
      const seen = controls;
      const next = nextDue(state.injects);
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
      if (next.kind === 'inject') await fire(next.inject, 'schedule');
      else await deliverLateEvent(next.inject);
    }
  }

  /** Fires an inject: its record first, then the run is told (unless it has already closed). */
  async function fire(inject: InjectState, by: string): Promise<InjectState> {
    settleInject(inject, clock, by);
    const run = await runReady;
    if (runClosed) {
      inject.effect = `${inject.effect}; the run had already ended, so it changed nothing`;
      return inject;
    }
    try {
      await run.signal(drillInjectSignal, injectSignal(inject));
    } catch (error) {
      // The run closed between our last look and the signal: the record says so.
      inject.effect = `${inject.effect}; the run could not be told (${describeError(error).message})`;
    }
    return inject;
  }

  async function deliverLateEvent(inject: InjectState): Promise<void> {
    inject.eventDeliveredAtDrillMs = clock.elapsedMs();
    const run = await runReady;
    if (runClosed) return;
    try {
      await run.signal(drillEventArrivesSignal, { injectId: inject.id, event: inject.event!.name, drillMs: inject.eventDeliveredAtDrillMs });
    } catch (error) {
      inject.effect = `${inject.effect}; the late event could not be delivered (${describeError(error).message})`;
    }
  }
}

function childInput(input: RunDrillInput, drillId: string, incidentId: string): RunRunbookInput {
  return {
    runbook: input.runbook,
    runbookSha256: input.runbookSha256,
    inputs: input.inputs,
    mode: 'tabletop',
    requestedBy: input.requestedBy,
    requestedVia: input.requestedVia,
    incidentId,
    drill: { drillId },
    ...(input.childRunbooks ? { childRunbooks: input.childRunbooks } : {}),
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
