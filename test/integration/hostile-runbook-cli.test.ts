/**
 * Hostile runbook files through the real `quell lint` and `quell start` (bin/quell.js against the
 * run's dev server, no worker): deep templates and YAML that used to overflow the stack, alias
 * bombs, a 60 MB file, a FIFO, and a super-linear pattern. Each is refused with file:line:col (or
 * the file named), exit code 1, no stack trace, nothing started, within a time bound.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { runQuell, type CliEnvironment } from '../support/cli';
import { connectTestClient, testServer, uniqueTaskQueue } from '../support/temporal';

const TIME_BOUND_MS = 15_000;
const HEADER = 'id: hostile-file\nversion: 1\ntitle: Hostile file\nseverity: low\n';

let work: string;
let env: CliEnvironment;
let client: Client;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-hostile-runbook-cli-'));
  const server = testServer();
  env = { address: server.address, namespace: server.namespace, taskQueue: uniqueTaskQueue('hostile-runbook-cli'), dataDir: work, extra: { QUELL_USER: 'tester' } };
  client = await connectTestClient();
});

afterAll(async () => {
  await client?.connection.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

const deepTemplate = `${HEADER}inputs:\n  x: { type: string }\nsteps:\n  - id: note\n    manual:\n      task: "\${{ ${'('.repeat(600)}inputs.x${')'.repeat(600)} }}"\n`;
const deepYaml = `${HEADER}steps:\n  - id: note\n    manual:\n      task: t\nextra: ${'['.repeat(400)}${']'.repeat(400)}\n`;
const aliasBomb = `${HEADER}extra:\n  a: &a [x,x,x,x,x,x,x,x,x]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nsteps:\n  - id: note\n    manual: { task: t }\n`;

const cases: Array<{ name: string; file: () => string; expected: RegExp; extraArgs?: string[] }> = [
  { name: 'a template nested 600 levels', file: () => write('deep-template.yaml', deepTemplate), expected: /deep-template\.yaml:10:\d+: bad template: expression nested too deeply/ },
  { name: 'YAML nested 400 levels', file: () => write('deep-yaml.yaml', deepYaml), expected: /deep-yaml\.yaml:9:\d+: nested too deeply/ },
  { name: 'an alias bomb', file: () => write('bomb.yaml', aliasBomb), expected: /bomb\.yaml:(\d+):\d+: YAML aliases here expand to too much data/ },
  {
    name: 'a 60 MB file',
    file: () => {
      const file = write('huge.yaml', HEADER);
      fs.truncateSync(file, 60 * 1024 * 1024);
      return file;
    },
    expected: /huge\.yaml:1:1: cannot read runbook: file is too large: 62,914,560 bytes where the limit is 1 MiB/,
  },
  {
    name: 'a FIFO',
    file: () => {
      const file = path.join(work, 'pipe.yaml');
      execFileSync('mkfifo', [file]);
      return file;
    },
    expected: /pipe\.yaml:1:1: cannot read runbook: is not a regular file/,
  },
];

describe.each(cases)('quell lint and quell start refuse $name', ({ file, expected }) => {
  let runbook: string;
  beforeAll(() => {
    runbook = file();
  });

  it.each([['lint'], ['start']])('quell %s', async (command) => {
    const incident = `INC-HOSTILE-FILE-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const args = command === 'lint' ? ['lint', runbook] : ['start', runbook, '--tabletop', '--incident', incident];
    const started = Date.now();
    const result = await runQuell(args, env);
    expect(Date.now() - started).toBeLessThan(TIME_BOUND_MS);
    // lint prints its findings on stdout (for editors and CI) and a summary on stderr.
    const output = `${result.stdout}\n${result.stderr}`;
    expect({ code: result.code, output }).toEqual({ code: 1, output: expect.stringMatching(expected) });
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toMatch(/RangeError|TypeError|Maximum call stack/);
    if (command === 'start') {
      const runs = [];
      for await (const run of client.workflow.list({ query: `TaskQueue = '${env.taskQueue}'` })) runs.push(run.workflowId);
      expect(runs).toEqual([]);
    }
  });
});

it('quell start answers a super-linear pattern against a hostile input at once', async () => {
  const runbook = write('redos.yaml', `${HEADER}inputs:\n  name: { type: string, required: true, pattern: "^(a+)+$" }\nsteps:\n  - id: note\n    manual: { task: t }\n`);
  const started = Date.now();
  const result = await runQuell(['start', runbook, '--tabletop', '--incident', `INC-REDOS-${process.pid}`, '-i', `name=${'a'.repeat(28)}!`], env);
  expect(Date.now() - started).toBeLessThan(TIME_BOUND_MS);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/input name: .*does not match the pattern/);
});
