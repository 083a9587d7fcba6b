/**
 * A run whose severity changes, on the dev server: a decision's answer re-grades it through a
 * severity step; the run's state records the change, the QuellSeverity search attribute follows,
 * a duration given by severity takes the new one and templates read it.
 */
import { answerDecision, getRunState } from '../../client/runs';
import type { RunResult } from '../../common/run-state';
import { QuellSeverity } from '../../common/search-attributes';
import { eventually } from '../support/eventually';
import { waitForState } from '../support/run-driver';
import { startTestEngine, type TestEngine } from '../support/engine';

const RUNBOOK = 'test/fixtures/runbooks/regrade.yaml';

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine('severity');
});
afterAll(async () => {
  await engine?.stop();
});

async function answer(workflowId: string, severity: string): Promise<RunResult> {
  const open = await waitForState(() => getRunState(engine.client, workflowId), (s) => s.steps[0]!.decision?.policy !== undefined);
  await answerDecision(engine.client, workflowId, { stepId: 'assess', actor: 'rita.requester', via: 'api', option: 'spreading', fields: { severity }, questionSha256: open.steps[0]!.decision!.questionSha256 });
  return (await engine.client.workflow.getHandle(workflowId).result()) as RunResult;
}

test('an answer re-grades the run, and what follows reads the new severity', async () => {
  const workflowId = await engine.start(RUNBOOK);
  const result = await answer(workflowId, 'critical');
  expect(result.status).toBe('completed');
  expect(result.state.severity).toEqual({ current: 'critical', changes: [{ from: 'medium', to: 'critical', step: 'regrade', at: expect.any(String), reason: 'the assessment says so' }] });
  const [, regrade, window, tell] = result.state.steps;
  expect(regrade!.output).toEqual({ from: 'medium', to: 'critical', changed: true, reason: 'the assessment says so' });
  expect(window!.sleep!.asked).toBe('for 1s (critical)');
  expect(String((tell!.output as { would_do: string[] }).would_do)).toContain('now critical');
  const attribute = await eventually('the severity search attribute', async () => {
    const described = await engine.client.workflow.getHandle(workflowId).describe();
    return described.typedSearchAttributes.get(QuellSeverity);
  });
  expect(attribute).toBe('critical');
}, 60_000);

test('another answer, another severity: the duration table follows it', async () => {
  const workflowId = await engine.start(RUNBOOK);
  const result = await answer(workflowId, 'high');
  expect(result.state.severity?.current).toBe('high');
  expect(result.state.steps[2]!.sleep!.asked).toBe('for 2s (high)');
}, 60_000);
