/**
 * Sequences inside a parallel step and a step in the background, on the dev server: the two
 * containment sequences run side by side, each in order and reading its own earlier steps; legal's
 * clock starts first in the background and does not hold containment up; the closing step waits
 * for it (its join) and reads it. A sequence that fails skips the rest of itself and fails the
 * parallel step, and the background step still settles before the run ends.
 */
import { decideApproval, getRunState } from '../../client/runs';
import type { RunResult, RunState, StepState } from '../../common/run-state';
import { waitForState } from '../support/run-driver';
import { loadRunbookText } from '../../runbooks/load';
import { startTestEngine, type TestEngine } from '../support/engine';

const RUNBOOK = 'test/fixtures/runbooks/parallel-sequences.yaml';

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine('parallel-sequences');
});
afterAll(async () => {
  await engine?.stop();
});

const byId = (result: RunResult) => Object.fromEntries(result.state.steps.map((step) => [step.id, step])) as Record<string, StepState>;
const at = (time: string | undefined) => Date.parse(time!);

test('sequences run side by side, the background clock holds nothing up, and the close joins it', async () => {
  const workflowId = await engine.start(RUNBOOK);
  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('completed');
  const steps = byId(result);
  for (const id of ['legal-clock', 'notify-legal', 'legal-window', 'contain', 'identity', 'revoke', 'confirm-revoke', 'network', 'block', 'broken', 'confirm-block', 'close']) {
    expect([id, steps[id]!.status]).toEqual([id, id === 'broken' ? 'skipped' : 'succeeded']);
  }
  expect(steps['revoke']!.parent).toBe('identity');
  expect(steps['notify-legal']!.parent).toBe('legal-clock');
  // Containment finished while legal's 4 s window was still open: the background held nothing up.
  expect(at(steps['contain']!.endedAt)).toBeLessThan(at(steps['legal-window']!.endedAt));
  // Each sequence in order; the close only after the background step it joins.
  expect(at(steps['confirm-revoke']!.startedAt)).toBeGreaterThanOrEqual(at(steps['revoke']!.endedAt));
  expect(at(steps['close']!.startedAt)).toBeGreaterThanOrEqual(at(steps['legal-clock']!.endedAt));
  expect(String((steps['confirm-block']!.output as { would_do: string[] }).would_do)).toContain(`blocked ${String(steps['block']!.output!.rule_id)}`);
  expect(String((steps['close']!.output as { would_do: string[] }).would_do)).toContain(`legal woke at ${String(steps['legal-window']!.output!.woke_at)}`);
}, 60_000);

test('a failing sequence skips its rest and fails the run, stopping the background step', async () => {
  const workflowId = await engine.start(RUNBOOK, { fail_block: true });
  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('failed');
  const steps = byId(result);
  expect(steps['broken']!.status).toBe('failed');
  expect(steps['confirm-block']).toMatchObject({ status: 'skipped', skippedBecause: 'sequence network stopped at broken' });
  expect(steps['network']!.status).toBe('failed');
  expect(steps['identity']!.status).toBe('succeeded');
  expect(result.state.failure).toMatchObject({ step: 'contain', message: 'branch network (at broken) failed' });
  // Nothing was left running behind the failed run, and the run did not sit out legal's window.
  expect(steps['notify-legal']!.status).toBe('succeeded');
  expect(steps['legal-window']).toMatchObject({ status: 'failed', error: { message: 'stopped: the run failed at step contain', type: 'Cancelled' } });
  expect(at(result.state.endedAt) - at(steps['legal-window']!.startedAt)).toBeLessThan(4_000);
  expect(steps['close']!.status).toBe('pending');
}, 60_000);

const STOPS = 'test/fixtures/runbooks/background-stops.yaml';

async function waitingAtBoth(workflowId: string): Promise<RunState> {
  return waitForState(
    () => getRunState(engine.client, workflowId),
    (state) => ['ask-legal', 'gate'].every((id) => state.steps.some((step) => step.id === id && step.status === 'waiting' && (step.approval ?? step.decision)?.policy !== undefined)),
  );
}

test('a rejection does not wait for a background decision: it stops it, then undoes what the background did', async () => {
  const workflowId = await engine.start(STOPS);
  const gate = (await waitingAtBoth(workflowId)).steps.find((step) => step.id === 'gate')!.approval!;
  await decideApproval(engine.client, workflowId, { stepId: 'gate', actor: 'bob.approver', decision: 'reject', via: 'api', reason: 'not now', summarySha256: gate.summarySha256 });
  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('rejected');
  const steps = byId(result);
  expect(steps['ask-legal']).toMatchObject({ status: 'failed', error: { message: 'stopped: the run was rejected at step gate', type: 'Cancelled' } });
  expect(steps['block-early']!.status).toBe('compensated');
  expect(steps['after-legal']).toMatchObject({ status: 'skipped', skippedBecause: 'sequence legal stopped' });
  // The rejection is told by its own name in the audit trail (and so in the Slack thread).
  expect(result.state.events).toContainEqual(expect.objectContaining({ kind: 'approval.rejected', step: 'gate', detail: 'not now' }));
}, 60_000);

test('an end step does not wait for a background decision either; nothing is undone', async () => {
  const workflowId = await engine.start(STOPS, { end_now: true });
  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('completed');
  expect(result.state.outcome?.name).toBe('closed-early');
  const steps = byId(result);
  expect(steps['ask-legal']).toMatchObject({ status: 'failed', error: { message: 'stopped: the run ended at step close-now (closed-early)' } });
  expect(steps['block-early']!.status).toBe('succeeded');
  expect(steps['after-legal']).toMatchObject({ status: 'skipped', skippedBecause: 'sequence legal stopped' });
  expect(steps['gate']!.status).toBe('skipped');
}, 60_000);

test('lint: background steps are read from their join on, only at the top level, joined later', () => {
  const header = 'id: s\nversion: 1\ntitle: S\nseverity: low\nsteps:\n';
  const errorsOf = (steps: string) => {
    const loaded = loadRunbookText(`${header}${steps}`, 's.yaml');
    return loaded.ok ? [] : loaded.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
  };
  expect(errorsOf(`  - id: bg
    background: { join: last }
    sequence:
      - { id: inner, action: notify, with: { message: a } }
  - { id: early, action: notify, with: { message: "\${{ steps.inner.output.would_do }}" } }
  - { id: last, action: notify, with: { message: "\${{ steps.inner.output.would_do }}" } }
`)).toEqual(['10:56: step "inner" runs in the background until the run reaches step "last", so its output is not available here; read it from the step it joins at']);
  expect(errorsOf(`  - id: p
    parallel:
      - { id: a, action: notify, with: { message: a }, background: true }
      - { id: b, action: notify, with: { message: b } }
  - { id: c, background: { join: p }, action: notify, with: { message: c } }
`)).toEqual([
    '8:56: background applies only to top-level steps (branches and loop steps already run beside others)',
    '10:34: join must name a step after this one; "p" comes before it',
  ]);
});
