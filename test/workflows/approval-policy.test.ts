/**
 * The approval policy, enforced by the workflow against an approvers file: quorum of distinct
 * people, separation of duties across surfaces, refusals that leave no trace, the summary hash,
 * timeouts, escalation, cancels, and Slack user group membership read from a fake Slack Web API
 * (failing closed while it cannot answer). Tabletop runs, real timers of a few seconds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { buildApproversSetup } from '../../activities/approvers/build';
import type { ApproversSetup } from '../../activities/approvers/resolve';
import { Secret } from '../../config/secret';
import { cancelRun, decideApproval, getRunState } from '../../client/runs';
import type { DecisionSource, RunResult, RunState, StepState } from '../../common/run-state';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';
import { waitForState } from '../support/run-driver';
import { runLogger, testServer } from '../support/temporal';
import { plantSecret } from '../support/planted-secrets';

const POLICY_GATES = 'test/fixtures/runbooks/policy-gates.yaml';
const SLACK_GATE = 'test/fixtures/runbooks/slack-group-gate.yaml';
const TOKEN = plantSecret('xoxb-approval-policy-test-token', 'slack bot token');

const APPROVERS = `
version: 1
people:
  rita:  { cli: rita, slack: U0RITA }
  alice: { cli: alice, slack: U0ALICE }
  bob:   { slack: U0BOB, api: bob }
  lee:   { cli: lee }
  dana:  { slack: U0DANA }
groups:
  security-oncall:  { people: [rita, alice, bob] }
  security-leads:   { people: [lee], slack_usergroups: [S0LEADS] }
  slack-responders: { slack_usergroups: [S0RESP] }
membership_cache: 1s
membership_refresh: 2s
`;

let work: string;

/** A fake Slack whose user groups the test can change, and the worker's approver setup reading it. */
async function slackWithUsergroups(groups: Record<string, string[]>): Promise<{ slack: FakeSlackApi; usergroups: Map<string, string[]>; setup: ApproversSetup }> {
  const slack = await startFakeSlackApi({ token: TOKEN });
  const usergroups = new Map(Object.entries(groups));
  slack.handle('usergroups.users.list', (params) => {
    const users = usergroups.get(String(params.usergroup));
    return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
  });
  const file = path.join(work, 'approvers.yaml');
  fs.writeFileSync(file, APPROVERS);
  const setup = buildApproversSetup(file, { bot_token: new Secret(TOKEN, 'test'), channel: 'C0QUELL', api_url: slack.apiUrl }, runLogger('logger'));
  if (!setup) throw new Error('expected an approvers setup');
  return { slack, usergroups, setup };
}

function helpers(engine: () => TestEngine) {
  const state = (id: string) => getRunState(engine().client, id);
  const step = (s: RunState, id: string): StepState => s.steps.find((candidate) => candidate.id === id)!;
  /** Waits until the gate is open and knows who may decide. */
  const ready = (id: string, stepId: string) => waitForState(() => state(id), (s) => step(s, stepId).approval?.policy !== undefined);
  const decide = async (
    id: string,
    stepId: string,
    actor: string,
    via: DecisionSource,
    decision: 'approve' | 'reject' = 'approve',
    extra: { reason?: string; summarySha256?: string } = {},
  ) =>
    decideApproval(engine().client, id, {
      stepId,
      actor,
      via,
      decision,
      summarySha256: extra.summarySha256 ?? step(await state(id), stepId).approval?.summarySha256 ?? '',
      ...(extra.reason ? { reason: extra.reason } : {}),
    });
  const refused = (promise: Promise<unknown>, text: string) =>
    expect(promise).rejects.toMatchObject({ name: 'QuellClientError', code: 'refused', message: expect.stringContaining(text) });
  const result = async (id: string) => (await engine().client.workflow.getHandle(id).result()) as RunResult;
  const acceptedUpdates = async (id: string, name: string) => {
    const history = await engine().client.workflow.getHandle(id).fetchHistory();
    return (history.events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name).length;
  };
  return { state, step, ready, decide, refused, result, acceptedUpdates };
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-approval-policy-'));
});
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('approval policy (approvers file)', () => {
  let engine: TestEngine;
  let slack: FakeSlackApi;
  let usergroups: Map<string, string[]>;
  const { state, step, ready, decide, refused, result, acceptedUpdates } = helpers(() => engine);
  const asRita = { requester: 'rita', requestedVia: 'cli' as const };
  /** Every run of this suite, replayed at the end. */
  const runs: string[] = [];
  const start = async (file: string, inputs: Record<string, unknown>) => {
    const id = await engine.start(file, inputs, asRita);
    runs.push(id);
    return id;
  };

  beforeAll(async () => {
    const fake = await slackWithUsergroups({ S0LEADS: ['U0LEAH'], S0RESP: ['U0DANA', 'U0EVE', 'U0FRED'] });
    slack = fake.slack;
    usergroups = fake.usergroups;
    engine = await startTestEngine('approval-policy', { approvers: fake.setup });
  });
  afterAll(async () => {
    await engine?.stop();
    await slack?.stop();
  });

  test('two distinct authorised people reach quorum; each decision records who, from where, and what they saw', async () => {
    const id = await start(POLICY_GATES, { gate: 'two-person' });
    const opened = step(await ready(id, 'approve'), 'approve').approval!;
    expect(opened.policy).toBe('enforced');
    // The requester is in security-oncall but never eligible on her own run.
    expect(opened.eligible).toEqual([
      { person: 'alice', slack: 'U0ALICE', identities: ['slack:U0ALICE', 'cli:alice'], groups: ['security-oncall'] },
      { person: 'bob', slack: 'U0BOB', identities: ['slack:U0BOB', 'api:bob'], groups: ['security-oncall'] },
    ]);
    expect(opened.unknownGroups).toEqual([]);

    const first = await decide(id, 'approve', 'alice', 'cli');
    expect(first.outcome).toBeUndefined();
    const second = await decide(id, 'approve', 'U0BOB', 'slack', 'approve', { reason: 'checked the address' });
    expect(second.outcome).toBe('approved');
    expect(second.decisions).toEqual([
      { actor: 'alice', person: 'alice', via: 'cli', decision: 'approve', at: expect.any(String), summarySha256: opened.summarySha256 },
      {
        actor: 'U0BOB',
        person: 'bob',
        via: 'slack',
        decision: 'approve',
        at: expect.any(String),
        reason: 'checked the address',
        summarySha256: opened.summarySha256,
      },
    ]);

    const holding = await waitForState(() => state(id), (s) => step(s, 'hold').status === 'waiting');
    expect(step(holding, 'approve')).toMatchObject({ status: 'succeeded', actor: 'alice, bob' });
    expect(holding.events.filter((e) => e.step === 'approve').map((e) => [e.kind, e.actor ?? e.detail])).toEqual([
      ['approval.requested', `Keep 192.0.2.20 blocked for ${holding.incidentId}`],
      ['approval.policy', 'enforced: alice, bob may decide'],
      ['approval.approved', 'alice'],
      ['approval.approved', 'bob'],
    ]);
    await cancelRun(engine.client, id, { actor: 'rita', via: 'cli', reason: 'test over' });
    expect((await result(id)).status).toBe('cancelled');
  });

  test('outsiders, the requester on any surface, a person deciding twice, and stale or missing hashes are refused without trace', async () => {
    const id = await start(POLICY_GATES, { gate: 'two-person' });
    const gate = step(await ready(id, 'approve'), 'approve').approval!;

    await refused(decide(id, 'approve', 'mallory', 'cli'), 'mallory (cli:mallory) may not decide on step approve: only members of security-oncall may');
    await refused(decide(id, 'approve', 'lee', 'cli'), 'lee may not decide on step approve');
    // Rita requested from the CLI; her Slack identity is still Rita.
    await refused(decide(id, 'approve', 'U0RITA', 'slack'), 'U0RITA (rita) requested this run and cannot approve it (separation of duties)');
    await refused(decide(id, 'approve', 'rita', 'cli', 'reject', { reason: 'changed my mind' }), 'rita requested this run and cannot decide on its gates');
    await refused(decide(id, 'approve', 'alice', 'cli', 'approve', { summarySha256: 'a'.repeat(64) }), 'the summary of step approve is not the one you were shown');
    await refused(decide(id, 'approve', 'alice', 'cli', 'approve', { summarySha256: ' ' }), 'summarySha256 is required');
    await refused(decide(id, 'approve', 'alice', 'cli', 'approve', { summarySha256: 'abc' }), 'summarySha256 must be 64 hexadecimal digits');
    await expect(
      decideApproval(engine.client, id, { stepId: 'approve', actor: 'alice', via: 'cli', decision: 'approve' } as never),
    ).rejects.toMatchObject({ code: 'refused', message: expect.stringContaining('summarySha256 is required') });
    await refused(decide(id, 'approve', 'U0BOB', 'slack', 'reject'), 'a reason is required to reject');
    expect(await acceptedUpdates(id, 'decideApproval')).toBe(0);

    // An upper-case hash is the same hash.
    await decide(id, 'approve', 'alice', 'cli', 'approve', { summarySha256: gate.summarySha256.toUpperCase() });
    await refused(decide(id, 'approve', 'U0ALICE', 'slack'), 'U0ALICE (alice) already decided on step approve (approved as alice via cli at ');
    await refused(decide(id, 'approve', ' ALICE ', 'cli'), 'ALICE already decided on step approve');
    expect(await acceptedUpdates(id, 'decideApproval')).toBe(1);
    expect(step(await state(id), 'approve').approval?.decisions.map((d) => d.person)).toEqual(['alice']);

    // Stopping the run is checked as well: outsiders may not, a member of any group of the runbook may.
    await refused(
      cancelRun(engine.client, id, { actor: 'mallory', via: 'cli', reason: 'no' }),
      'mallory (cli:mallory) may not cancel this run: only its requester (rita) or a member of security-oncall, security-leads may',
    );
    await cancelRun(engine.client, id, { actor: 'lee', via: 'cli', reason: 'false positive' });
    const final = await result(id);
    expect(final.status).toBe('cancelled');
    expect(final.state.cancel).toMatchObject({ actor: 'lee', person: 'lee', via: 'cli', reason: 'false positive' });
    expect(step(final.state, 'block').status).toBe('compensated');
  });

  test('a rejection ends the run as rejected and undoes the block', async () => {
    const id = await start(POLICY_GATES, { gate: 'two-person' });
    await ready(id, 'approve');
    const gate = await decide(id, 'approve', 'bob', 'api', 'reject', { reason: 'wrong address' });
    expect(gate.outcome).toBe('rejected');
    const final = await result(id);
    expect(final.status).toBe('rejected');
    expect(final.state.failure).toEqual({ step: 'approve', message: 'rejected by bob: wrong address' });
    expect(step(final.state, 'approve').actor).toBe('bob');
    expect(step(final.state, 'block').status).toBe('compensated');
    expect(step(final.state, 'hold').status).toBe('pending');
    expect((await engine.journal.list({ workflowId: id })).filter((e) => e.action === 'egress.unblock')).toHaveLength(1);
  });

  test('on_timeout reject: nobody answers, the run is rejected and compensated', async () => {
    const id = await start(POLICY_GATES, { gate: 'reject' });
    const final = await result(id);
    expect(final.status).toBe('rejected');
    expect(step(final.state, 'gate-reject').approval).toMatchObject({ policy: 'enforced', outcome: 'timed-out', decisions: [] });
    expect(step(final.state, 'block').status).toBe('compensated');
    await refused(decide(id, 'gate-reject', 'alice', 'cli'), 'has finished');
  });

  test('a decision after the gate closed is refused', async () => {
    const id = await start(POLICY_GATES, { gate: 'approve' });
    const holding = await waitForState(() => state(id), (s) => step(s, 'hold').status === 'waiting');
    expect(step(holding, 'gate-approve')).toMatchObject({ status: 'succeeded', actor: 'system:timeout' });
    await refused(
      decide(id, 'gate-approve', 'alice', 'cli', 'approve', { summarySha256: step(holding, 'gate-approve').approval!.summarySha256 }),
      'step gate-approve is not awaiting approval (it is succeeded)',
    );
    await cancelRun(engine.client, id, { actor: 'rita', via: 'cli', reason: 'test over' });
  });

  test('on_timeout escalate widens the eligible set to escalate_to and accepts an escalation member', async () => {
    const id = await start(POLICY_GATES, { gate: 'escalate' });
    await ready(id, 'gate-escalate');
    await refused(decide(id, 'gate-escalate', 'lee', 'cli'), 'lee may not decide on step gate-escalate');

    const escalated = await waitForState(() => state(id), (s) => step(s, 'gate-escalate').approval?.escalated === true);
    const gate = step(escalated, 'gate-escalate').approval!;
    expect(gate.approverGroups).toEqual(['security-oncall', 'security-leads']);
    expect(gate.escalation).toEqual({ at: expect.any(String), groups: ['security-leads'], slackUsergroups: ['S0LEADS'], deadline: gate.deadline });
    expect(gate.eligible?.filter((e) => e.groups.includes('security-leads')).map((e) => e.person)).toEqual(['lee', 'slack:U0LEAH']);
    // No Slack surface on this run: the escalation is sent with the notify action, just after the
    // gate says it escalated (the flag is set first), so wait for it to be recorded.
    await eventually('the escalation notice', async () => (await engine.journal.list({ workflowId: id })).some((effect) => effect.action === 'notify'));
    const notices = (await engine.journal.list({ workflowId: id })).filter((effect) => effect.action === 'notify');
    expect(notices).toHaveLength(1);
    expect(notices[0].params).toMatchObject({ to: ['security-leads'] });

    const decided = await decide(id, 'gate-escalate', 'lee', 'cli');
    expect(decided.outcome).toBe('approved');
    await waitForState(() => state(id), (s) => step(s, 'hold').status === 'waiting');
    await cancelRun(engine.client, id, { actor: 'rita', via: 'cli', reason: 'test over' });
  });

  test('Slack user group members may decide, as people of the file or by their Slack identity, and removals take effect', async () => {
    const id = await start(SLACK_GATE, {});
    const opened = step(await ready(id, 'approve'), 'approve').approval!;
    expect(opened.eligible).toEqual([
      { person: 'dana', slack: 'U0DANA', identities: ['slack:U0DANA'], groups: ['slack-responders'] },
      { person: 'slack:U0EVE', slack: 'U0EVE', identities: ['slack:U0EVE'], groups: ['slack-responders'] },
      { person: 'slack:U0FRED', slack: 'U0FRED', identities: ['slack:U0FRED'], groups: ['slack-responders'] },
    ]);
    const reads = slack.callsOf('usergroups.users.list');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((call) => call.token === TOKEN && call.status === 200)).toBe(true);
    expect(reads.map((call) => call.params.usergroup)).toContain('S0RESP');

    // Fred leaves the user group; the waiting gate reads membership again within its refresh.
    usergroups.set('S0RESP', ['U0DANA', 'U0EVE']);
    const refreshed = await waitForState(() => state(id), (s) => step(s, 'approve').approval?.eligible?.length === 2, 15_000);
    expect(refreshed.events.find((e) => e.kind === 'approval.membership-changed')?.detail).toBe('-slack:U0FRED');
    await refused(decide(id, 'approve', 'U0FRED', 'slack'), 'U0FRED (slack:U0FRED) may not decide on step approve');

    await decide(id, 'approve', 'U0DANA', 'slack');
    const gate = await decide(id, 'approve', 'U0EVE', 'slack');
    expect(gate.outcome).toBe('approved');
    expect(gate.decisions.map((d) => [d.actor, d.person])).toEqual([
      ['U0DANA', 'dana'],
      ['U0EVE', 'slack:U0EVE'],
    ]);
    await waitForState(() => state(id), (s) => step(s, 'hold').status === 'waiting');
    await cancelRun(engine.client, id, { actor: 'rita', via: 'cli', reason: 'test over' });
  });

  test('every run above replays deterministically from its history (refreshes, escalation, cancels)', async () => {
    expect(runs.length).toBeGreaterThanOrEqual(7);
    await Promise.all(runs.map(result));
    const histories = await Promise.all(runs.map(async (workflowId) => ({ workflowId, history: await engine.client.workflow.getHandle(workflowId).fetchHistory() })));
    const outcomes: Array<{ workflowId: string; error?: string }> = [];
    for await (const replayed of Worker.runReplayHistories({ workflowBundle: { code: fs.readFileSync(testServer().bundlePath, 'utf8') } }, histories)) {
      outcomes.push({ workflowId: replayed.workflowId, ...(replayed.error ? { error: String(replayed.error) } : {}) });
    }
    expect(outcomes).toEqual(runs.map((workflowId) => ({ workflowId })));
  });
});

describe('approval policy when Slack cannot be asked', () => {
  let engine: TestEngine;
  let slack: FakeSlackApi;
  const { state, step, decide, refused, result } = helpers(() => engine);

  beforeAll(async () => {
    const fake = await slackWithUsergroups({ S0LEADS: [], S0RESP: ['U0DANA', 'U0EVE'] });
    slack = fake.slack;
    engine = await startTestEngine('approval-closed', { approvers: fake.setup });
  });
  afterAll(async () => {
    await engine?.stop();
    await slack?.stop();
  });

  test('fails closed: nobody can decide (or cancel, but the requester) until Slack answers; then it works', async () => {
    // A rate limit (Retry-After 1 s), then an outage, then answers.
    slack.failNext('usergroups.users.list', { status: 429, retryAfter: 1 });
    slack.failNext('usergroups.users.list', { error: 'internal_error' });
    const id = await engine.start(SLACK_GATE, {}, { requester: 'rita', requestedVia: 'cli' });
    const waiting = await waitForState(() => state(id), (s) => step(s, 'approve').status === 'waiting');
    expect(step(waiting, 'approve').approval?.policy).toBeUndefined();

    await refused(decide(id, 'approve', 'U0DANA', 'slack'), 'approver membership not yet known; try again shortly');
    await refused(cancelRun(engine.client, id, { actor: 'U0DANA', via: 'slack', reason: 'stop' }), 'approver membership not yet known');

    const known = await waitForState(() => state(id), (s) => step(s, 'approve').approval?.policy === 'enforced', 20_000);
    expect(step(known, 'approve').approval?.eligible?.map((e) => e.person)).toEqual(['dana', 'slack:U0EVE']);
    expect(slack.callsOf('usergroups.users.list').slice(0, 3).map((call) => [call.status, call.response.error ?? 'ok'])).toEqual([
      [429, 'ratelimited'],
      [200, 'internal_error'],
      [200, 'ok'],
    ]);

    await decide(id, 'approve', 'U0DANA', 'slack');
    expect((await decide(id, 'approve', 'U0EVE', 'slack')).outcome).toBe('approved');
    await waitForState(() => state(id), (s) => step(s, 'hold').status === 'waiting');
    await cancelRun(engine.client, id, { actor: 'rita', via: 'cli', reason: 'test over' });
    expect((await result(id)).status).toBe('cancelled');
  });
});
