/**
 * The three shipped runbooks, run end to end in tabletop mode through the real `quell` CLI against
 * the real Temporal dev server: start, approvals, events and manual steps all given by CLI
 * commands, state read back with `quell status --json`.
 */
import { EMPTY_LIVE_SETUP } from '../../activities/action-performer';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunState } from '../../common/run-state';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import { cliResponder, quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { driveToEnd, type DriveOptions } from '../support/run-driver';
import { runLogger, startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

const REQUESTER = 'rita.requester';
const APPROVERS = ['bob.approver', 'carol.approver'];
const OPERATOR = 'oscar.operator';

interface Scenario {
  runbook: string;
  inputs: string[];
  /** Decisions' answers and tasks' reports, given on the command line (`--field`). */
  drive?: Pick<DriveOptions, 'answers' | 'fields'>;
  expectSkipped: string[];
  /** The `end` step's outcome, when one ended the run. */
  expectOutcome?: string;
  expectSeverity?: string;
}

const SCENARIOS: Scenario[] = [
  {
    runbook: 'credential-compromise',
    inputs: ['principal=alice', 'access_key_id=AKIAIOSFODNN7EXAMPLE', 'cidrs=203.0.113.0/24', 'cidrs=198.51.100.7', 'vendor=acme'],
    // Triage confirms and re-grades; the loop parks both keys the tabletop listing stands in for.
    drive: { answers: { triage: { option: 'confirmed', fields: { severity: 'critical', notes: 'calls from 203.0.113.7' } } }, fields: { 'rotate-dependents': { secrets_rotated: 4 } } },
    expectSkipped: ['close-false-positive'],
    expectSeverity: 'critical',
  },
  {
    runbook: 'credential-compromise',
    inputs: ['principal=alice', 'access_key_id=AKIAIOSFODNN7EXAMPLE', 'vendor=acme'],
    // A false positive: the run completes at the end step, nothing is contained or undone.
    drive: { answers: { triage: { option: 'false-positive', fields: { notes: 'the red team, on the calendar' } } } },
    expectSkipped: [
      'regrade', 'find-keys', 'approve-containment', 'park-keys', 'contain', 'revoke-sessions', 'block-egress', 'preserve-evidence',
      'collect-api-activity', 'collect-app-logs', 'tell-responders', 'notify-vendor', 'await-vendor', 'rotate-dependents', 'delete-leaked-key',
    ],
    expectOutcome: 'false-positive',
  },
  {
    runbook: 'vendor-breach',
    inputs: ['vendor=globex', 'integration_principal=globex-sync', 'vendor_cidrs=192.0.2.0/24', 'data_categories=customer contact data,order history'],
    drive: { answers: { 'assess-notification': { option: 'regulator', fields: { reasoning: 'contact data of EU customers' } } } },
    // The vendor confirms in time, so there is nothing overdue to escalate.
    expectSkipped: ['escalate-overdue-deletion'],
  },
  {
    runbook: 'offboarding',
    inputs: ['person=mallory@example.com', 'kind=vendor', 'vendor=acme', 'aws_user=mallory', 'github_login=mallory-gh', 'manager_email=boss@example.com'],
    // The laptop does not come back: the run says so. The access report shows none left at once.
    drive: { fields: { 'recover-devices': { laptop_returned: 'no', asset_tags: 'BADGE-7' } } },
    expectSkipped: ['remove-remaining-access'],
  },
  {
    runbook: 'offboarding',
    inputs: ['person=eve@example.com'],
    expectSkipped: ['revoke-aws-keys', 'remove-github', 'request-data-return', 'await-data-return', 'laptop-missing', 'remove-remaining-access', 'tell-manager'],
  },
];

describe('quell CLI runs the shipped runbooks in tabletop mode', () => {
  let env: CliEnvironment;
  let journal: FileEffectJournal;
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    const server = testServer();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'quell-cli-'));
    const taskQueue = uniqueTaskQueue('cli');
    journal = new FileEffectJournal(path.join(dataDir, 'effects.jsonl'));
    const worker = await startTestWorker({
      taskQueue,
      deps: { logger: runLogger('logger'), effectJournal: journal, live: EMPTY_LIVE_SETUP },
    });
    stopWorker = worker.stop;
    env = { address: server.address, namespace: server.namespace, taskQueue, dataDir };
  });

  afterAll(async () => {
    await stopWorker?.();
  });

  test.each(SCENARIOS.map((scenario, index) => [`${scenario.runbook} #${index + 1}`, scenario] as const))(
    '%s completes with approvals, events and manual steps given by quell commands',
    async (_name, scenario) => {
      const incident = `INC-CLI-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
      const started = await quellOk(
        ['start', scenario.runbook, '--tabletop', '--incident', incident, '--as', REQUESTER, '--json', ...scenario.inputs.flatMap((i) => ['--input', i])],
        env,
      );
      const { workflowId, mode } = JSON.parse(started.stdout) as { workflowId: string; mode: string };
      expect(mode).toBe('tabletop');
      expect(workflowId).toBe(`quell-tabletop:${scenario.runbook}:${incident}`);

      const final = await driveToEnd(cliResponder(env), workflowId, { approvers: APPROVERS, operator: OPERATOR, timeoutMs: 90_000, ...scenario.drive });
      expect(final.status).toBe('completed');
      expect(final.outcome?.name).toBe(scenario.expectOutcome);

      const status = JSON.parse((await quellOk(['status', workflowId, '--json'], env)).stdout) as RunState;
      expect(status.status).toBe('completed');
      expect(status.runbook.id).toBe(scenario.runbook);
      expect(status.runbook.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(status.severity?.current).toBe(scenario.expectSeverity);
      const skipped = status.steps.filter((step) => step.status === 'skipped').map((step) => step.id);
      expect(skipped.sort()).toEqual([...scenario.expectSkipped].sort());
      for (const step of status.steps) {
        expect(['succeeded', 'skipped']).toContain(step.status);
        if (step.status === 'succeeded') {
          expect(step.startedAt).toBeDefined();
          expect(step.endedAt).toBeDefined();
        }
        if (step.kind === 'approval' && step.status === 'succeeded') {
          const approvers = step.approval?.decisions.map((d) => d.actor) ?? [];
          expect(approvers.length).toBe(step.approval?.quorum);
          expect(approvers).not.toContain(REQUESTER);
          expect(step.approval?.decisions.every((d) => d.via === 'cli')).toBe(true);
        }
        if (step.kind === 'decision') {
          const answers = step.decision?.decisions ?? [];
          expect(answers.length).toBe(step.decision?.quorum);
          expect(answers.every((answer) => answer.via === 'cli' && answer.actor !== REQUESTER)).toBe(true);
          const wanted = scenario.drive?.answers?.[step.id];
          if (wanted) expect(step.output).toMatchObject({ choice: wanted.option, ...wanted.fields });
        }
        if ((step.kind === 'manual' || step.kind === 'wait') && step.status === 'succeeded') expect(step.actor).toBe(OPERATOR);
        if (step.kind === 'action' && step.status === 'succeeded') expect(step.output?.simulated).toBe(true);
      }

      // Every action that ran recorded exactly one tabletop effect; skipped ones recorded none.
      const effects = await journal.list({ workflowId });
      const actionSteps = status.steps.filter((step) => step.kind === 'action');
      for (const step of actionSteps) {
        const recorded = effects.filter((effect) => effect.stepId === step.id && effect.idempotencyKey.endsWith('/perform'));
        expect(recorded).toHaveLength(step.status === 'succeeded' ? 1 : 0);
      }

      const history = JSON.parse((await quellOk(['history', workflowId, '--json'], env)).stdout) as Array<{ kind: string; actor?: string; detail?: string }>;
      expect(history[0]).toMatchObject({ kind: 'run.started', actor: REQUESTER });
      expect(history.filter((entry) => entry.kind === 'decision.decideApproval').map((entry) => entry.actor)).toEqual(
        status.steps.flatMap((step) => step.approval?.decisions.map((d) => d.actor) ?? []),
      );
      expect(history.filter((entry) => entry.kind === 'decision.answerDecision').map((entry) => `${entry.actor} ${entry.detail}`)).toEqual(
        status.steps.flatMap((step) => step.decision?.decisions.map((d) => `${d.actor} option ${d.option}, via cli`) ?? []),
      );
      expect(history.at(-1)).toMatchObject({ kind: 'run.closed', detail: scenario.expectOutcome ? `completed: ${scenario.expectOutcome}` : 'completed' });
    },
  );

  test('a second quell start for the same runbook and incident is refused, not doubled', async () => {
    const incident = `INC-DUP-${Date.now()}`;
    const args = ['start', 'credential-compromise', '--tabletop', '--incident', incident, '--as', REQUESTER, '--input', 'principal=alice'];
    const first = await quellOk(args, env);
    expect(first.stdout).toContain(`quell-tabletop:credential-compromise:${incident}`);

    const second = await runQuell(args, env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`a tabletop run of credential-compromise for incident ${incident} already exists`);
    expect(second.stderr).toContain('refusing to start it twice');

    const workflowId = `quell-tabletop:credential-compromise:${incident}`;
    await quellOk(['cancel', workflowId, '--as', REQUESTER, '--reason', 'test cleanup'], env);
  });

  test('a live start is refused up front, naming each action without a live connector', async () => {
    const result = await runQuell(['start', 'credential-compromise', '--incident', `INC-LIVE-${Date.now()}`, '--as', REQUESTER, '--input', 'principal=alice'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('live run refused');
    expect(result.stderr).toContain('credentials.deactivate (step deactivate-key)');
    expect(result.stderr).toContain('egress.block (step block-egress)');
    expect(result.stderr).toContain('--tabletop');
  });

  test('bad input is refused before a run exists, naming the input', async () => {
    const result = await runQuell(
      ['start', 'credential-compromise', '--tabletop', '--incident', `INC-BAD-${Date.now()}`, '--as', REQUESTER, '--input', 'principal=alice', '--input', 'access_key_id=not-a-key', '--input', 'colour=blue'],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('input access_key_id: "not-a-key" does not match the pattern ^AKIA[0-9A-Z]{16}$');
    expect(result.stderr).toContain('input colour: runbook credential-compromise has no input "colour"');
  });
});
