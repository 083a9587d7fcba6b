/**
 * Cancel mid-run: completed compensable steps are undone newest first, exactly once each; steps
 * without a compensation stay as they were; nothing after the cancel point runs.
 */
import { cancelRun, getRunState } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitForState } from '../support/run-driver';

const RUNBOOK = 'test/fixtures/runbooks/compensation.yaml';

describe('cancel with compensation', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine('compensation');
  });
  afterAll(async () => {
    await engine.stop();
  });

  test('undoes completed compensable steps in reverse order, exactly once each', async () => {
    const id = await engine.start(RUNBOOK);
    const running = await waitForState(() => getRunState(engine.client, id), (s) => s.steps.find((step) => step.id === 'hold')?.status === 'waiting');
    const ruleIds = Object.fromEntries(
      running.steps.filter((step) => step.action === 'egress.block').map((step) => [step.id, step.output?.rule_id as string]),
    );
    expect(Object.keys(ruleIds).sort()).toEqual(['block-first', 'block-second', 'block-third']);

    await expect(cancelRun(engine.client, id, { actor: 'ivan.ic', via: 'cli', reason: '  ' })).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringContaining('a reason is required to cancel a run'),
    });
    await cancelRun(engine.client, id, { actor: 'ivan.ic', via: 'cli', reason: 'false positive' });
    await expect(cancelRun(engine.client, id, { actor: 'ivan.ic', via: 'cli', reason: 'again' })).rejects.toMatchObject({
      code: 'refused',
    });

    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('cancelled');
    expect(result.state.cancel).toMatchObject({ actor: 'ivan.ic', reason: 'false positive' });

    const byId = Object.fromEntries(result.state.steps.map((step) => [step.id, step]));
    expect(byId['block-first'].status).toBe('compensated');
    expect(byId['block-second'].status).toBe('compensated');
    expect(byId['block-third'].status).toBe('compensated');
    expect(byId.revoke.status).toBe('succeeded');
    expect(byId.tell.status).toBe('succeeded');
    expect(byId.hold).toMatchObject({ status: 'failed', error: { type: 'Cancelled' } });
    expect(byId['never-reached'].status).toBe('pending');

    const effects = await engine.journal.list({ workflowId: id });
    const unblocks = effects.filter((effect) => effect.action === 'egress.unblock');
    expect(unblocks.map((effect) => effect.stepId)).toEqual(['block-third', 'block-second', 'block-first']);
    expect(unblocks.map((effect) => effect.params.rule_id)).toEqual([ruleIds['block-third'], ruleIds['block-second'], ruleIds['block-first']]);
    expect(unblocks[0].params.provider).toBe('aws-sg');
    expect(effects.filter((effect) => effect.stepId === 'never-reached')).toHaveLength(0);
    // One record per idempotency key: no effect happened twice.
    expect(new Set(effects.map((effect) => effect.idempotencyKey)).size).toBe(effects.length);

    const compensated = result.state.events.filter((event) => event.kind === 'step.compensated').map((event) => event.step);
    expect(compensated).toEqual(['block-third', 'block-second', 'block-first']);
  });

  test('a Temporal-level cancel (e.g. from the Web UI) compensates the same way', async () => {
    const id = await engine.start(RUNBOOK);
    await waitForState(() => getRunState(engine.client, id), (s) => s.steps.find((step) => step.id === 'hold')?.status === 'waiting');
    await engine.client.workflow.getHandle(id).cancel();
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('cancelled');
    expect(result.state.cancel?.actor).toBe('temporal');
    const unblocks = (await engine.journal.list({ workflowId: id })).filter((effect) => effect.action === 'egress.unblock');
    expect(unblocks.map((effect) => effect.stepId)).toEqual(['block-third', 'block-second', 'block-first']);
  });
});
