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
import { driveToEnd } from '../support/run-driver';
import { runLogger, startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

const REQUESTER = 'rita.requester';
const APPROVERS = ['bob.approver', 'carol.approver'];
const OPERATOR = 'oscar.operator';

const SCENARIOS: Array<{ runbook: string; inputs: string[]; expectSkipped: string[] }> = [
  {
    runbook: 'credential-compromise',
    inputs: ['principal=alice', 'access_key_id=AKIAIOSFODNN7EXAMPLE', 'cidrs=203.0.113.0/24', 'cidrs=198.51.100.7', 'vendor=acme'],
    expectSkipped: [],
  },
  {
    runbook: 'vendor-breach',
    inputs: ['vendor=globex', 'integration_principal=globex-sync', 'vendor_cidrs=192.0.2.0/24', 'data_categories=customer contact data,order history'],
    // The vendor confirms in time, so there is nothing overdue to escalate.
    expectSkipped: ['escalate-overdue-deletion'],
  },
  {
    runbook: 'offboarding',
    inputs: ['person=mallory@example.com', 'kind=vendor', 'vendor=acme', 'aws_user=mallory', 'github_login=mallory-gh', 'manager_email=boss@example.com'],
    expectSkipped: [],
  },
  {
    runbook: 'offboarding',
    inputs: ['person=eve@example.com'],
    expectSkipped: ['revoke-aws-keys', 'remove-github', 'request-data-return', 'await-data-return', 'tell-manager'],
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

      const final = await driveToEnd(cliResponder(env), workflowId, { approvers: APPROVERS, operator: OPERATOR, timeoutMs: 90_000 });
      expect(final.status).toBe('completed');

      const status = JSON.parse((await quellOk(['status', workflowId, '--json'], env)).stdout) as RunState;
      expect(status.status).toBe('completed');
      expect(status.runbook.id).toBe(scenario.runbook);
      expect(status.runbook.sha256).toMatch(/^[0-9a-f]{64}$/);
      const skipped = status.steps.filter((step) => step.status === 'skipped').map((step) => step.id);
      expect(skipped.sort()).toEqual([...scenario.expectSkipped].sort());
      for (const step of status.steps) {
        expect(['succeeded', 'skipped']).toContain(step.status);
        if (step.status === 'succeeded') {
          expect(step.startedAt).toBeDefined();
          expect(step.endedAt).toBeDefined();
        }
        if (step.kind === 'approval') {
          const approvers = step.approval?.decisions.map((d) => d.actor) ?? [];
          expect(approvers.length).toBe(step.approval?.quorum);
          expect(approvers).not.toContain(REQUESTER);
          expect(step.approval?.decisions.every((d) => d.via === 'cli')).toBe(true);
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

      const history = JSON.parse((await quellOk(['history', workflowId, '--json'], env)).stdout) as Array<{ kind: string; actor?: string }>;
      expect(history[0]).toMatchObject({ kind: 'run.started', actor: REQUESTER });
      expect(history.filter((entry) => entry.kind === 'decision.decideApproval').map((entry) => entry.actor)).toEqual(
        status.steps.flatMap((step) => step.approval?.decisions.map((d) => d.actor) ?? []),
      );
      expect(history.at(-1)).toMatchObject({ kind: 'run.closed', detail: 'completed' });
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
    expect(result.stderr).toContain('credentials.revoke (step revoke-key)');
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
