/**
 * Per-group quorum (`approvers: { account-owners: 1, app-owners: 1 }`) enforced by the workflow
 * against an approvers file: a person in both groups fills one place only, so the gate waits for
 * a second person; two people of the same group do not make up for the other group; the best
 * assignment is found (someone in both groups moves over for a later approver). Lint refuses a
 * shared `quorum` beside per-group counts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApproversSetup } from '../../activities/approvers/build';
import { cancelRun, decideApproval, getRunState } from '../../client/runs';
import type { RunState } from '../../common/run-state';
import { loadRunbookText } from '../../runbooks/load';
import { renderRunState } from '../../cli/render';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitForState } from '../support/run-driver';
import { runLogger } from '../support/temporal';

const RUNBOOK = 'test/fixtures/runbooks/group-quorum.yaml';
const APPROVERS = `
version: 1
people:
  rita:  { cli: rita }
  alice: { cli: alice }
  bob:   { cli: bob }
  carol: { cli: carol }
  dave:  { cli: dave }
groups:
  account-owners: { people: [alice, carol, dave] }
  app-owners:     { people: [alice, bob] }
`;

let work: string;
let engine: TestEngine;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-group-quorum-'));
  fs.writeFileSync(path.join(work, 'approvers.yaml'), APPROVERS);
  const approvers = buildApproversSetup(path.join(work, 'approvers.yaml'), undefined, runLogger('group-quorum'))!;
  engine = await startTestEngine('group-quorum', { approvers });
});
afterAll(async () => {
  await engine?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const gateOf = (state: RunState) => state.steps.find((step) => step.id === 'authorise')!;

async function start(): Promise<string> {
  const id = await engine.start(RUNBOOK, {}, { requester: 'rita', requestedVia: 'cli' });
  await waitForState(() => getRunState(engine.client, id), (s) => gateOf(s).approval?.policy !== undefined && (gateOf(s).approval?.eligible?.length ?? 0) > 0);
  return id;
}

async function approve(id: string, who: string) {
  const state = await getRunState(engine.client, id);
  return decideApproval(engine.client, id, { stepId: 'authorise', actor: who, via: 'cli', decision: 'approve', summarySha256: gateOf(state).approval!.summarySha256! });
}

test('someone in both groups counts once: the gate waits for a second person', async () => {
  const id = await start();
  const afterAlice = await approve(id, 'alice');
  expect(afterAlice.outcome).toBeUndefined();
  expect(afterAlice.groupQuorum).toEqual({ 'account-owners': 1, 'app-owners': 1 });
  expect(afterAlice.decisions[0]).toMatchObject({ person: 'alice', groups: ['account-owners', 'app-owners'] });
  expect(renderRunState(await getRunState(engine.client, id))).toMatch(/1 of 2 approvals from account-owners (1\/1, app-owners 0|0\/1, app-owners 1)\/1/);
  // Carol is an account owner only: alice moves over to the app owners' place.
  const afterCarol = await approve(id, 'carol');
  expect(afterCarol.outcome).toBe('approved');
  await waitForState(() => getRunState(engine.client, id), (s) => s.steps[1]!.status === 'waiting');
  await cancelRun(engine.client, id, { actor: 'rita', via: 'cli', reason: 'test over' });
});

test('two people of one group do not make up for the other group', async () => {
  const id = await start();
  expect((await approve(id, 'carol')).outcome).toBeUndefined();
  const afterDave = await approve(id, 'dave');
  expect(afterDave.outcome).toBeUndefined();
  expect((await getRunState(engine.client, id)).steps[0]!.status).toBe('waiting');
  expect((await approve(id, 'bob')).outcome).toBe('approved');
  await cancelRun(engine.client, id, { actor: 'rita', via: 'cli', reason: 'test over' });
});

test('lint refuses a shared quorum beside per-group counts, and counts over ten', () => {
  const header = 'id: x\nversion: 1\ntitle: X\nseverity: low\nsteps:\n  - id: gate\n    approval:\n';
  const errors = (text: string) => {
    const loaded = loadRunbookText(header + text, 'gate.yaml');
    return loaded.ok ? [] : loaded.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
  };
  expect(errors('      approvers: { a: 1, b: 1 }\n      quorum: 2\n      timeout: 1h\n      summary: s\n')).toEqual([
    "9:15: with a count per approver group, each group's count is its quorum: drop quorum",
  ]);
  expect(errors('      approvers: { a: 6, b: 5 }\n      timeout: 1h\n      summary: s\n')[0]).toMatch(/^8:\d+: the groups' counts add up to 11 approvals; at most 10$/);
  expect(errors('      approvers: { a: 1, b: 1 }\n      timeout: 1h\n      summary: s\n')).toEqual([]);
});
