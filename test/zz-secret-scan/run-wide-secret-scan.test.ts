/**
 * The run-wide secret scan (issue 11): no secret planted by any test of this run appears in any
 * workflow history or any log line the whole run produced.
 *
 * Runs after every other test file (test/support/scan-last-sequencer.js; with several workers it
 * first waits for the files still running, see scan-progress-reporter.js), then:
 * - reads the register of planted secrets (test/support/planted-secrets.ts): every secret a test
 *   or a test/support helper handed to the code under test, and every value a test file's code
 *   loaded as a secret (run-capture-setup.ts);
 * - lists EVERY workflow execution in the dev server's namespace, open and closed, fetches each
 *   history and decodes its payloads (history-text.ts);
 * - reads every captured log (test/support/run-logs.ts): the loggers tests build through
 *   test/support (worker, connector, Slack app, Temporal SDK), tests' own raw loggers, the output
 *   of every child process they spawn (CLI runs, worker processes, stand-in endpoints), and
 *   whatever test files printed (console, stdout, stderr);
 * - looks for each secret in every form (secret-scan.ts `formsOf`: raw, URL-encoded, URL
 *   userinfo, JSON-escaped, base64 at three alignments, a URL's credential on its own).
 *
 * Negative controls prove the scan reads real content: values registered as controls (not
 * secrets) are written, in each form, into the input of a tabletop run (so into its history), into
 * a captured in-process log, into a CLI child's output and onto stderr; the same scan must report
 * every form in the run's history and the value in each kind of log. Run alone, the file still
 * works: it scans whatever the run produced, and the controls guarantee it sees something.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { temporal } from '@temporalio/proto';
import { runQuell } from '../support/cli';
import { startTestEngine, type TestEngine } from '../support/engine';
import { historyToText } from '../support/history-text';
import { plantControl, readPlanted, scanDir, scanLogsDir, type PlantedValue } from '../support/planted-secrets';
import { formsOf, userinfoEncoded, type SecretForm } from '../support/secret-scan';
import { runLogSink } from '../support/run-logs';
import { connectTestClient, testServer } from '../support/temporal';

/** How long the scan waits for test files still running in other workers. */
const WAIT_FOR_OTHERS_MS = 20 * 60_000;
/** Histories fetched at once. */
const FETCH_CONCURRENCY = 8;

const THIS_FILE = __filename;

/** A planted value with all its registrations merged (the same value may be registered often). */
interface Planted {
  kind: PlantedValue['kind'];
  label: string;
  plantedBy: string[];
  allowedInLogsOf: string[];
  forms: SecretForm[];
}

/** One place a planted form was found. */
interface Hit {
  kind: PlantedValue['kind'];
  /** The form's label (never the value). */
  label: string;
  plantedBy: string;
  where: string;
}

interface Counts {
  histories: number;
  workflowIds: number;
  events: number;
  historyBytes: number;
  logFiles: number;
  logLines: number;
  logBytes: number;
  /** Lines by kind of log: in-process loggers, child processes, printed output. */
  linesByKind: Record<'loggers' | 'children' | 'printed', number>;
  secrets: number;
  controls: number;
  forms: number;
  registeredBy: number;
}

// Controls: printable, with characters that make every encoded form differ from the others.
const CONTROL = plantControl(`quell-scan-control-${randomBytes(9).toString('hex')}+$,;=:/@`, 'scan control');
const CONTROL_PASSWORD = `ctl-pw-${randomBytes(8).toString('hex')}`;
const CONTROL_URL = plantControl(`https://scan-control:${CONTROL_PASSWORD}@vendor.control.invalid/api`, 'scan control url');
const CONTROL_FORMS = formsOf('scan control', CONTROL);
const CONTROL_URL_PASSWORD_FORMS = formsOf('scan control url', CONTROL_URL).filter((form) => form.label.includes('its URL credential'));

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** The control in every form, as text would carry it: a query string, URL userinfo, Basic auth… */
function plantedText(): string {
  const userinfo = new URL('https://control.invalid/callback');
  userinfo.username = 'scan-control';
  userinfo.password = CONTROL;
  return [
    `raw ${CONTROL}`,
    `query https://control.invalid/cb?token=${encodeURIComponent(CONTROL)}`,
    `userinfo ${userinfo.href}`,
    // Prefixes of 13, 0 and 2 bytes: the control at each of the three base64 alignments.
    `basic ${base64(`scan-control:${CONTROL}`)}`,
    `b64 ${base64(CONTROL)}`,
    `b64 ${base64(`xy${CONTROL}`)}`,
    `password only ${CONTROL_PASSWORD} ${base64(`:${CONTROL_PASSWORD}`)}`,
  ].join(' | ');
}

const CONTROL_RUNBOOK = [
  'id: secret-scan-control',
  'version: 1',
  'title: Secret scan negative control',
  'severity: low',
  'inputs:',
  '  note: { type: string, required: true, description: Text the run-wide secret scan must find }',
  'steps:',
  '  - id: tell',
  '    action: notify',
  '    with: { message: "${{ inputs.note }}" }',
  '  - id: hold',
  '    manual: { task: "${{ inputs.note }}" }',
  '',
].join('\n');

let dir: string;
let work: string;
let engine: TestEngine | undefined;
let controlWorkflowId: string;
let controlCliCode: number;
let planted: Planted[];
let hits: Hit[] = [];
let counts: Counts;
let waitedMs = 0;
let scanMs = 0;

/** Waits until every other test file that started has finished (other Jest workers). */
async function waitForOtherFiles(): Promise<void> {
  const progress = path.join(dir, 'progress.json');
  const started = Date.now();
  for (;;) {
    if (!fs.existsSync(progress)) return; // no reporter: run in band, nothing else is running
    const { started: begun, finished } = JSON.parse(fs.readFileSync(progress, 'utf8')) as { started: string[]; finished: string[] };
    const running = begun.filter((file) => file !== THIS_FILE && !finished.includes(file));
    if (running.length === 0) break;
    if (Date.now() - started > WAIT_FOR_OTHERS_MS) throw new Error(`test files still running after ${WAIT_FOR_OTHERS_MS / 60_000} min: ${running.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  waitedMs = Date.now() - started;
}

/** Writes the controls into a history, an in-process log, a CLI child's output and stderr. */
async function plantControls(): Promise<void> {
  const text = plantedText();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-secret-scan-'));
  const runbook = path.join(work, 'secret-scan-control.yaml');
  fs.writeFileSync(runbook, CONTROL_RUNBOOK);
  engine = await startTestEngine('secret-scan-control');
  controlWorkflowId = await engine.start(runbook, { note: text });
  // The manual step shows the task: once it waits, the notify step's input and output are in.
  const server = testServer();
  const cli = { address: server.address, namespace: server.namespace, taskQueue: engine.taskQueue, dataDir: work };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await runQuell(['status', controlWorkflowId, '--json'], cli);
    controlCliCode = status.code;
    if (status.code === 0 && status.stdout.includes(CONTROL)) break;
    if (Date.now() > deadline) throw new Error(`the control run did not reach its manual step: ${status.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await engine.client.workflow.getHandle(controlWorkflowId).terminate('secret-scan negative control planted');
  // A raw logger: the production one masks some forms (URL userinfo), which is not what is tested here.
  pino({ level: 'info' }, runLogSink('control')).info({ note: text }, 'secret-scan negative control');
  process.stderr.write(`run-wide secret scan: negative control ${CONTROL}\n`);
}

/** Every registration, merged by value, with the forms to look for. */
function plantedValues(): Planted[] {
  const byValue = new Map<string, Planted>();
  for (const entry of readPlanted(dir)) {
    const known = byValue.get(entry.value);
    const by = entry.plantedBy ?? 'unknown test file';
    if (known) {
      // A value registered as a secret anywhere is a secret; allowances only add up.
      if (entry.kind === 'secret') known.kind = 'secret';
      if (!known.plantedBy.includes(by)) known.plantedBy.push(by);
      known.allowedInLogsOf.push(...(entry.allowedInLogsOf ?? []));
      continue;
    }
    byValue.set(entry.value, {
      kind: entry.kind,
      label: entry.label,
      plantedBy: [by],
      allowedInLogsOf: [...(entry.allowedInLogsOf ?? [])],
      forms: formsOf(entry.label, entry.value),
    });
  }
  return [...byValue.values()];
}

/** Runs `work` over `items`, `limit` at a time. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** The planted forms in `text`: each hit located by `locate` (only called on a hit). */
function scanText(text: string, where: (form: SecretForm) => string, skip: (value: Planted) => boolean = () => false): Hit[] {
  const found: Hit[] = [];
  for (const value of planted) {
    if (skip(value)) continue;
    for (const form of value.forms) {
      if (text.includes(form.text)) found.push({ kind: value.kind, label: form.label, plantedBy: value.plantedBy.join(', '), where: where(form) });
    }
  }
  return found;
}

async function scanHistories(client: Client): Promise<void> {
  const executions: Array<{ workflowId: string; runId: string }> = [];
  for await (const info of client.workflow.list()) executions.push({ workflowId: info.workflowId, runId: info.runId });
  counts.histories = executions.length;
  counts.workflowIds = new Set(executions.map((execution) => execution.workflowId)).size;
  await inBatches(executions, FETCH_CONCURRENCY, async ({ workflowId, runId }) => {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    counts.events += events.length;
    const text = historyToText(history);
    counts.historyBytes += Buffer.byteLength(text);
    hits.push(
      ...scanText(text, (form) => {
        const at = events.find((event) => historyToText(event).includes(form.text));
        return `history of ${workflowId} (run ${runId}), ${at ? `event ${String(at.eventId)} (${temporal.api.enums.v1.EventType[at.eventType ?? 0]})` : 'outside any one event'}`;
      }),
    );
  });
}

function scanLogs(): void {
  const logs = scanLogsDir(dir);
  const files = fs.readdirSync(logs).sort();
  counts.logFiles = files.length;
  for (const file of files) {
    const text = fs.readFileSync(path.join(logs, file), 'utf8');
    counts.logBytes += Buffer.byteLength(text);
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    counts.logLines += lines;
    counts.linesByKind[file.startsWith('printed-') ? 'printed' : /\.std(out|err)\.log$/.test(file) ? 'children' : 'loggers'] += lines;
    const lineOf = (form: SecretForm) => text.slice(0, text.indexOf(form.text)).split('\n').length;
    hits.push(
      ...scanText(
        text,
        (form) => `log ${file}:${lineOf(form)}`,
        // Captured log names are `<test file>.<source>…` (run-logs.ts).
        (value) => value.allowedInLogsOf.some((source) => file.startsWith(source) || file.includes(`.${source}`)),
      ),
    );
  }
}

beforeAll(async () => {
  const found = scanDir();
  if (!found) throw new Error('QUELL_TEST_SCAN_DIR is not set: run this file through Jest (test/support/global-setup.ts creates the scan directory)');
  dir = found;
  await waitForOtherFiles();
  try {
    await plantControls();
  } finally {
    await engine?.stop();
  }

  const begun = Date.now();
  planted = plantedValues();
  counts = {
    histories: 0,
    workflowIds: 0,
    events: 0,
    historyBytes: 0,
    logFiles: 0,
    logLines: 0,
    logBytes: 0,
    linesByKind: { loggers: 0, children: 0, printed: 0 },
    secrets: planted.filter((value) => value.kind === 'secret').length,
    controls: planted.filter((value) => value.kind === 'control').length,
    forms: planted.reduce((sum, value) => sum + value.forms.length, 0),
    registeredBy: new Set(planted.flatMap((value) => value.plantedBy)).size,
  };
  hits = [];
  const client = await connectTestClient();
  try {
    await scanHistories(client);
  } finally {
    await client.connection.close();
  }
  scanLogs();
  scanMs = Date.now() - begun;

  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  process.stderr.write(
    [
      '',
      'run-wide secret scan:',
      `  planted: ${counts.secrets} secrets and ${counts.controls} controls (${counts.forms} forms) registered by ${counts.registeredBy} test files`,
      `  histories: ${counts.histories} executions of ${counts.workflowIds} workflow ids, ${counts.events} events, ${mb(counts.historyBytes)} of decoded text`,
      `  logs: ${counts.logLines} lines in ${counts.logFiles} files, ${mb(counts.logBytes)} ` +
        `(loggers ${counts.linesByKind.loggers}, child processes ${counts.linesByKind.children}, printed ${counts.linesByKind.printed} lines)`,
      `  took ${(scanMs / 1000).toFixed(1)} s (after waiting ${(waitedMs / 1000).toFixed(1)} s for other files)`,
      `  secret forms found: ${hits.filter((hit) => hit.kind === 'secret').length}`,
      '',
    ].join('\n'),
  );
}, WAIT_FOR_OTHERS_MS + 10 * 60_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const secretHits = (prefix: string) =>
  hits.filter((hit) => hit.kind === 'secret' && hit.where.startsWith(prefix)).map((hit) => `${hit.label} [planted by ${hit.plantedBy}] in ${hit.where}`);
const controlLabelsIn = (where: (hit: Hit) => boolean, forms: SecretForm[]) =>
  [...new Set(hits.filter((hit) => hit.kind === 'control' && where(hit) && forms.some((form) => form.label === hit.label)).map((hit) => hit.label))].sort();
const labels = (forms: SecretForm[]) => forms.map((form) => form.label).sort();

describe('negative controls: the scan sees real content', () => {
  test('every form of the control is found in the history of the run whose input carried it', () => {
    const inControlRun = (hit: Hit) => hit.where.startsWith(`history of ${controlWorkflowId} `);
    expect(labels(CONTROL_FORMS)).toEqual(
      labels([
        { label: 'scan control', text: '' },
        { label: 'scan control (url-encoded)', text: '' },
        { label: 'scan control (url userinfo)', text: '' },
        { label: 'scan control (base64)', text: '' },
        { label: 'scan control (base64, offset +1)', text: '' },
        { label: 'scan control (base64, offset +2)', text: '' },
      ]),
    );
    // The userinfo form differs from the URL-encoded one: `+`, `$` and `,` stay as they are.
    expect(userinfoEncoded(CONTROL)).not.toBe(encodeURIComponent(CONTROL));
    expect(controlLabelsIn(inControlRun, CONTROL_FORMS)).toEqual(labels(CONTROL_FORMS));
    // A URL's password alone, raw and in base64 (as in a Basic header), is found as that URL's.
    expect(controlLabelsIn(inControlRun, CONTROL_URL_PASSWORD_FORMS)).toEqual(
      expect.arrayContaining(['scan control url (its URL credential)', 'scan control url (its URL credential) (base64, offset +2)']),
    );
  });

  test('the control is found in each kind of captured log: an in-process logger, a CLI child\'s output, and what a test printed', () => {
    expect(controlCliCode).toBe(0);
    const files = (hit: Hit) => hit.where.replace(/^log (.*):\d+$/, '$1');
    const inLogs = hits.filter((hit) => hit.kind === 'control' && hit.label === 'scan control' && hit.where.startsWith('log ')).map(files);
    expect({
      inProcess: inLogs.some((file) => file.startsWith('run-wide-secret-scan.control')),
      cliChild: inLogs.some((file) => file.startsWith('run-wide-secret-scan.cli-quell.stdout')),
      printed: inLogs.some((file) => file.startsWith('printed-')),
    }).toEqual({ inProcess: true, cliChild: true, printed: true });
    // Every form reached the in-process log as well.
    expect(controlLabelsIn((hit) => hit.where.startsWith('log run-wide-secret-scan.control'), CONTROL_FORMS)).toEqual(labels(CONTROL_FORMS));
  });

  test('every control registered in this run was found somewhere', () => {
    const missing = planted.filter((value) => value.kind === 'control' && !hits.some((hit) => hit.kind === 'control' && hit.label.startsWith(value.label)));
    expect(missing.map((value) => `${value.label} [planted by ${value.plantedBy.join(', ')}]`)).toEqual([]);
  });

  test('the scan read every history of the namespace and every captured log (counts in the output above)', () => {
    expect(counts.histories).toBeGreaterThanOrEqual(1);
    expect(counts.events).toBeGreaterThan(5);
    expect(counts.logFiles).toBeGreaterThanOrEqual(3);
    expect(counts.logLines).toBeGreaterThan(0);
    expect(counts.secrets + counts.controls).toBeGreaterThanOrEqual(2);
  });
});

describe('no planted secret, in any form, anywhere the run wrote', () => {
  test('in no workflow history of the namespace (open or closed)', () => {
    expect(secretHits('history ')).toEqual([]);
  });

  test('in no captured log line: loggers, child processes, printed output', () => {
    expect(secretHits('log ')).toEqual([]);
  });
});
