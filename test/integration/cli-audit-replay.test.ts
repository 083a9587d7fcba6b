/**
 * `quell audit verify --replay` (the `verify --replay` check, cli/commands/audit-verify-replay.ts) as an
 * auditor runs it: a tabletop run finishes on the dev server, its worker stops, and the CLI, with
 * no worker anywhere, fetches the history and says today's code reproduces it. The same from an
 * exported history file (the Temporal CLI's export and a committed recording), and for a run
 * stored encrypted, through the configured payload keys; a tampered history is NOT reproduced with exit 1 and the mismatch named; an unknown run is a clear error.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { defaultPayloadConverter, METADATA_ENCODING_KEY } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { completeManual, getRunState, startRun } from '../../client/runs';
import { EXERCISE_MARK } from '../../common/exercise';
import { ENCRYPTED_ENCODING } from '../../config/codec/aes-gcm-codec';
import { payloadDataConverter } from '../../config/codec/payload-data-converter';
import type { RunRunbookInput } from '../../workflows/input';
import { runQuell, type CliEnvironment } from '../support/cli';
import { startTestEngine } from '../support/engine';
import { HISTORIES_DIR, recordedHistory } from '../support/recorded-histories';
import { waitForState } from '../support/run-driver';
import { loadTestRunbook } from '../support/runbooks';
import { connectTestClient, startTestWorker, testServer, uniqueTaskQueue } from '../support/temporal';

const RUNBOOK = 'test/fixtures/runbooks/compensation.yaml';

let work: string;
let env: CliEnvironment;
let workflowId: string;
let eventCount: number;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-cli-audit-replay-'));
  const engine = await startTestEngine('cli-audit-replay');
  try {
    workflowId = await engine.start(RUNBOOK, {}, { mode: 'tabletop' });
    await waitForState(() => getRunState(engine.client, workflowId), (state) => state.steps.find((step) => step.id === 'hold')?.status === 'waiting');
    await completeManual(engine.client, workflowId, { stepId: 'hold', actor: 'rita', via: 'cli', note: 'held long enough' });
    await engine.client.workflow.getHandle(workflowId).result();
  } finally {
    // From here on no worker polls anywhere for this run: replay must not need one.
    await engine.stop();
  }
  const client = await connectTestClient();
  try {
    eventCount = (await client.workflow.getHandle(workflowId).fetchHistory()).events!.length;
  } finally {
    await client.connection.close();
  }
  const server = testServer();
  env = { address: server.address, namespace: server.namespace, taskQueue: 'no-worker-polls-here', dataDir: work };
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('quell audit verify --replay', () => {
  test('a finished run, its worker gone, is reproduced by this code: id, type and event count named, marked as an exercise', async () => {
    const result = await runQuell(['audit', 'verify', '--replay', workflowId], env);
    expect(result).toEqual({ code: 0, stdout: `[${EXERCISE_MARK}] reproduced: this code replays ${workflowId} (runRunbook, ${eventCount} events) deterministically`, stderr: '' });
  });

  test('--json prints the verdict for scripts', async () => {
    const result = await runQuell(['audit', 'verify', '--replay', workflowId, '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      reproduced: true,
      workflowId,
      workflowType: 'runRunbook',
      eventCount,
      mode: 'tabletop',
      detail: `runRunbook replayed ${eventCount} events with no determinism violation`,
    });
  });

  test("--history replays the Temporal CLI's own export of the run (temporal workflow show --output json)", async () => {
    const { cliPath, address, namespace } = testServer();
    if (cliPath === 'sdk-download') throw new Error('this test needs a local Temporal CLI binary');
    const exported = await promisify(execFile)(cliPath, ['workflow', 'show', '--workflow-id', workflowId, '--address', address, '--namespace', namespace, '--output', 'json'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const file = path.join(work, 'exported.json');
    fs.writeFileSync(file, exported.stdout);
    const result = await runQuell(['audit', 'verify', '--replay', '--history', file, '--workflow-id', workflowId], env);
    expect(result).toEqual({ code: 0, stdout: `[${EXERCISE_MARK}] reproduced: this code replays ${workflowId} (runRunbook, ${eventCount} events) deterministically`, stderr: '' });
  });

  test('--history replays a committed recording with no server at all', async () => {
    const file = path.join(HISTORIES_DIR, 'credential-compromise.json');
    const { history } = recordedHistory('credential-compromise');
    const recordedId = history.events![0]!.workflowExecutionStartedEventAttributes!.workflowId;
    const result = await runQuell(['audit', 'verify', '--replay', '--history', file], { ...env, address: '127.0.0.1:1' });
    expect(result).toEqual({
      code: 0,
      stdout: `[${EXERCISE_MARK}] reproduced: this code replays ${recordedId} (runRunbook, ${history.events!.length} events) deterministically`,
      stderr: '',
    });
  });

  test('a history this code does not reproduce exits 1 naming the mismatch, without a stack', async () => {
    // The recorded run with its approval gate removed from the runbook it carries: the code now
    // deactivates keys where the recording looked up the gate's approvers.
    const { history } = recordedHistory('credential-compromise');
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    const input = defaultPayloadConverter.fromPayload<RunRunbookInput>(started.input!.payloads![0]!);
    input.runbook.steps = input.runbook.steps.filter((step) => step.id !== 'approve-containment');
    started.input = { payloads: [defaultPayloadConverter.toPayload(input)] };
    const file = path.join(work, 'tampered.json');
    fs.writeFileSync(file, historyToJSON(history));

    const result = await runQuell(['audit', 'verify', '--replay', '--history', file], { ...env, address: '127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(`^quell: \\[${EXERCISE_MARK}\\] NOT reproduced: this code does not replay ${started.workflowId} \\(runRunbook, ${history.events!.length} events\\): determinism violation: .*Nondeterminism error: Activity type of scheduled event 'resolveApprovers' does not match activity type of activity command 'credentials.deactivate'$`),
    );
  });

  test('a history of a workflow type this code lacks is NOT reproduced, in one line (the SDK logs its stack; the CLI keeps it off the terminal)', async () => {
    const { history } = recordedHistory('offboarding');
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    started.workflowType = { name: 'runRunbookRetired' };
    const file = path.join(work, 'retired-type.json');
    fs.writeFileSync(file, historyToJSON(history));

    const result = await runQuell(['audit', 'verify', '--replay', '--history', file], { ...env, address: '127.0.0.1:1' });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `quell: [${EXERCISE_MARK}] NOT reproduced: this code does not replay ${started.workflowId} (runRunbookRetired, ${history.events!.length} events): ` +
        "replay failed: Failed to initialize workflow of type 'runRunbookRetired': no such function is exported by the workflow bundle",
    });
  });

  test('a run stored encrypted replays with the configured keys (and is still marked an exercise); without them it cannot be replayed, and says so', async () => {
    const keyEnv = { QUELL_KEY_REPLAY: randomBytes(32).toString('base64') };
    const keyFile = path.join(work, 'payload-keys.yaml');
    fs.writeFileSync(keyFile, 'keys:\n  - id: replay-test\n    key: { env: QUELL_KEY_REPLAY }\n');
    const dataConverter = payloadDataConverter({ payloadKeysFile: keyFile }, keyEnv);
    const taskQueue = uniqueTaskQueue('cli-audit-replay-encrypted');
    const worker = await startTestWorker({ taskQueue, dataConverter });
    const client = await connectTestClient({ dataConverter });
    let encryptedId: string;
    let events: number;
    try {
      const { runbook, sha256 } = await loadTestRunbook(RUNBOOK);
      const handle = await startRun(client, { runbook, runbookSha256: sha256, inputs: {}, mode: 'tabletop', requestedBy: 'rita', requestedVia: 'api', incidentId: `INC-REPLAY-ENC-${Date.now()}`, taskQueue });
      encryptedId = handle.workflowId;
      await waitForState(() => getRunState(client, encryptedId), (state) => state.steps.find((step) => step.id === 'hold')?.status === 'waiting');
      await completeManual(client, encryptedId, { stepId: 'hold', actor: 'rita', via: 'cli', note: 'held long enough' });
      await handle.result();
      const history = await client.workflow.getHandle(encryptedId).fetchHistory();
      events = history.events!.length;
      // Stored encrypted: the start input's encoding is the codec's, not JSON.
      const stored = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      expect(Buffer.from(stored.metadata![METADATA_ENCODING_KEY]!).toString('utf8')).toBe(ENCRYPTED_ENCODING);
    } finally {
      await worker.stop();
      await client.connection.close();
    }

    const withKeys = await runQuell(['audit', 'verify', '--replay', encryptedId], { ...env, extra: { QUELL_PAYLOAD_KEYS_FILE: keyFile, ...keyEnv } });
    expect(withKeys).toEqual({ code: 0, stdout: `[${EXERCISE_MARK}] reproduced: this code replays ${encryptedId} (runRunbook, ${events} events) deterministically`, stderr: '' });

    const withoutKeys = await runQuell(['audit', 'verify', '--replay', encryptedId], env);
    expect(withoutKeys.code).toBe(1);
    // Not a verdict on the code: the code never saw its inputs.
    expect(withoutKeys).toEqual({
      code: 1,
      stdout: '',
      stderr: `quell: refused: cannot replay ${encryptedId}: its payloads are encoded as ${ENCRYPTED_ENCODING}; replay needs the payload keys it was written with (QUELL_PAYLOAD_KEYS_FILE)`,
    });
  });

  test('an unknown run, a missing file and a confused command line each get a clear error', async () => {
    const missing = await runQuell(['audit', 'verify', '--replay', 'no-such-run-for-replay'], env);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: "quell: no run no-such-run-for-replay in Temporal (histories are kept only for the namespace's retention period)" });

    const noFile = await runQuell(['audit', 'verify', '--replay', '--history', path.join(work, 'absent.json')], env);
    expect(noFile).toEqual({ code: 2, stdout: '', stderr: `quell: history file ${path.join(work, 'absent.json')}: cannot read it (ENOENT)` });

    const notHistory = path.join(work, 'not-history.json');
    fs.writeFileSync(notHistory, JSON.stringify({ workflowId }));
    expect(await runQuell(['audit', 'verify', '--replay', '--history', notHistory], env)).toEqual({
      code: 2,
      stdout: '',
      stderr: `quell: history file ${notHistory}: no events; expected the JSON of \`temporal workflow show --output json\``,
    });

    expect(await runQuell(['audit', 'verify', '--replay', workflowId, '--history', notHistory], env)).toEqual({ code: 2, stdout: '', stderr: 'quell: give either a run id or --history FILE, not both' });
    expect(await runQuell(['audit', 'verify', '--replay'], env)).toEqual({ code: 2, stdout: '', stderr: 'quell: name the run to replay, or an exported history with --history FILE' });
  });
});
