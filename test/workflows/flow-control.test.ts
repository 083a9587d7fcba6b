/**
 * Interpreter behaviour beyond the happy path: `when`, `on_error`, events that arrive early or
 * were never declared, reminders, failure without automatic undo, and the live-readiness check
 * inside the workflow (a live run that reaches a worker without connectors does nothing).
 */
import { deliverEvent, getRunState, startRun } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';

const FLOW = 'test/fixtures/runbooks/flow-control.yaml';

describe('interpreter flow control', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine('flow');
  });
  afterAll(async () => {
    await engine.stop();
  });

  test('on_error continue, when, reminders, then a hard failure ends the run without undo', async () => {
    const id = await engine.start(FLOW, { address: 'not-an-address' });
    const waiting = await waitForState(
      () => getRunState(engine.client, id),
      (s) => (s.steps.find((step) => step.id === 'confirm')?.wait?.remindersSent ?? 0) >= 2,
    );
    const bad = waiting.steps.find((step) => step.id === 'bad-block');
    expect(bad?.status).toBe('failed');
    expect(bad?.error?.type).toBe('QuellInvalidInput');
    expect(bad?.error?.message).toContain('cidrs.0: must be an IPv4 or IPv6 address or CIDR');
    const notice = waiting.steps.find((step) => step.id === 'notice');
    expect(notice?.status).toBe('succeeded');
    const reminders = (await engine.journal.list({ workflowId: id })).filter((e) => e.action === 'notify' && e.stepId === 'confirm');
    expect(reminders.length).toBeGreaterThanOrEqual(2);
    expect(new Set(reminders.map((e) => e.idempotencyKey)).size).toBe(reminders.length);

    await expect(deliverEvent(engine.client, id, { event: 'made-up-event', actor: 'oscar', via: 'cli' })).rejects.toMatchObject({
      code: 'refused',
      message: 'runbook flow-control does not wait for "made-up-event"; it waits for: vendor-deletion-confirmed, drill-ended',
    });
    await deliverEvent(engine.client, id, { event: 'vendor-deletion-confirmed', actor: 'oscar', via: 'cli', payload: { certificate: 'https://vendor.example/cert/1' } });
    await expect(deliverEvent(engine.client, id, { event: 'vendor-deletion-confirmed', actor: 'oscar', via: 'cli' })).rejects.toMatchObject({
      message: 'event "vendor-deletion-confirmed" was already received',
    });
    await deliverEvent(engine.client, id, { event: 'drill-ended', actor: 'oscar', via: 'cli' });

    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('failed');
    expect(result.state.failure?.step).toBe('strict-block');
    const confirm = result.state.steps.find((step) => step.id === 'confirm');
    expect(confirm).toMatchObject({ status: 'succeeded', actor: 'oscar', output: { certificate: 'https://vendor.example/cert/1' } });
    expect(result.state.steps.find((step) => step.id === 'unreachable')?.status).toBe('pending');
  });

  test('an event delivered before its wait step is kept and consumed when the step starts; when=false skips', async () => {
    const id = await engine.start(FLOW, { address: '192.0.2.77', skip_notice: 'true' });
    // Delivered as early as possible: usually before `confirm` starts waiting.
    await deliverEvent(engine.client, id, { event: 'vendor-deletion-confirmed', actor: 'early.bird', via: 'api' });
    await deliverEvent(engine.client, id, { event: 'drill-ended', actor: 'early.bird', via: 'api' });
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    const byId = Object.fromEntries(result.state.steps.map((step) => [step.id, step]));
    expect(byId['bad-block'].status).toBe('succeeded');
    expect(byId.notice.status).toBe('skipped');
    expect(byId.confirm.actor).toBe('early.bird');
  });

  test('a live run reaching a worker without connectors fails before its first step', async () => {
    const { runbook, sha256 } = await loadTestRunbook('runbooks/credential-compromise.yaml');
    // Bypass the client-side refusal on purpose: the worker must refuse on its own.
    const handle = await startRun(engine.client, {
      runbook,
      runbookSha256: sha256,
      inputs: { principal: 'alice' },
      mode: 'live',
      requestedBy: 'rita.requester',
      requestedVia: 'api',
      incidentId: `INC-LIVE-${Date.now()}`,
      taskQueue: engine.taskQueue,
    });
    const result = (await handle.result()) as RunResult;
    expect(result.status).toBe('failed');
    expect(result.state.failure?.message).toMatch(/^live run refused: no live connector is configured for /);
    expect(result.state.failure?.message).toContain('no live connector is configured for credentials.list (step find-keys)');
    // A loop's steps are named by their own id.
    expect(result.state.failure?.message).toContain('no live connector is configured for credentials.deactivate (step deactivate-key)');
    expect(result.state.failure?.message).toContain(
      'no live connector is configured for notify (steps approve-containment, tell-responders)',
    );
    expect(result.state.steps.every((step) => step.status === 'pending')).toBe(true);
    expect(await engine.journal.list({ workflowId: handle.workflowId })).toHaveLength(0);
  });
});
