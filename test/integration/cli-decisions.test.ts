/**
 * Decisions from the CLI on the dev server: `quell answer` shows the question and its options,
 * sends the question's hash and typed form fields, and is refused with the workflow's reason when
 * the person may not answer (the requester, someone outside the deciders) or the answer does not
 * fit the declaration. A false positive ends the run `completed: false-positive` with the
 * precautionary block left in place (nothing compensated) and the remaining steps skipped; a
 * confirmed compromise goes on to containment, which reads the answer's fields. `quell status`
 * and `quell list` show the outcome.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMPTY_LIVE_SETUP } from '../../activities/action-performer';
import { buildApproversSetup } from '../../activities/approvers/build';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import type { RunState } from '../../common/run-state';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { eventually } from '../support/eventually';
import { waitForState } from '../support/run-driver';
import { runLogger, startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

const TRIAGE = path.resolve(__dirname, '..', 'fixtures', 'runbooks', 'triage-decision.yaml');

const APPROVERS = `
version: 1
people:
  rita:  { cli: rita }
  alice: { cli: asmith }
  bob:   { cli: bob }
  carol: { cli: carol }
groups:
  security-oncall: { people: [alice, bob, rita] }
  finance: { people: [carol] }
`;

let env: CliEnvironment;
let work: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-cli-decisions-'));
  const approversFile = path.join(work, 'approvers.yaml');
  fs.writeFileSync(approversFile, APPROVERS);
  const taskQueue = uniqueTaskQueue('cli-decisions');
  const worker = await startTestWorker({
    taskQueue,
    deps: {
      logger: runLogger('logger'),
      effectJournal: new FileEffectJournal(path.join(work, 'effects.jsonl')),
      live: EMPTY_LIVE_SETUP,
      approvers: buildApproversSetup(approversFile, undefined, runLogger('logger')),
    },
  });
  stopWorker = worker.stop;
  const server = testServer();
  env = { address: server.address, namespace: server.namespace, taskQueue, dataDir: work, extra: { QUELL_APPROVERS_FILE: approversFile } };
});

afterAll(async () => {
  await stopWorker?.();
  fs.rmSync(work, { recursive: true, force: true });
});

const status = async (id: string) => JSON.parse((await quellOk(['status', id, '--json'], env)).stdout) as RunState;

async function startTriage(incident: string): Promise<string> {
  const started = await quellOk(['start', TRIAGE, '--tabletop', '--incident', incident, '--input', 'principal=mallory', '--as', 'rita', '--json'], env);
  const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
  await waitForState(() => status(workflowId), (s) => s.steps.find((step) => step.id === 'triage')?.decision?.policy === 'enforced');
  return workflowId;
}

test('a false positive ends the run completed with that outcome, compensating nothing', async () => {
  const incident = `INC-TRIAGE-FP-${Date.now()}`;
  const workflowId = await startTriage(incident);
  const open = await status(workflowId);
  const decision = open.steps.find((step) => step.id === 'triage')!.decision!;
  expect(decision.question).toBe('Is the alert on mallory a real compromise?');
  expect(decision.eligible?.map((entry) => entry.person).sort()).toEqual(['alice', 'bob']);

  const shown = (await quellOk(['status', workflowId], env)).stdout;
  expect(shown).toContain('options: confirmed (Confirmed compromise, contain now), false-positive (False positive, close the incident)');
  expect(shown).toContain('field notes: string, required — what the evidence showed');
  expect(shown).toContain(`question sha256 ${decision.questionSha256}`);

  // The requester is one of the deciders' group, yet may not answer their own run's decision.
  const self = await runQuell(['answer', workflowId, 'triage', 'false-positive', '--as', 'rita', '--field', 'notes=mine'], env);
  expect(self.code).toBe(1);
  expect(self.stderr).toContain('rita requested this run and cannot answer its decisions (separation of duties');
  const outsider = await runQuell(['answer', workflowId, 'triage', 'false-positive', '--as', 'carol', '--field', 'notes=x'], env);
  expect(outsider.code).toBe(1);
  expect(outsider.stderr).toContain('carol may not decide on step triage: only members of security-oncall may');
  const noOption = await runQuell(['answer', workflowId, 'triage', 'benign', '--as', 'asmith', '--field', 'notes=x'], env);
  expect(noOption.code).toBe(1);
  expect(noOption.stderr).toContain('step triage has no option "benign" (its options: confirmed, false-positive)');
  const noNotes = await runQuell(['answer', workflowId, 'triage', 'false-positive', '--as', 'asmith'], env);
  expect(noNotes.code).toBe(1);
  expect(noNotes.stderr).toContain('fields.notes: is required');
  const badEnum = await runQuell(['answer', workflowId, 'triage', 'false-positive', '--as', 'asmith', '--field', 'notes=x', '--field', 'confidence=total'], env);
  expect(badEnum.code).toBe(1);
  expect(badEnum.stderr).toContain('fields.confidence: must be one of low, medium, high');
  const undeclared = await runQuell(['answer', workflowId, 'triage', 'false-positive', '--as', 'asmith', '--field', 'notes=x', '--field', 'ticket=7'], env);
  // Caught by the CLI before anything is sent: a usage error.
  expect(undeclared.code).toBe(2);
  expect(undeclared.stderr).toContain('--field ticket: the decision declares no such field (it has notes, confidence)');
  const stale = await runQuell(['answer', workflowId, 'triage', 'false-positive', '--as', 'asmith', '--field', 'notes=x', '--sha256', 'e'.repeat(64)], env);
  expect(stale.code).toBe(1);
  expect(stale.stderr).toContain('the question of step triage is not the one you were shown');
  // None of the refusals reached the run.
  expect((await status(workflowId)).steps.find((step) => step.id === 'triage')!.decision!.decisions).toEqual([]);

  const answered = await quellOk(['answer', workflowId, 'triage', 'false-positive', '--as', 'asmith', '--field', 'notes=Known scanner, ticket 4411', '--field', 'confidence=high'], env);
  expect(answered.stdout).toContain(`triage of ${workflowId} asks:\n  Is the alert on mallory a real compromise?`);
  expect(answered.stdout).toContain(`answered triage of ${workflowId} with false-positive as alice: decided: false-positive`);

  const final = await waitForState(() => status(workflowId), (s) => s.status !== 'running');
  expect(final.status).toBe('completed');
  expect(final.outcome).toMatchObject({ name: 'false-positive', step: 'close-false-positive', summary: 'Known scanner, ticket 4411' });
  const byId = Object.fromEntries(final.steps.map((step) => [step.id, step]));
  expect(byId['precautionary-block']!.status).toBe('succeeded');
  expect(byId['precautionary-block']!.compensation).toBeUndefined();
  expect(byId['triage']!.output).toMatchObject({ choice: 'false-positive', label: 'False positive, close the incident', answered_by: ['alice'], notes: 'Known scanner, ticket 4411', confidence: 'high' });
  expect(byId['triage']!.decision!.decisions[0]).toMatchObject({ actor: 'asmith', person: 'alice', via: 'cli', decision: 'answer', option: 'false-positive', summarySha256: decision.questionSha256 });
  for (const skipped of ['revoke-sessions', 'tell-the-team']) {
    expect(byId[skipped]).toMatchObject({ status: 'skipped', skippedBecause: 'the run ended at step close-false-positive (false-positive)' });
  }
  expect(final.events.some((event) => event.kind.startsWith('compensation'))).toBe(false);

  expect((await quellOk(['status', workflowId], env)).stdout).toContain('status    completed: false-positive (Known scanner, ticket 4411)');
  // Visibility catches up with the search attribute shortly after the run closes.
  const listed = await eventually('the outcome in quell list', async () => {
    const text = (await quellOk(['list', '--incident', incident], env)).stdout;
    return text.includes('completed: false-positive') && text;
  });
  expect(listed).toContain(workflowId);
}, 90_000);

test('a confirmed compromise goes on to containment, which reads the answer', async () => {
  const workflowId = await startTriage(`INC-TRIAGE-OK-${Date.now()}`);
  await quellOk(['answer', workflowId, 'triage', 'confirmed', '--as', 'bob', '--field', 'notes=Logins from two continents', '--field', 'confidence=medium', '--reason', 'impossible travel'], env);
  const final = await waitForState(() => status(workflowId), (s) => s.status !== 'running');
  expect(final.status).toBe('completed');
  expect(final.outcome).toBeUndefined();
  const byId = Object.fromEntries(final.steps.map((step) => [step.id, step]));
  expect(byId['close-false-positive']).toMatchObject({ status: 'skipped', skippedBecause: "when ${{ steps.triage.output.choice == 'false-positive' }} is false" });
  expect(byId['revoke-sessions']!.status).toBe('succeeded');
  expect(String((byId['tell-the-team']!.output as { would_do: string[] }).would_do)).toContain('Contained mallory (medium): Logins from two continents');
  expect(byId['triage']!.decision!.decisions[0]).toMatchObject({ person: 'bob', option: 'confirmed', reason: 'impossible travel' });
  expect((await quellOk(['status', workflowId], env)).stdout).toMatch(/triage +succeeded +decision {2}confirmed by bob/);
}, 90_000);
