/**
 * The improvement plan workflow on the real dev server: the first item starts the plan
 * (update-with-start) and later ones join it; bad items are refused naming the field; closing it,
 * by hand or by leaving it idle, stops it taking items, and a closed plan is never started again.
 */
import { addPlanItem, closeDebrief, listPlanItems } from '../../client/drill-debrief';
import { startDrill } from '../../client/drills';
import { loadTestDrill } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';

describe('drill improvement plan', () => {
  let engine: TestEngine;
  let counter = 0;
  const drills: string[] = [];
  beforeAll(async () => {
    engine = await startTestEngine('drill-debrief');
  });
  afterAll(async () => {
    for (const drillId of drills) await engine.client.workflow.getHandle(drillId).terminate('test over');
    await engine.stop();
  });

  /** A drill whose history names its objectives; no worker plays it (the plan needs none of it). */
  async function drill(): Promise<string> {
    counter += 1;
    const loaded = await loadTestDrill('drill-score');
    const handle = await startDrill(engine.client, { ...loaded, exerciseId: `plan-${Date.now()}-${counter}`, requestedBy: 'rita', requestedVia: 'cli', taskQueue: `${engine.taskQueue}-unplayed` });
    drills.push(handle.workflowId);
    return handle.workflowId;
  }
  const item = (finding: string) => ({ finding, action: 'Write the runbook step down', owner: 'lee', due: '2030-03-31', actor: 'lee', via: 'cli' as const });

  test('items are numbered in order, refused naming the field, and closing stops the plan for good', async () => {
    const drillId = await drill();
    expect(await listPlanItems(engine.client, drillId)).toEqual({ debriefId: `${drillId}:debrief`, status: 'not-started', items: [] });
    const first = await addPlanItem(engine.client, drillId, { ...item('  Paging took too long  '), objectiveId: 'contained' }, { taskQueue: engine.taskQueue });
    expect(first).toMatchObject({ id: 1, finding: 'Paging took too long', objectiveId: 'contained', addedBy: 'lee', addedVia: 'cli' });
    const second = await addPlanItem(engine.client, drillId, item('Legal was unreachable'), { taskQueue: engine.taskQueue });
    expect(second.id).toBe(2);

    await expect(addPlanItem(engine.client, drillId, { ...item('x'), due: '2030-02-31' }, { taskQueue: engine.taskQueue })).rejects.toMatchObject({ code: 'invalid-input', message: 'due: 2030-02-31 is not a day of the calendar' });
    await expect(addPlanItem(engine.client, drillId, { ...item('x'), owner: ' ' }, { taskQueue: engine.taskQueue })).rejects.toMatchObject({ code: 'invalid-input', message: 'owner: owner is required (who will do it)' });
    await expect(addPlanItem(engine.client, drillId, { ...item('x'), objectiveId: 'nope' }, { taskQueue: engine.taskQueue })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('objectiveId: the scenario of') });
    await expect(addPlanItem(engine.client, 'quell-drill:nope:none', item('x'), { taskQueue: engine.taskQueue })).rejects.toMatchObject({ code: 'not-found', message: 'drillId: no drill quell-drill:nope:none' });

    const listed = await listPlanItems(engine.client, drillId);
    expect(listed).toMatchObject({ status: 'open', items: [{ id: 1, ref: expect.stringMatching(/^debrief#\d+$/) }, { id: 2 }] });

    const closed = await closeDebrief(engine.client, drillId, { actor: 'lee', via: 'cli' });
    expect(closed).toMatchObject({ status: 'closed', closedBy: 'lee', items: [{ id: 1 }, { id: 2 }] });
    await engine.client.workflow.getHandle(`${drillId}:debrief`).result();
    await expect(addPlanItem(engine.client, drillId, item('too late'), { taskQueue: engine.taskQueue })).rejects.toMatchObject({ code: 'refused', message: `the improvement plan of ${drillId} is closed; it takes no more items` });
    expect(await listPlanItems(engine.client, drillId)).toMatchObject({ status: 'closed', closedBy: 'lee', items: [{ id: 1 }, { id: 2 }] });
  });

  test('a plan nobody touches closes itself', async () => {
    const drillId = await drill();
    await addPlanItem(engine.client, drillId, item('Nobody owned the vendor call'), { taskQueue: engine.taskQueue, idleCloseAfterMs: 1_500 });
    const result = await engine.client.workflow.getHandle(`${drillId}:debrief`).result();
    expect(result).toMatchObject({ status: 'closed', closedBy: 'idle', items: [{ id: 1 }] });
    const plan = await eventually('plan closed', async () => {
      const found = await listPlanItems(engine.client, drillId);
      return found.status === 'closed' && found;
    });
    expect(plan).toMatchObject({ closedBy: 'idle', items: [{ id: 1, finding: 'Nobody owned the vendor call' }] });
  });
});
