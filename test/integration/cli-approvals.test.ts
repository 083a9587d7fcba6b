/**
 * CLI parity with the approval policy: `quell approve|reject` show the gate's summary and send its
 * hash, `--as USER` is the identity cli:USER mapped through the approvers file, refusals come back
 * with the workflow's reason; and `quell start` refuses a live run whose gates the approvers file
 * cannot enforce.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMPTY_LIVE_SETUP } from '../../activities/action-performer';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import { buildApproversSetup } from '../../activities/approvers/build';
import type { RunState } from '../../common/run-state';
import { quellOk, runQuell, type CliEnvironment } from '../support/cli';
import { waitForState } from '../support/run-driver';
import { runLogger, startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

const GATES = path.resolve(__dirname, '..', 'fixtures', 'runbooks', 'policy-gates.yaml');

const APPROVERS = `
version: 1
people:
  rita:  { cli: rita }
  alice: { cli: asmith, slack: U0ALICE }
  bob:   { cli: bob }
groups:
  security-oncall: { people: [alice, bob] }
  security-leads:  { people: [rita] }
`;

describe('quell approve/reject under the approval policy', () => {
  let env: CliEnvironment;
  let work: string;
  let approversFile: string;
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-cli-approvals-'));
    approversFile = path.join(work, 'approvers.yaml');
    fs.writeFileSync(approversFile, APPROVERS);
    const taskQueue = uniqueTaskQueue('cli-approvals');
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

  test('approve shows the summary, sends its hash and acts as the person the CLI identity maps to', async () => {
    const incident = `INC-CLIPOL-${Date.now()}`;
    const started = await quellOk(['start', GATES, '--tabletop', '--incident', incident, '--as', 'rita', '--json'], env);
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    const open = await waitForState(() => status(workflowId), (s) => s.steps.find((step) => step.id === 'approve')?.approval?.policy === 'enforced');
    const gate = open.steps.find((step) => step.id === 'approve')!.approval!;

    const outsider = await runQuell(['approve', workflowId, 'approve', '--as', 'alice'], env);
    expect(outsider.code).toBe(1);
    // "alice" is a person, but her CLI identity is asmith: cli:alice is nobody in the file.
    expect(outsider.stderr).toContain('refused: alice (cli:alice) may not decide on step approve: only members of security-oncall may');

    const self = await runQuell(['approve', workflowId, 'approve', '--as', 'rita'], env);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('rita requested this run and cannot approve it');

    const approved = await quellOk(['approve', workflowId, 'approve', '--as', 'asmith'], env);
    expect(approved.stdout).toContain(`approve of ${workflowId} asks you to approve:\n  Keep 192.0.2.20 blocked for ${incident}\n  (summary sha256 ${gate.summarySha256})`);
    expect(approved.stdout).toContain(`approved approve of ${workflowId} as alice: 1 of 2 approvals`);

    // The terminal view names who may still decide, and who already did, as the workflow sees it.
    const shown = (await quellOk(['status', workflowId], env)).stdout;
    expect(shown).toMatch(/\n {6}who may decide: alice \(security-oncall\), bob \(security-oncall\) {3}as of \d{4}-/);
    expect(shown).toMatch(/\n {6}approved by asmith \(alice\) via cli at \d{4}-/);
    expect(shown).toContain(`summary sha256 ${gate.summarySha256}`);

    const stale = await runQuell(['approve', workflowId, 'approve', '--as', 'bob', '--sha256', 'f'.repeat(64)], env);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the summary of step approve is not the one you were shown');

    const rejected = await quellOk(['reject', workflowId, 'approve', '--as', 'bob', '--reason', 'wrong range', '--sha256', gate.summarySha256, '--json'], env);
    expect(JSON.parse(rejected.stdout)).toMatchObject({
      outcome: 'rejected',
      decisions: [
        { actor: 'asmith', person: 'alice', via: 'cli', decision: 'approve', summarySha256: gate.summarySha256 },
        { actor: 'bob', person: 'bob', via: 'cli', decision: 'reject', reason: 'wrong range', summarySha256: gate.summarySha256 },
      ],
    });
    const final = await waitForState(() => status(workflowId), (s) => s.status === 'rejected');
    expect(final.steps.find((step) => step.id === 'block')?.status).toBe('compensated');
  });

  test('a live start is refused when the approvers file is missing or lacks a group its gates name', async () => {
    const args = ['start', 'credential-compromise', '--input', 'principal=alice', '--as', 'rita'];
    const none = await runQuell([...args, '--incident', `INC-NOAPP-${Date.now()}`], { ...env, extra: {} });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('approval gates need an approvers file and none is configured (QUELL_APPROVERS_FILE) (steps triage, approve-containment)');
    expect(none.stderr).toContain('Fix the connectors file (QUELL_CONNECTORS_FILE; `quell doctor` checks it) and the approvers file (QUELL_APPROVERS_FILE)');

    const partial = path.join(work, 'partial.yaml');
    fs.writeFileSync(partial, 'version: 1\npeople:\n  bob: { cli: bob }\ngroups:\n  security-oncall: { people: [bob] }\n');
    const lacking = await runQuell([...args, '--incident', `INC-PARTIAL-${Date.now()}`], { ...env, extra: { QUELL_APPROVERS_FILE: partial } });
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toContain(`approver group security-leads is not defined in ${partial} (step approve-containment)`);
    expect(lacking.stderr).not.toContain('approver group security-oncall');

    const broken = path.join(work, 'broken.yaml');
    fs.writeFileSync(broken, 'version: 1\ngroups:\n  security-oncall: { people: [nobody] }\n');
    const invalid = await runQuell([...args, '--incident', `INC-BROKEN-${Date.now()}`], { ...env, extra: { QUELL_APPROVERS_FILE: broken } });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(`${broken}:3:31: person "nobody" is not defined under people`);
  });
});
