/**
 * The drill workflow on the real dev server: message injects fire at their offsets (± 1 s,
 * measured from the drill's recorded launch), pause shifts what remains by the paused time,
 * inject-now and skip steer single injects, notes are kept, end cancels the run, a withheld
 * event is refused to players, and the drill closes when its run does.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { endDrill, getDrillState, injectNow, noteDrill, pauseDrill, resumeDrill, skipInject, startDrill } from '../../client/drills';
import { deliverEvent, getRunState } from '../../client/runs';
import type { runDrill } from '../../workflows';
import type { DrillState, InjectState } from '../../common/drill-state';
import { loadTestDrill } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';

const TOLERANCE_MS = 1_000;
const FACILITATOR = 'fiona.facilitator';

/** Wall time from launch to when the inject settled, in ms. */
function wallOffset(state: DrillState, inject: InjectState): number {
  return Date.parse(inject.settledAt!) - Date.parse(state.launchedAt);
}

function injectOf(state: DrillState, id: string): InjectState {
  const inject = state.injects.find((candidate) => candidate.id === id);
  if (!inject) throw new Error(`no inject ${id}`);
  return inject;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('drill workflow', () => {
  let engine: TestEngine;
  let counter = 0;
  beforeAll(async () => {
    engine = await startTestEngine('drill');
  });
  afterAll(async () => {
    await engine.stop();
  });

  async function launch(): Promise<WorkflowHandle<typeof runDrill>> {
    counter += 1;
    const drill = await loadTestDrill('drill-hold');
    return startDrill(engine.client, { ...drill, exerciseId: `t${Date.now()}-${counter}`, requestedBy: 'rita.requester', requestedVia: 'api', taskQueue: engine.taskQueue });
  }

  const settled = (handle: WorkflowHandle, ids: string[]) =>
    eventually(`injects ${ids.join(', ')} settled`, async () => {
      const state = await getDrillState(engine.client, handle.workflowId);
      return ids.every((id) => injectOf(state, id).status !== 'pending') && state;
    });

  test('injects fire at their offsets; the withheld event is refused to players; a note is kept; end cancels the run', async () => {
    const handle = await launch();
    const state = await settled(handle, ['first', 'second', 'third', 'vendor-silent']);
    const measured: Record<string, number> = {};
    for (const inject of state.injects) {
      measured[inject.id] = wallOffset(state, inject);
      expect(Math.abs(wallOffset(state, inject) - inject.atMs)).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(Math.abs(inject.settledAtDrillMs! - inject.atMs)).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(inject.settledBy).toBe('schedule');
    }
    console.log(`measured inject offsets (ms from launch): ${JSON.stringify(measured)}`);
    expect(state.injects.map((inject) => [inject.id, inject.status])).toEqual([
      ['first', 'fired'],
      ['second', 'fired'],
      ['third', 'fired'],
      ['vendor-silent', 'fired'],
    ]);
    expect(injectOf(state, 'first').message).toBe('First message');
    await expect(deliverEvent(engine.client, state.childWorkflowId, { event: 'drill-ended', actor: 'rita.requester', via: 'api' })).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringContaining('"drill-ended" never arrives in this exercise (drill inject vendor-silent)'),
    });

    const note = await noteDrill(engine.client, handle.workflowId, { text: '  The team noticed the first message at once  ', actor: FACILITATOR, via: 'cli' });
    expect(note).toMatchObject({ text: 'The team noticed the first message at once', actor: FACILITATOR });
    await expect(noteDrill(engine.client, handle.workflowId, { text: '   ', actor: FACILITATOR, via: 'cli' })).rejects.toMatchObject({ code: 'refused' });
    expect((await getRunState(engine.client, state.childWorkflowId)).status).toBe('running');
    expect(state.childWorkflowId).toBe(`${handle.workflowId}:run`);

    await endDrill(engine.client, handle.workflowId, { actor: FACILITATOR, via: 'cli', reason: 'time is up' });
    const final = await handle.result();
    expect(final.status).toBe('ended');
    expect(final.runOutcome).toBe('cancelled');
    expect(final.notes).toHaveLength(1);
    expect(final.endedBy).toMatchObject({ actor: FACILITATOR, reason: 'time is up' });
    expect((await engine.client.workflow.getHandle(state.childWorkflowId).describe()).status.name).toBe('COMPLETED');
    expect((await getRunState(engine.client, state.childWorkflowId)).status).toBe('cancelled');
  });

  test('a pause between two injects delays the remaining ones by the paused time', async () => {
    const handle = await launch();
    await settled(handle, ['first']);
    const paused = await pauseDrill(engine.client, handle.workflowId, { actor: FACILITATOR, via: 'cli' });
    expect(paused.status).toBe('paused');
    await expect(pauseDrill(engine.client, handle.workflowId, { actor: FACILITATOR, via: 'cli' })).rejects.toMatchObject({ message: 'drill is paused; only a running drill can be paused' });
    await sleep(2_500);
    expect(injectOf(await getDrillState(engine.client, handle.workflowId), 'second').status).toBe('pending');
    await resumeDrill(engine.client, handle.workflowId, { actor: FACILITATOR, via: 'cli' });
    const state = await settled(handle, ['second', 'third']);
    expect(state.pausedMs).toBeGreaterThanOrEqual(2_400);
    const measured: Record<string, number> = {};
    for (const id of ['second', 'third']) {
      const inject = injectOf(state, id);
      measured[id] = wallOffset(state, inject);
      expect(Math.abs(wallOffset(state, inject) - (inject.atMs + state.pausedMs))).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(Math.abs(inject.settledAtDrillMs! - inject.atMs)).toBeLessThanOrEqual(TOLERANCE_MS);
    }
    console.log(`measured with a ${state.pausedMs} ms pause (ms from launch): ${JSON.stringify(measured)}`);
    await endDrill(engine.client, handle.workflowId, { actor: FACILITATOR, via: 'cli' });
    await handle.result();
  });

  test('inject now fires at once; skip prevents an inject; unknown or settled injects are refused', async () => {
    const handle = await launch();
    const skipped = await skipInject(engine.client, handle.workflowId, { injectId: 'third', actor: FACILITATOR, via: 'cli' });
    expect(skipped).toMatchObject({ status: 'skipped', settledBy: FACILITATOR });
    const fired = await injectNow(engine.client, handle.workflowId, { injectId: 'second', actor: FACILITATOR, via: 'cli' });
    expect(fired).toMatchObject({ status: 'fired', settledBy: FACILITATOR });
    expect(fired.settledAtDrillMs!).toBeLessThan(fired.atMs);
    await expect(injectNow(engine.client, handle.workflowId, { injectId: 'second', actor: FACILITATOR, via: 'cli' })).rejects.toMatchObject({
      code: 'refused',
      message: 'inject "second" is already fired',
    });
    await expect(skipInject(engine.client, handle.workflowId, { injectId: 'nope', actor: FACILITATOR, via: 'cli' })).rejects.toMatchObject({
      message: 'the scenario has no inject "nope"; its injects: first, second, third, vendor-silent',
    });
    await sleep(3_500);
    const state = await getDrillState(engine.client, handle.workflowId);
    expect(injectOf(state, 'third').status).toBe('skipped');
    expect(injectOf(state, 'first').status).toBe('fired');
    await endDrill(engine.client, handle.workflowId, { actor: FACILITATOR, via: 'cli' });
    await handle.result();
    await expect(endDrill(engine.client, handle.workflowId, { actor: FACILITATOR, via: 'cli' })).rejects.toMatchObject({ code: 'refused' });
  });

  test('the drill completes when its run completes, and records the outcome', async () => {
    const handle = await launch();
    const { childWorkflowId } = await getDrillState(engine.client, handle.workflowId);
    await eventually('run started', async () => (await getRunState(engine.client, childWorkflowId).catch(() => undefined))?.status === 'running');
    await deliverEvent(engine.client, childWorkflowId, { event: 'drill-ended', actor: 'rita.requester', via: 'api' });
    const final = await handle.result();
    expect(final.status).toBe('completed');
    expect(final.runOutcome).toBe('completed');
  });
});
