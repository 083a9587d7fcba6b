/**
 * `quell doctor` beyond the connectors: the approval policy and the Slack app, against the fake
 * Slack Web API and the real runbooks folder (credential-compromise, offboarding, vendor-breach,
 * whose gates name security-oncall, security-leads, it-admins and vendor-owners).
 *
 * - a good approvers file passes, with its people and groups counted and every Slack user group's
 *   members counted through usergroups.users.list;
 * - a group a runbook's gate names and the file lacks fails, named with the runbook and step;
 * - a broken approvers file fails at file:line:col; without one, a row says the policy is open and
 *   which runbooks' live runs are refused;
 * - a Slack user group Slack answers with an error (missing_scope, no_such_subteam) fails, saying
 *   what to fix;
 * - the Slack app row names the receiver and the secrets' references, never their values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runQuell, type CliEnvironment, type CliResult } from '../support/cli';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';
import { testServer, uniqueTaskQueue } from '../support/temporal';
import { plantSecret } from '../support/planted-secrets';

interface DoctorRow {
  connector: string;
  description: string;
  name: string;
  ok: boolean;
  detail: string;
}

const BOT_TOKEN = plantSecret('xoxb-doctor-approvers-bot-token-0123456789', 'slack bot token');
const SIGNING_SECRET = plantSecret('doctor-approvers-signing-secret-9f8e7d6c5b4a', 'slack signing secret');
const APP_TOKEN = plantSecret('xapp-1-A0DOCTOR-doctor-approvers-app-token-42', 'slack app token');
const SECRETS = [BOT_TOKEN, SIGNING_SECRET, APP_TOKEN];

const GOOD_APPROVERS = [
  'version: 1',
  'people:',
  '  alice: { slack: U0ALICE, cli: alice }',
  '  bob:   { slack: U0BOB }',
  '  carol: { cli: carol }',
  'groups:',
  '  security-oncall: { people: [alice, bob], slack_usergroups: [S0ONCALL] }',
  '  security-leads:  { people: [carol] }',
  '  it-admins:       { people: [carol], slack_usergroups: [S0ITADMIN] }',
  '  vendor-owners:   { people: [bob] }',
  '  legal:           { people: [carol] }',
  '',
];

let slack: FakeSlackApi;
let work: string;
let cli: CliEnvironment;

function writeFile(name: string, lines: string[]): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

/** A connectors file with a local evidence store and the Slack section (plus `slackLines`). */
function connectorsFile(name: string, slackLines: string[]): string {
  return writeFile(name, [
    'version: 1',
    'evidence:',
    '  stores:',
    `    local: { dir: ${path.join(work, 'evidence')} }`,
    'slack:',
    `  api_url: ${slack.apiUrl}`,
    '  bot_token: { env: DOCTOR_SLACK_BOT }',
    '  channel: C0INCIDENT1',
    ...slackLines.map((line) => `  ${line}`),
    '',
  ]);
}

let httpConnectors: string;

async function doctor(extra: Record<string, string>, json = true): Promise<CliResult & { rows: DoctorRow[] }> {
  const result = await runQuell(['doctor', ...(json ? ['--json'] : [])], {
    ...cli,
    extra: { DOCTOR_SLACK_BOT: BOT_TOKEN, DOCTOR_SLACK_SIGNING: SIGNING_SECRET, DOCTOR_SLACK_APP: APP_TOKEN, ...extra },
  });
  for (const secret of SECRETS) expect(`${result.stdout}\n${result.stderr}`).not.toContain(secret);
  return { ...result, rows: json && result.stdout.startsWith('[') ? (JSON.parse(result.stdout) as DoctorRow[]) : [] };
}

const rowsOf = (rows: DoctorRow[], connector: string) => rows.filter((row) => row.connector === connector);

beforeAll(async () => {
  slack = await startFakeSlackApi({ token: BOT_TOKEN, channels: [{ id: 'C0INCIDENT1', name: 'incident' }] });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-doctor-approvers-'));
  fs.mkdirSync(path.join(work, 'evidence'));
  httpConnectors = connectorsFile('connectors.yaml', ['signing_secret: { env: DOCTOR_SLACK_SIGNING }', 'listen: { host: 127.0.0.1, port: 3917 }']);
  const { address, namespace } = testServer();
  cli = { address, namespace, taskQueue: uniqueTaskQueue('doctor-approvers'), dataDir: path.join(work, 'data') };
});

beforeEach(() => {
  slack.setUsergroup('S0ONCALL', ['U0ALICE', 'U0DAVE', 'U0ERIN']);
  slack.setUsergroup('S0ITADMIN', ['U0FRANK']);
});

afterAll(async () => {
  await slack?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a good approvers file passes: people and groups counted, every runbook group defined, Slack user groups counted', async () => {
  const approvers = writeFile('good-approvers.yaml', GOOD_APPROVERS);
  const before = slack.callsOf('usergroups.users.list').length;
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors, QUELL_APPROVERS_FILE: approvers });
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(result.rows.filter((row) => !row.ok)).toEqual([]);

  const approverRows = rowsOf(result.rows, 'approvers');
  expect(approverRows.find((row) => row.name === 'file')).toMatchObject({ ok: true, detail: `parsed ${approvers}: 3 people, 5 groups` });
  const groups = approverRows.find((row) => row.name === 'runbook groups');
  expect(groups?.ok).toBe(true);
  expect(groups?.detail).toContain('it-admins, legal, security-leads, security-oncall, vendor-owners');

  expect(rowsOf(result.rows, 'slack-usergroups').map(({ name, ok, detail }) => ({ name, ok, detail }))).toEqual([
    { name: 'usergroup S0ONCALL', ok: true, detail: '3 members (group security-oncall)' },
    { name: 'usergroup S0ITADMIN', ok: true, detail: '1 member (group it-admins)' },
  ]);
  // Asked through the worker's reader, with the configured bot token, at the configured api_url.
  const calls = slack.callsOf('usergroups.users.list').slice(before);
  expect(calls.map((call) => call.params.usergroup).sort()).toEqual(['S0ITADMIN', 'S0ONCALL']);
  expect(calls.every((call) => call.token === BOT_TOKEN)).toBe(true);

  expect(rowsOf(result.rows, 'slack-app').map(({ name, ok, detail }) => ({ name, ok, detail }))).toEqual([
    { name: 'receiver', ok: true, detail: expect.stringMatching(/^HTTP on 127\.0\.0\.1:3917: Slack must reach \/slack\/events there/) as unknown as string },
    { name: 'secrets', ok: true, detail: 'resolved: bot_token (env:DOCTOR_SLACK_BOT), signing_secret (env:DOCTOR_SLACK_SIGNING)' },
  ]);
  // The connectors are still probed: the Slack bot token through auth.test.
  expect(rowsOf(result.rows, 'slack')).toEqual([expect.objectContaining({ name: 'auth.test', ok: true })]);
});

test('a group a runbook names and the approvers file lacks is named with its runbook and step (exit 1)', async () => {
  const approvers = writeFile('missing-group.yaml', GOOD_APPROVERS.filter((line) => !line.includes('vendor-owners')));
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors, QUELL_APPROVERS_FILE: approvers }, false);
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(
    new RegExp(
      `^approvers\\s+group vendor-owners\\s+FAIL\\s+approver group vendor-owners is not defined in ${escape(approvers)}: named by runbook vendor-breach step approve-cutoff \\(approvers\\); live runs of vendor-breach are refused$`,
      'm',
    ),
  );
  // Only that group fails; the file itself and the Slack checks pass.
  expect(result.stdout).toMatch(/^approvers\s+file\s+ok\s+/m);
  expect(result.stdout.split('\n').filter((line) => /\sFAIL\s/.test(line))).toHaveLength(1);
  expect(result.stderr).toMatch(/^quell: 1 of \d+ checks failed \(approvers\)$/);
});

test("a decision's deciders the file lacks are named as deciders, wherever the decision nests", async () => {
  const approvers = writeFile('missing-legal.yaml', GOOD_APPROVERS.filter((line) => !line.includes('legal')));
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors, QUELL_APPROVERS_FILE: approvers });
  expect(result.code).toBe(1);
  // vendor-breach asks legal inside a background sequence.
  expect(result.rows.filter((row) => !row.ok)).toEqual([
    expect.objectContaining({
      name: 'group legal',
      detail: `approver group legal is not defined in ${approvers}: named by runbook vendor-breach step assess-notification (deciders); live runs of vendor-breach are refused`,
    }),
  ]);
});

test('an escalation group the file lacks is reported for every gate that escalates to it', async () => {
  const approvers = writeFile('missing-leads.yaml', GOOD_APPROVERS.filter((line) => !line.includes('security-leads')));
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors, QUELL_APPROVERS_FILE: approvers });
  expect(result.code).toBe(1);
  expect(result.rows.filter((row) => !row.ok)).toEqual([
    {
      connector: 'approvers',
      description: `approvers file ${approvers}`,
      name: 'group security-leads',
      ok: false,
      detail:
        `approver group security-leads is not defined in ${approvers}: named by runbook credential-compromise step approve-containment (escalate_to); ` +
        'runbook vendor-breach step assess-notification (escalate_to); runbook vendor-breach step approve-cutoff (escalate_to); ' +
        'live runs of credential-compromise, vendor-breach are refused',
    },
  ]);
});

test('a Slack user group answered with an error is reported with what to fix', async () => {
  const approvers = writeFile('good-approvers-2.yaml', GOOD_APPROVERS);
  slack.failNext('usergroups.users.list', { error: 'missing_scope' });
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors, QUELL_APPROVERS_FILE: approvers });
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`quell: 1 of ${result.rows.length} checks failed (slack-usergroups)`);
  const failing = result.rows.filter((row) => !row.ok);
  expect(failing).toHaveLength(1);
  expect(failing[0]).toMatchObject({ connector: 'slack-usergroups', ok: false });
  expect(failing[0].detail).toMatch(/^slack: usergroups\.users\.list S0(ONCALL|ITADMIN): Slack refused the bot token or its permissions: missing_scope: the Slack app needs the usergroups:read scope/);
});

test('a Slack user group Slack does not know is reported as adding no one', async () => {
  const approvers = writeFile('unknown-usergroup.yaml', GOOD_APPROVERS.map((line) => line.replace('S0ITADMIN', 'S0GONE')));
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors, QUELL_APPROVERS_FILE: approvers });
  expect(result.code).toBe(1);
  expect(result.rows.filter((row) => !row.ok)).toEqual([
    expect.objectContaining({
      connector: 'slack-usergroups',
      name: 'usergroup S0GONE',
      detail: `Slack says S0GONE does not exist (no_such_subteam): it adds no one to group it-admins; fix its id in ${approvers}`,
    }),
  ]);
});

test('a broken approvers file is reported at file:line:col as a failing row', async () => {
  const approvers = writeFile('broken-approvers.yaml', ['version: 1', 'people:', '  alice: { cli: alice }', 'groups:', '  security-oncall: { people: [alicia] }', '']);
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors, QUELL_APPROVERS_FILE: approvers }, false);
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(new RegExp(`^approvers\\s+file\\s+FAIL\\s+${escape(approvers)}:5:31: person "alicia" is not defined under people`, 'm'));
  expect(result.stderr).toMatch(/checks failed \(approvers\)$/);
});

test('a group named only behind a `when` or in a parallel branch is still checked; a runbook with lint errors fails its row', async () => {
  const runbooks = path.join(work, 'runbooks-conditional');
  fs.mkdirSync(runbooks, { recursive: true });
  fs.writeFileSync(
    path.join(runbooks, 'conditional.yaml'),
    [
      'id: conditional',
      'version: 1',
      'title: Conditional gate',
      'severity: low',
      'inputs:',
      '  who: { type: string }',
      'steps:',
      '  - id: both',
      '    parallel:',
      '      - id: gate-a',
      '        when: "${{ inputs.who != null }}"',
      '        approval: { approvers: [security-oncall, night-shift], timeout: 1h, summary: go }',
      '      - id: note',
      '        manual: { task: write it down }',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(runbooks, 'zz-broken.yaml'), 'id: broken\nversion: 1\n');
  const approvers = writeFile('conditional-approvers.yaml', GOOD_APPROVERS);
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors, QUELL_APPROVERS_FILE: approvers, QUELL_RUNBOOKS_DIR: runbooks });
  expect(result.code).toBe(1);
  expect(result.rows.filter((row) => !row.ok).map(({ name, detail }) => ({ name, detail }))).toEqual([
    {
      name: 'group night-shift',
      detail: `approver group night-shift is not defined in ${approvers}: named by runbook conditional step gate-a (approvers, under a \`when\`); live runs of conditional are refused`,
    },
    { name: 'runbooks', detail: expect.stringMatching(/zz-broken\.yaml:1:1: .* and 2 more: its gates were not checked \(run quell lint\)$/) as unknown as string },
  ]);
});

test('Slack user groups without a slack: section fail the approvers file at their line, as the worker would', async () => {
  const noSlack = writeFile('no-slack.yaml', ['version: 1', 'evidence:', '  stores:', `    local: { dir: ${path.join(work, 'evidence')} }`, '']);
  const approvers = writeFile('good-approvers-3.yaml', GOOD_APPROVERS);
  const result = await doctor({ QUELL_CONNECTORS_FILE: noSlack, QUELL_APPROVERS_FILE: approvers });
  expect(result.code).toBe(1);
  expect(result.rows.filter((row) => !row.ok).map((row) => row.detail)).toEqual([
    expect.stringMatching(new RegExp(`^${escape(approvers)}:7:\\d+: Slack user groups are read with the Slack bot token, and none is configured`)) as unknown as string,
    expect.stringMatching(new RegExp(`^${escape(approvers)}:9:\\d+: Slack user groups are read with the Slack bot token`)) as unknown as string,
  ]);
  expect(rowsOf(result.rows, 'slack-app')).toEqual([]);
  expect(rowsOf(result.rows, 'slack-usergroups')).toEqual([]);
});

test('without an approvers file a row says the policy is open and which runbooks cannot run live (not a failure)', async () => {
  const result = await doctor({ QUELL_CONNECTORS_FILE: httpConnectors });
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(rowsOf(result.rows, 'approvers')).toEqual([
    {
      connector: 'approvers',
      description: 'QUELL_APPROVERS_FILE is not set',
      name: 'policy',
      ok: true,
      detail:
        'QUELL_APPROVERS_FILE is not set: approval gates use the open policy (any named person but the requester may decide); ' +
        'live runs of runbooks with approval gates are refused before their first step (credential-compromise, offboarding, vendor-breach); tabletop runs are not refused',
    },
  ]);
  expect(rowsOf(result.rows, 'slack-usergroups')).toEqual([]);
});

test('Socket Mode: the receiver row says so, and only secret references are printed', async () => {
  const socket = connectorsFile('socket.yaml', ['app_token: { env: DOCTOR_SLACK_APP }', 'signing_secret: { env: DOCTOR_SLACK_SIGNING }']);
  const result = await doctor({ QUELL_CONNECTORS_FILE: socket });
  expect(result.code).toBe(0);
  expect(rowsOf(result.rows, 'slack-app').map(({ name, detail }) => ({ name, detail }))).toEqual([
    { name: 'receiver', detail: 'Socket Mode: connects out to Slack with slack.app_token, no public address needed (signing_secret is set but unused: app_token wins)' },
    { name: 'secrets', detail: 'resolved: bot_token (env:DOCTOR_SLACK_BOT), signing_secret (env:DOCTOR_SLACK_SIGNING), app_token (env:DOCTOR_SLACK_APP)' },
  ]);
});

test('Slack app settings the app would refuse fail their row; an unresolvable secret stops doctor at its line (exit 2)', async () => {
  const socket = connectorsFile('socket-bad.yaml', ['app_token: { env: DOCTOR_SLACK_APP }']);
  // A bot token pasted as the app token: named by its reference, never by value.
  const wrongKind = await doctor({ QUELL_CONNECTORS_FILE: socket, DOCTOR_SLACK_APP: BOT_TOKEN });
  expect(wrongKind.code).toBe(1);
  expect(wrongKind.stderr).toBe(`quell: 1 of ${wrongKind.rows.length} checks failed (slack-app)`);
  expect(wrongKind.rows.filter((row) => !row.ok)).toEqual([
    expect.objectContaining({
      connector: 'slack-app',
      name: 'settings',
      detail: expect.stringMatching(/^slack\.app_token \(env:DOCTOR_SLACK_APP\) is not an app-level token: it must start with xapp-/) as unknown as string,
    }),
  ]);

  const unset = await runQuell(['doctor'], { ...cli, extra: { QUELL_CONNECTORS_FILE: httpConnectors, DOCTOR_SLACK_BOT: BOT_TOKEN } });
  expect(unset.code).toBe(2);
  expect(unset.stdout).toBe('');
  expect(unset.stderr).toContain(`${httpConnectors}:9:19: slack.signing_secret: environment variable DOCTOR_SLACK_SIGNING is not set`);
  expect(unset.stderr).not.toContain(BOT_TOKEN);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
