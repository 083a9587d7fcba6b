/**
 * Sub-runbooks on the dev server: a tabletop parent starts its child as a tabletop run, linked
 * both ways, and reads the child's outputs; cancelling the parent while the child waits cancels
 * the child, which undoes its own block, and then the parent ends cancelled. A start that would
 * need a runbook nobody loaded is refused before any run exists.
 */
import { cancelRun, getRunState, startRun } from '../../client/runs';
import type { RunResult, RunState } from '../../common/run-state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';

const PARENT = 'test/fixtures/runbooks/sub/contain-host.yaml';

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine('sub-runbook');
});
afterAll(async () => {
  await engine?.stop();
});

test('a tabletop parent starts a tabletop child, linked both ways, and reads its output', async () => {
  const workflowId = await engine.start(PARENT, { cidr: '192.0.2.30/32' });
  const result = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(result.status).toBe('completed');
  const [contain, report] = result.state.steps;
  const childId = `${workflowId}/contain`;
  expect(contain!.child).toEqual({ workflowId: childId, runbookId: 'block-and-hold', version: 1, status: 'completed' });

  const child = (await engine.client.workflow.getHandle(childId).result()) as RunResult;
  expect(child.state.mode).toBe('tabletop');
  expect(child.state.parent).toEqual({ workflowId, stepId: 'contain' });
  expect(child.state.incidentId).toBe(result.state.incidentId);
  const ruleId = String(child.state.steps[0]!.output!.rule_id);
  expect(contain!.output).toMatchObject({ workflow_id: childId, status: 'completed', outputs: { 'block-egress': { rule_id: ruleId }, hold: null } });
  expect(String((report!.output as { would_do: string[] }).would_do)).toContain(`child ${childId} ended completed with rule ${ruleId}`);
  expect(result.state.events.map((event) => event.kind)).toEqual(expect.arrayContaining(['child.started', 'child.ended']));
}, 60_000);

test('cancelling the parent cancels the child, which undoes its block', async () => {
  const workflowId = await engine.start(PARENT, { cidr: '192.0.2.31/32', hold: true });
  const childId = `${workflowId}/contain`;
  const holding: RunState = await waitForState(() => getRunState(engine.client, childId).catch(() => undefined as unknown as RunState), (s) => s?.steps[1]?.status === 'waiting');
  expect(holding.steps[0]!.status).toBe('succeeded');

  await cancelRun(engine.client, workflowId, { actor: 'rita.requester', via: 'api', reason: 'false alarm' });
  const parent = (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
  expect(parent.status).toBe('cancelled');
  expect(parent.state.steps[0]!.child!.status).toBe('cancelled');
  const child = (await engine.client.workflow.getHandle(childId).result()) as RunResult;
  expect(child.status).toBe('cancelled');
  expect(child.state.steps[0]!.status).toBe('compensated');
  expect(child.state.steps[0]!.compensation).toMatchObject({ action: 'egress.unblock', status: 'succeeded' });
  // The child was done undoing before the parent closed.
  expect(Date.parse(child.state.endedAt!)).toBeLessThanOrEqual(Date.parse(parent.state.endedAt!));
}, 60_000);

test('a start whose child runbook was not loaded is refused before any run exists', async () => {
  const { runbook, sha256 } = await loadTestRunbook(PARENT);
  await expect(
    startRun(engine.client, { runbook, runbookSha256: sha256, inputs: { cidr: '192.0.2.32/32' }, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'cli', incidentId: `SUB-${Date.now()}`, taskQueue: engine.taskQueue }),
  ).rejects.toThrow('runbook contain-host starts runbook block-and-hold, which is not in the runbooks folder');
});
