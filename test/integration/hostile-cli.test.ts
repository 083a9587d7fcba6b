/**
 * Hostile input to `quell` (issue 11): each row runs the real command (bin/quell.js, a child
 * process against the run's dev server) with arguments an attacker or a careless person could
 * type, and checks that it is refused as it should be:
 * - the documented exit code (2: what was typed is wrong);
 * - one message naming the flag, argument or input at fault;
 * - no stack trace, no Node error class, no raw control character echoed back;
 * - nothing started: the run the row would have made does not exist, and at the end visibility
 *   lists exactly one run on this task queue (the legitimate start that closes the table);
 * - within a time bound.
 *
 * A process start costs over half a second of CPU, so one row per class goes through the binary
 * (proving the entry point itself adds no trace or noise) and its variations call the same entry
 * point in this process (runCli, what bin/quell.js runs). Values of 1 and 3 MiB cannot travel as
 * one command-line argument at all (Linux caps one at 128 KiB): those rows run in process, and
 * the largest value an argument can carry goes through the binary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { runCli } from '../../cli/main';
import { findForbiddenCharacter } from '../../common/text-safety';
import { runQuell, type CliEnvironment, type CliResult } from '../support/cli';
import { eventually } from '../support/eventually';
import { connectTestClient, testServer, uniqueTaskQueue } from '../support/temporal';

const ROW_TIME_LIMIT_MS = 15_000;
const USAGE = 2;
/** The largest single argument Linux passes to a program (MAX_ARG_STRLEN is 128 KiB, with its NUL). */
const LARGEST_ARGUMENT = 128 * 1024 - 1;

let env: CliEnvironment;
let client: Client;
let work: string;
let constructorRunbook: string;
let counter = 0;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-hostile-cli-'));
  // An input legitimately called `constructor` (snake_case allows it): it must be startable.
  constructorRunbook = path.join(work, 'constructor-input.yaml');
  fs.writeFileSync(
    constructorRunbook,
    [
      'id: constructor-input',
      'version: 1',
      'title: An input named like a JavaScript built-in',
      'severity: low',
      'inputs:',
      '  constructor: { type: string, required: true, description: Who builds it }',
      'steps:',
      '  - id: note',
      '    manual: { task: Write it down }',
      '',
    ].join('\n'),
  );
  const server = testServer();
  // No worker: a refused start must leave nothing, and the one accepted start only needs to exist.
  env = { address: server.address, namespace: server.namespace, taskQueue: uniqueTaskQueue('hostile-cli'), dataDir: work, extra: { QUELL_USER: 'tester' } };
  client = await connectTestClient();
});

afterAll(async () => {
  if (client) {
    for await (const run of client.workflow.list({ query: `TaskQueue = '${env.taskQueue}' AND ExecutionStatus = 'Running'` })) {
      await client.workflow.getHandle(run.workflowId).terminate('hostile-cli test done');
    }
    await client.connection.close();
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const incident = () => `INC-HOSTILE-${process.pid}-${(counter += 1)}`;
const start = (id: string, ...more: string[]) => ['start', 'credential-compromise', '--tabletop', '--incident', id, ...more];

/** The entry point bin/quell.js calls, in this process, with the environment runQuell would give. */
async function runInProcess(args: string[], cli: CliEnvironment): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const processEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: cli.address,
    TEMPORAL_NAMESPACE: cli.namespace,
    QUELL_TASK_QUEUE: cli.taskQueue,
    QUELL_DATA_DIR: cli.dataDir,
    QUELL_LOG_LEVEL: 'warn',
    ...cli.extra,
  };
  const code = await runCli(args, { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) }, processEnv);
  return { code, stdout: stdout.join('\n').trim(), stderr: stderr.join('\n').trim() };
}

async function assertNothingStarted(incidentId: string): Promise<void> {
  for (const prefix of ['quell', 'quell-tabletop']) {
    await expect(client.workflow.getHandle(`${prefix}:credential-compromise:${incidentId}`).describe()).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
  }
}

/** What every refusal must look like, whatever the row. */
function assertCleanRefusal(result: CliResult, code: number, named: string | RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  if (typeof named === 'string') expect(result.stderr).toContain(named);
  else expect(result.stderr).toMatch(named);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/\b[A-Z][A-Za-z]*Error\b:|^Error:|CliFailure|QuellClientError/m);
  // Nothing people typed comes back as a live control character: line feeds only between lines.
  expect(findForbiddenCharacter(result.stderr, { allowLineBreaks: true })).toBeUndefined();
  expect(result.stderr.split('\n').length).toBeLessThanOrEqual(4);
}

interface Row {
  name: string;
  /** Run through runCli in this process instead of the binary (a variation of a class the binary covers). */
  inProcess?: boolean;
  args: (incidentId: string) => string[];
  named: string | RegExp;
  /** Replaces the default environment additions (QUELL_USER=tester). */
  extra?: Record<string, string>;
  code?: number;
}

const nameRows: Row[] = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'].map((key, index) => ({
  name: `prototype key -i ${key}=x`,
  inProcess: index > 1,
  args: (id) => start(id, '-i', 'principal=alice', '-i', `${key}=x`),
  named: `input ${key}: runbook credential-compromise has no input "${key}"; its inputs are: principal, access_key_id, cidrs, vendor`,
}));

const forging: Array<[string, string]> = [
  ['line feed', 'U+000A (line feed)'],
  ['carriage return', 'U+000D (carriage return)'],
  ['ANSI escape', 'U+001B (escape (ANSI))'],
  ['right-to-left override', 'U+202E (right-to-left override)'],
  ['zero-width space', 'U+200B (zero-width space)'],
];
const FORGING_CHARACTER: Record<string, string> = { 'line feed': '\n', 'carriage return': '\r', 'ANSI escape': '\u001b[31m', 'right-to-left override': '\u202e', 'zero-width space': '\u200b' };

const forgeryRows: Row[] = forging.flatMap(([what, described], index) => {
  const char = FORGING_CHARACTER[what];
  return [
    { name: `${what} in --as`, inProcess: index > 0, args: (id) => start(id, '-i', 'principal=alice', '--as', `mallory${char}rita`), named: `--as contains ${described} at character 8` },
    { name: `${what} in an input`, inProcess: index !== 2, args: (id) => start(id, '-i', `principal=alice${char}x`, '--as', 'bob'), named: `input principal: contains ${described} at character 6` },
  ];
});

const rows: Row[] = [
  ...nameRows,
  ...forgeryRows,
  { name: 'line feed in QUELL_USER (the default identity)', args: (id) => start(id, '-i', 'principal=alice'), extra: { QUELL_USER: 'bob\n2030-01-01 approved by rita' }, named: 'QUELL_USER contains U+000A (line feed) at character 4' },
  { name: 'ANSI escape in USER (no QUELL_USER)', inProcess: true, args: (id) => start(id, '-i', 'principal=alice'), extra: { USER: 'bob\u001b[2J' }, named: 'USER contains U+001B (escape (ANSI)) at character 4' },
  { name: 'an identity past its limit', inProcess: true, args: (id) => start(id, '-i', 'principal=alice', '--as', 'b'.repeat(201)), named: '--as is too long: 201 characters where the limit is 200 characters' },
  { name: 'line feed in --incident', inProcess: true, args: () => start('INC-1\nstarted quell:x', '-i', 'principal=alice'), named: '--incident "INC-1\\nstarted quell:x" is not valid' },
  { name: 'right-to-left override in --incident', args: () => start('INC-\u202e1', '-i', 'principal=alice'), named: '--incident "INC-\\u{202E}1" is not valid' },
  { name: 'control character in a list item', inProcess: true, args: (id) => start(id, '-i', 'principal=alice', '-i', 'cidrs=192.0.2.1', '-i', 'cidrs=192.0.2.2\u001b[0m'), named: 'input cidrs: item 2: contains U+001B (escape (ANSI))' },
  { name: 'whitespace-only required input', args: (id) => start(id, '-i', 'principal= \t '), named: 'input principal: is required (IAM user whose credential leaked)' },
  { name: 'the largest value one argument can carry', args: (id) => start(id, '-i', `principal=${'a'.repeat(LARGEST_ARGUMENT - 'principal='.length)}`), named: /input principal: is too long: 131,\d{3} characters where the limit is 4,096 characters/ },
  {
    name: 'more list items than allowed',
    inProcess: true,
    args: (id) => start(id, '-i', 'principal=alice', '-i', `cidrs=${Array.from({ length: 501 }, (_, i) => i).join(',')}`),
    named: 'input cidrs: has too many items: 501 entries where the limit is 500 entries',
  },
  { name: 'too many --input flags', args: (id) => start(id, ...Array.from({ length: 201 }, () => ['-i', 'cidrs=192.0.2.1']).flat()), named: '--input is given too many times: 201 entries where the limit is 200 entries' },
  { name: 'an --input without =', args: (id) => start(id, '-i', 'principal'), named: '--input "principal" must look like name=value' },
  { name: 'an --input without a name', inProcess: true, args: (id) => start(id, '-i', '=alice'), named: '--input "=alice" must look like name=value' },
  { name: 'an unknown runbook whose name carries an escape sequence', args: () => ['start', 'no-such\u001b[2J', '-i', 'principal=alice'], named: 'no runbook "no-such\\u{1B}[2J" in' },
  { name: 'an unknown option', args: (id) => start(id, '--bogus'), named: "error: unknown option '--bogus'" },
  { name: 'an option without its value', inProcess: true, args: () => ['start', 'credential-compromise', '--incident'], named: "error: option '--incident <id>' argument missing" },
  { name: 'an unknown command', args: () => ['strat', 'credential-compromise'], named: "error: unknown command 'strat'" },
  { name: 'approve --as with a line feed', args: (id) => ['approve', `quell-tabletop:credential-compromise:${id}`, 'approve-containment', '--as', 'bob\nrita'], named: '--as contains U+000A (line feed)' },
  { name: 'reject --reason with an ANSI escape', inProcess: true, args: (id) => ['reject', `quell-tabletop:credential-compromise:${id}`, 'approve-containment', '--as', 'bob', '--reason', 'no\u001b[8m'], named: '--reason contains U+001B (escape (ANSI)) at character 3: line breaks and tabs are allowed' },
  { name: 'approve --sha256 that is no hash', inProcess: true, args: (id) => ['approve', `quell-tabletop:credential-compromise:${id}`, 'approve-containment', '--as', 'bob', '--sha256', 'x'], named: '--sha256 must be 64 hexadecimal digits' },
  { name: 'done with a step id carrying an override', inProcess: true, args: (id) => ['done', `quell-tabletop:credential-compromise:${id}`, 'hand-over\u202e', '--as', 'bob'], named: '<step> contains U+202E (right-to-left override)' },
  { name: 'event --data with a __proto__ key', args: (id) => ['event', `quell-tabletop:credential-compromise:${id}`, 'vendor-notified', '--as', 'bob', '--data', '{"__proto__":{"admin":true}}'], named: '--data has the key "__proto__", which names a built-in property of every object' },
  { name: 'event --data nested past its limit', inProcess: true, args: (id) => ['event', `quell-tabletop:credential-compromise:${id}`, 'vendor-notified', '--as', 'bob', '--data', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`], named: /--data\.a(\[0\])+ is nested too deeply: 9 levels where the limit is 8 levels/ },
  { name: 'event --data that is no JSON', inProcess: true, args: (id) => ['event', `quell-tabletop:credential-compromise:${id}`, 'vendor-notified', '--as', 'bob', '--data', '{"a":'], named: '--data is not valid JSON' },
  { name: 'status of a run id with a line feed', args: () => ['status', 'quell:credential-compromise:INC-1\nstatus completed'], named: '<workflowId> contains U+000A (line feed)' },
  { name: 'cancel with a reason past its limit', inProcess: true, args: (id) => ['cancel', `quell-tabletop:credential-compromise:${id}`, '--as', 'bob', '--reason', 'r'.repeat(2001)], named: '--reason is too long: 2,001 characters where the limit is 2,000 characters' },
];

describe('quell refuses hostile input clearly, fast, and starts nothing', () => {
  test.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const id = incident();
    const began = performance.now();
    const result = await (row.inProcess ? runInProcess : runQuell)(row.args(id), { ...env, extra: row.extra ?? env.extra });
    const took = performance.now() - began;
    assertCleanRefusal(result, row.code ?? USAGE, row.named);
    expect(took).toBeLessThan(ROW_TIME_LIMIT_MS);
    await assertNothingStarted(id);
  });

  test.each([
    ['1 MiB', 1024 * 1024],
    ['3 MiB', 3 * 1024 * 1024],
  ])('a %s input value is refused naming the input and the limit (in process: too long for one argument)', async (_size, length) => {
    const id = incident();
    const began = performance.now();
    const result = await runInProcess(start(id, '-i', `principal=${'p'.repeat(length)}`), env);
    const took = performance.now() - began;
    assertCleanRefusal(result, USAGE, `input principal: is too long: ${length.toLocaleString('en-US')} characters where the limit is 4,096 characters`);
    expect(result.stderr.length).toBeLessThan(500);
    expect(took).toBeLessThan(ROW_TIME_LIMIT_MS);
    await assertNothingStarted(id);
  });

  test('an input legitimately named `constructor` starts; afterwards visibility lists that run and no other', async () => {
    const id = incident();
    const result = await runQuell(['start', constructorRunbook, '--tabletop', '--incident', id, '-i', 'constructor=the builders', '--json'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { workflowId } = JSON.parse(result.stdout) as { workflowId: string };
    expect(workflowId).toBe(`quell-tabletop:constructor-input:${id}`);
    const started = await client.workflow.getHandle(workflowId).fetchHistory();
    const input = JSON.parse(Buffer.from(started.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0].data!).toString('utf8')) as { inputs: Record<string, unknown> };
    expect(input.inputs).toEqual({ constructor: 'the builders' });
    // Visibility lags; once it lists the legitimate run, every refused row has had its chance to show.
    await eventually('visibility to list the one run on this task queue', async () => (await client.workflow.count(`TaskQueue = '${env.taskQueue}'`)).count >= 1);
    expect((await client.workflow.count(`TaskQueue = '${env.taskQueue}'`)).count).toBe(1);
  });
});
