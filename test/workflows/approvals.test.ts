/**
 * Approval gates: quorum of distinct approvers who are not the requester, enforced by the Update
 * validator inside the workflow; refused decisions leave no trace; timeouts escalate, reject or
 * approve as the runbook says.
 */
import { decideApproval, getRunState, QuellClientError } from '../../client/runs';
import type { RunResult, RunState } from '../../common/run-state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitForState } from '../support/run-driver';

const GATE = 'test/fixtures/runbooks/two-person-gate.yaml';
const TIMEOUTS = 'test/fixtures/runbooks/timeouts.yaml';

describe('approval gates', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine('approvals');
  });
  afterAll(async () => {
    await engine.stop();
  });

  const state = (id: string) => getRunState(engine.client, id);
  /** The hash of the summary a person would be shown now, as every surface sends it. */
  const shownHash = async (id: string, stepId: string) => (await state(id)).steps.find((s) => s.id === stepId)?.approval?.summarySha256 ?? '';
  const decide = async (id: string, actor: string, decision: 'approve' | 'reject' = 'approve', reason?: string) =>
    decideApproval(engine.client, id, {
      stepId: 'approve',
      actor,
      decision,
      via: 'cli',
      summarySha256: await shownHash(id, 'approve'),
      ...(reason ? { reason } : {}),
    });
  /** The gate is open and knows who may decide (before that every decision is refused). */
  const gateReady = (s: RunState) => s.steps[0].status === 'waiting' && s.steps[0].approval?.policy !== undefined;

  async function acceptedDecisionUpdates(workflowId: string): Promise<number> {
    const history = await engine.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter(
      (event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'decideApproval',
    ).length;
  }

  test('the requester and a repeat approver are refused by the validator and leave no trace', async () => {
    const id = await engine.start(GATE, { target: '192.0.2.50' }, { requester: 'rita.requester' });
    await waitForState(() => state(id), gateReady);

    await expect(decide(id, 'rita.requester')).rejects.toMatchObject({
      name: 'QuellClientError',
      code: 'refused',
      message: expect.stringContaining('requested this run and cannot approve it'),
    });
    // Identity comparison ignores case and surrounding space: no sneaking past with " RITA.requester".
    await expect(decide(id, ' RITA.Requester ')).rejects.toBeInstanceOf(QuellClientError);

    const first = await decide(id, 'bob.approver');
    expect(first.outcome).toBeUndefined();
    expect(first.decisions).toHaveLength(1);

    await expect(decide(id, 'bob.approver')).rejects.toMatchObject({
      code: 'refused',
      message: expect.stringContaining('bob.approver already decided on step approve'),
    });
    await expect(decide(id, 'Bob.Approver')).rejects.toMatchObject({ code: 'refused' });

    const waiting = await state(id);
    expect(waiting.steps[0].status).toBe('waiting');
    expect(waiting.steps[0].approval?.decisions.map((d) => d.actor)).toEqual(['bob.approver']);
    expect(await acceptedDecisionUpdates(id)).toBe(1);

    const second = await decide(id, 'carol.approver');
    expect(second.outcome).toBe('approved');
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.state.steps[0].actor).toBe('bob.approver, carol.approver');
    expect(await acceptedDecisionUpdates(id)).toBe(2);
  });

  test('decisions on a step that is not a waiting gate, or by nobody, are refused', async () => {
    const id = await engine.start(GATE, { target: '192.0.2.51' });
    await waitForState(() => state(id), gateReady);
    const summarySha256 = await shownHash(id, 'approve');
    await expect(decideApproval(engine.client, id, { stepId: 'block', actor: 'bob', decision: 'approve', via: 'cli', summarySha256 })).rejects.toMatchObject({
      message: 'step block is an action step, not an approval',
    });
    await expect(decideApproval(engine.client, id, { stepId: 'nope', actor: 'bob', decision: 'approve', via: 'cli', summarySha256 })).rejects.toMatchObject({
      message: 'runbook two-person-gate has no step "nope"',
    });
    await expect(decideApproval(engine.client, id, { stepId: 'approve', actor: '  ', decision: 'approve', via: 'cli', summarySha256 })).rejects.toMatchObject({
      message: expect.stringContaining('actor: actor is required'),
    });
    await expect(decide(id, 'bob.approver', 'reject')).rejects.toMatchObject({ message: 'a reason is required to reject' });
    expect(await acceptedDecisionUpdates(id)).toBe(0);

    const rejected = await decide(id, 'bob.approver', 'reject', 'wrong address');
    expect(rejected.outcome).toBe('rejected');
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('rejected');
    expect(result.state.failure).toEqual({ step: 'approve', message: 'rejected by bob.approver: wrong address' });
    expect(result.state.steps[1].status).toBe('pending');
    expect(await engine.journal.list({ workflowId: id })).toHaveLength(0);
    await expect(decide(id, 'carol.approver')).rejects.toMatchObject({ code: 'refused' });
  });

  test('on_timeout escalate widens the approver groups, notifies, then accepts an approval', async () => {
    const id = await engine.start(TIMEOUTS, { policy: 'escalate' });
    const escalated = await waitForState(() => state(id), (s) => s.steps.find((step) => step.id === 'gate-escalate')?.approval?.escalated === true);
    const gate = escalated.steps.find((step) => step.id === 'gate-escalate');
    expect(gate?.approval?.approverGroups).toEqual(['security-oncall', 'security-leads']);
    const notices = (await engine.journal.list({ workflowId: id })).filter((effect) => effect.action === 'notify');
    expect(notices).toHaveLength(1);
    expect(notices[0].params).toMatchObject({ to: ['security-leads'] });

    await decideApproval(engine.client, id, {
      stepId: 'gate-escalate',
      actor: 'lee.lead',
      decision: 'approve',
      via: 'cli',
      summarySha256: await shownHash(id, 'gate-escalate'),
    });
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
  });

  test('on_timeout reject ends the run as rejected and compensates the block', async () => {
    const id = await engine.start(TIMEOUTS, { policy: 'reject' });
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('rejected');
    expect(result.state.steps.find((s) => s.id === 'gate-reject')?.approval?.outcome).toBe('timed-out');
    expect(result.state.steps.find((s) => s.id === 'block')?.status).toBe('compensated');
    const unblocks = (await engine.journal.list({ workflowId: id })).filter((e) => e.action === 'egress.unblock');
    expect(unblocks).toHaveLength(1);
    expect(unblocks[0].params.rule_id).toBe(result.state.steps.find((s) => s.id === 'block')?.output?.rule_id);
  });

  test('on_timeout approve lets the run continue, recorded as approved by the timeout policy', async () => {
    const id = await engine.start(TIMEOUTS, { policy: 'approve' });
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('completed');
    const gate = result.state.steps.find((s) => s.id === 'gate-approve');
    expect(gate?.actor).toBe('system:timeout');
    expect(gate?.approval?.outcome).toBe('approved');
  });
});
