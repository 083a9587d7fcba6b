/**
 * One inject of each kind, played into a real tabletop run on the dev server: each fires at its
 * offset (± 1 s) and is told to the players in the run's audit trail (its Slack thread and
 * `quell status`); the unavailable approver's decision is refused and another approves; the
 * faulted action fails its first two attempts, then succeeds; players cannot deliver a delayed or
 * withheld event, the drill delivers the late one on time and the withheld one never comes; the
 * twist's follow-up run starts on request, tabletop and linked, and ends with the drill.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { buildApproversSetup } from '../../activities/approvers/build';
import { endDrill, getDrillState, noteDrill, pauseDrill, startDrill, startFollowUp } from '../../client/drills';
import { decideApproval, deliverEvent, getRunState, startRun } from '../../client/runs';
import type { DrillState, InjectState } from '../../common/drill-state';
import type { RunState } from '../../common/run-state';
import type { runDrill } from '../../workflows';
import { drillInjectSignal } from '../../workflows/drill/messages';
import { DRILL_APPROVERS, DRILL_FACILITATOR, loadTestDrill } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { runLogger } from '../support/temporal';

const TOLERANCE_MS = 1_000;

const injectOf = (state: DrillState, id: string): InjectState => {
  const inject = state.injects.find((candidate) => candidate.id === id);
  if (!inject) throw new Error(`no inject ${id}`);
  return inject;
};
const stepOf = (state: RunState, id: string) => state.steps.find((step) => step.id === id)!;

describe('drill injects of every kind', () => {
  let engine: TestEngine;
  let work: string;
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-drill-injects-'));
    const file = path.join(work, 'approvers.yaml');
    fs.writeFileSync(file, DRILL_APPROVERS);
    engine = await startTestEngine('drill-injects', { approvers: buildApproversSetup(file, undefined, runLogger('approvers')) });
  });
  afterAll(async () => {
    await engine.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('each kind takes effect at its offset, and the run and its players meet it', async () => {
    const drill = await loadTestDrill('drill-kinds');
    const handle: WorkflowHandle<typeof runDrill> = await startDrill(engine.client, {
      ...drill,
      exerciseId: `kinds-${Date.now()}`,
      requestedBy: 'rita',
      requestedVia: 'cli',
      taskQueue: engine.taskQueue,
    });
    const drillId = handle.workflowId;
    const runId = `${drillId}:run`;
    const drillState = () => getDrillState(engine.client, drillId);
    const runState = () => getRunState(engine.client, runId);

    // Only facilitators (security-leads, per the approvers file) steer; a player is refused by the engine.
    await expect(pauseDrill(engine.client, drillId, { actor: 'bob', via: 'cli' })).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringContaining('bob (cli) may not steer this drill: only members of security-leads may'),
    });
    await expect(noteDrill(engine.client, drillId, { text: 'sneaky', actor: 'alice', via: 'cli' })).rejects.toMatchObject({ code: 'refused' });

    // The first three injects (message, unavailable, fault) fire at 1 s.
    const early = await eventually('first injects fired', async () => {
      const state = await drillState();
      return ['briefing', 'alice-away', 'pager-flaky'].every((id) => injectOf(state, id).status === 'fired') && state;
    });
    const gate = await eventually('gate open with its eligible approvers', async () => {
      const step = stepOf(await runState(), 'approve');
      return step.approval?.policy !== undefined && step.approval;
    });
    // Alice is on a flight: refused, with the reason; Bob approves.
    await expect(
      decideApproval(engine.client, runId, { stepId: 'approve', actor: 'alice', via: 'cli', decision: 'approve', summarySha256: gate.summarySha256! }),
    ).rejects.toMatchObject({ code: 'refused', message: expect.stringContaining('alice is unavailable for this drill (inject alice-away)') });
    await decideApproval(engine.client, runId, { stepId: 'approve', actor: 'bob', via: 'cli', decision: 'approve', summarySha256: gate.summarySha256! });

    // The faulted notify fails twice on purpose, then succeeds on its third attempt.
    await eventually('page done', async () => stepOf(await runState(), 'page').status === 'succeeded');
    const history = await engine.client.workflow.getHandle(runId).fetchHistory();
    const events = history.events ?? [];
    const notifyScheduled = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'notify')!;
    const lastStart = events.find((event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(notifyScheduled.eventId))?.activityTaskStartedEventAttributes;
    expect(lastStart?.attempt).toBe(3);
    expect(lastStart?.lastFailure?.applicationFailureInfo?.type).toBe('QuellDrillFault');

    // The vendor's confirmation is delayed: players cannot deliver it; the drill does, 6 s after its inject.
    const delayed = await eventually('vendor-late fired', async () => {
      const state = await drillState();
      return injectOf(state, 'vendor-late').status === 'fired' && state;
    });
    if (injectOf(delayed, 'vendor-late').eventDeliveredAtDrillMs === undefined) {
      await expect(deliverEvent(engine.client, runId, { event: 'vendor-deletion-confirmed', actor: 'bob', via: 'cli' })).rejects.toMatchObject({
        code: 'refused',
        message: expect.stringContaining('is delayed by the drill (inject vendor-late)'),
      });
    }
    await expect(deliverEvent(engine.client, runId, { event: 'legal-sign-off', actor: 'bob', via: 'cli' })).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringContaining('never arrives in this exercise (drill inject legal-silent)'),
    });
    const vendor = await eventually('vendor confirmation arrived', async () => {
      const step = stepOf(await runState(), 'await-vendor');
      return step.status === 'succeeded' && step;
    });
    expect(vendor.actor).toBe('drill:vendor-late');

    // The withheld sign-off never comes: the wait times out and the run goes on (on_error: continue).
    await eventually('legal wait timed out', async () => stepOf(await runState(), 'await-legal').status === 'failed');

    // The twist prompts a follow-up; the facilitator starts it; it is tabletop and linked.
    const followUp = await startFollowUp(engine.client, drillId, { injectId: 'second-key', actor: DRILL_FACILITATOR, via: 'cli' });
    expect(followUp).toMatchObject({ injectId: 'second-key', workflowId: `${drillId}:follow-up:second-key`, runbookId: 'drill-hold', startedBy: DRILL_FACILITATOR });
    await expect(startFollowUp(engine.client, drillId, { injectId: 'second-key', actor: DRILL_FACILITATOR, via: 'cli' })).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringContaining('already started'),
    });
    await expect(startFollowUp(engine.client, drillId, { injectId: 'briefing', actor: DRILL_FACILITATOR, via: 'cli' })).rejects.toMatchObject({
      message: expect.stringContaining('only a twist starts a follow-up run'),
    });
    const followUpRun = await eventually('follow-up running', async () => (await getRunState(engine.client, followUp.workflowId).catch(() => undefined))?.status === 'running');
    expect(followUpRun).toBe(true);
    const described = await engine.client.workflow.getHandle(followUp.workflowId).describe();
    expect(described.searchAttributes).toMatchObject({ QuellMode: ['tabletop'], QuellDrill: [drillId] });

    // Every inject fired at its offset, in drill time and on the wall clock.
    const state = await drillState();
    const measured: Record<string, number> = {};
    for (const inject of state.injects) {
      expect(inject.status).toBe('fired');
      measured[inject.id] = Date.parse(inject.settledAt!) - Date.parse(state.launchedAt);
      expect(Math.abs(measured[inject.id]! - inject.atMs)).toBeLessThanOrEqual(TOLERANCE_MS);
    }
    const late = injectOf(state, 'vendor-late');
    expect(Math.abs(late.eventDeliveredAtDrillMs! - (late.atMs + late.event!.delayMs!))).toBeLessThanOrEqual(TOLERANCE_MS);
    console.log(`inject offsets (ms from launch): ${JSON.stringify(measured)}; late event delivered at ${late.eventDeliveredAtDrillMs} ms`);
    expect(early.injects.length).toBe(6);

    // The players were told of every inject, in order, in the run's audit trail (its thread lines).
    const told = (await runState()).events.filter((event) => event.kind === 'drill.inject').map((event) => event.detail!.split(':')[0]);
    expect(told.sort()).toEqual(state.injects.map((inject) => inject.id).sort());
    expect((await runState()).events.find((event) => event.detail?.startsWith('briefing:'))?.detail).toBe('briefing: Alert: unknown calls from 203.0.113.7');

    await endDrill(engine.client, drillId, { actor: DRILL_FACILITATOR, via: 'cli' });
    const final = await handle.result();
    expect(final.status).toBe('ended');
    expect(final.followUps).toEqual([expect.objectContaining({ workflowId: followUp.workflowId, outcome: 'cancelled' })]);
    expect(final.runOutcome).toBe('cancelled');
  });

  test('a run not started by a drill ignores inject signals and records that it did', async () => {
    const { runbook, runbookSha256 } = await loadTestDrill('drill-kinds');
    const handle = await startRun(engine.client, { runbook, runbookSha256, inputs: {}, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'cli', incidentId: `plain-${Date.now()}`, taskQueue: engine.taskQueue });
    await handle.signal(drillInjectSignal, { injectId: 'sneaky', kind: 'event', event: { name: 'vendor-deletion-confirmed', never: true }, drillMs: 0 });
    await handle.signal(drillInjectSignal, { injectId: 'odd', kind: 'fault' } as never);
    const ignored = await eventually('signals recorded as ignored', async () => {
      const events = (await getRunState(engine.client, handle.workflowId)).events.filter((event) => event.kind === 'drill.inject-ignored');
      return events.length === 2 && events;
    });
    expect(ignored.map((event) => event.detail)).toEqual(['inject sneaky: only a drill\'s tabletop run takes injects', 'a malformed inject was ignored']);
    // Nothing was withheld: the event is still accepted.
    await deliverEvent(engine.client, handle.workflowId, { event: 'vendor-deletion-confirmed', actor: 'bob', via: 'cli' });
    await handle.cancel();
  });
});
