/**
 * `notify` addressed to approver groups (`to: [group:<name>]`), against the fake Slack Web API
 * (test/support/fake-slack-api.ts, whose usergroups.users.list the approvers' reader asks) and the
 * SMTP sink of test/integration/live/notify.test.ts: over Slack one message in the incident
 * channel mentions exactly the group's members (its people and its Slack user group's members);
 * by e-mail the one message goes to exactly their addresses; an unknown group, or a member with no
 * address on the channel, fails the step naming them and sends nothing; the tabletop twin names
 * the people it would reach and sends nothing; live readiness and `quell doctor` catch undefined
 * groups before a run gets there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApproversSetup } from '../../../activities/approvers/build';
import type { ApproversSetup } from '../../../activities/approvers/resolve';
import { approvalProblems } from '../../../activities/approvers/readiness';
import { buildLiveSetup } from '../../../activities/live-setup';
import { FileEffectJournal } from '../../../activities/effects/file-journal';
import { TabletopSimulator } from '../../../activities/tabletop/simulator';
import type { LiveSetup } from '../../../activities/action-performer';
import type { LiveReadinessRequest } from '../../../activities/action-request';
import { approverRows } from '../../../cli/doctor/approvers';
import { ACTION_CATALOGUE } from '../../../common/actions';
import { ErrorType } from '../../../common/errors';
import { formatApproversError, loadApproversText } from '../../../config/approvers-file';
import { Secret } from '../../../config/secret';
import type { ActionContext, ActionOutcome } from '../../../connectors/action-context';
import { loadConnectorsFile } from '../../../connectors/connectors-file';
import { startFakeSlackApi, type FakeSlackApi } from '../../support/fake-slack-api';
import { plantSecret } from '../../support/planted-secrets';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { runLogger } from '../../support/temporal';
import { buildSlackSurface } from '../../../activities/slack-surface';
import { completeManual, getRunState } from '../../../client/runs';
import type { RunResult } from '../../../common/run-state';
import { startTestEngine } from '../../support/engine';
import { eventually } from '../../support/eventually';
import { waitForState } from '../../support/run-driver';
import { textOf } from '../../support/slack-message-text';

const TOKEN = plantSecret('xoxb-notify-groups-token-0987654321', 'slack bot token');
const INCIDENT = { id: 'C0INCIDENT2', name: 'incident-groups' };
const LEADS = { id: 'C0LEADS002', name: 'leads-groups' };
const ONCALL_USERGROUP = 'S0ONCALL01';
// bob is a person of the file; U0ERIN0001 is a member of the Slack user group nobody claims.
const USERGROUP_MEMBERS = ['U0BOB00001', 'U0ERIN0001'];

const APPROVERS = `version: 1
people:
  alice: { slack: U0ALICE001, email: alice@example.org }
  bob: { slack: U0BOB00001, email: bob@example.org }
  carol: { cli: carol, email: carol@example.org }
  dave: { slack: U0DAVE0001 }
  frank: { slack: U0FRANK001, email: frank@example.org }
groups:
  security-oncall: { people: [alice], slack_usergroups: [${ONCALL_USERGROUP}] }
  legal: { people: [alice, carol] }
  responders: { people: [alice, dave] }
  outsiders: { people: [frank] }
`;

let slack: FakeSlackApi;
let sink: SmtpSink;
let work: string;
let approvers: ApproversSetup;
let live: LiveSetup;
let counter = 0;

function newContext(stepId = 'tell-group'): ActionContext {
  counter += 1;
  const workflowId = `quell:credential-compromise:INC-GROUPS-${counter}`;
  return { workflowId, runId: 'run-1', stepId, mode: 'live', idempotencyKey: `${workflowId}/first-run-1/${stepId}/perform`, heartbeat: () => {} };
}

async function liveSetup(name: string, withApprovers: ApproversSetup | undefined): Promise<LiveSetup> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'slack:',
      '  bot_token: { env: GROUPS_SLACK_TOKEN }',
      `  channel: ${INCIDENT.id}`,
      `  api_url: ${slack.apiUrl}`,
      'smtp:',
      '  host: 127.0.0.1',
      `  port: ${sink.port}`,
      '  from: quell@example.org',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(file, { GROUPS_SLACK_TOKEN: TOKEN });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return buildLiveSetup(loaded.config, { logger: runLogger('logger'), dataDir: path.join(work, `${name}-data`), ...(withApprovers ? { approvers: withApprovers } : {}) });
}

async function notify(setup: LiveSetup, params: Record<string, unknown>, context = newContext()): Promise<ActionOutcome> {
  const validated = ACTION_CATALOGUE.notify.with.parse(params) as Record<string, unknown>;
  return setup.actions.notify!.perform('notify', validated, context);
}

const failureOf = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: unknown) => error)) as Record<string, unknown>;
const mentionsIn = (text: string) => [...text.matchAll(/<@([A-Z0-9]+)>/g)].map((match) => match[1]).sort();
const posts = () => slack.callsOf('chat.postMessage').length;

beforeAll(async () => {
  [slack, sink] = await Promise.all([startFakeSlackApi({ token: TOKEN, channels: [INCIDENT, LEADS] }), startSmtpSink()]);
  slack.setUsergroup(ONCALL_USERGROUP, USERGROUP_MEMBERS);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-notify-groups-'));
  const file = path.join(work, 'approvers.yaml');
  fs.writeFileSync(file, APPROVERS);
  const setup = buildApproversSetup(file, { bot_token: new Secret(TOKEN, 'test'), channel: INCIDENT.id, api_url: slack.apiUrl }, runLogger('logger'));
  if (!setup) throw new Error('expected an approvers setup');
  approvers = setup;
  live = await liveSetup('connectors', approvers);
});

afterAll(async () => {
  await Promise.all([slack?.stop(), sink?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('Slack', () => {
  test('one message in the incident channel mentions exactly the group: its people and its Slack user group members', async () => {
    const before = slack.messages(INCIDENT.id).length;
    const outcome = await notify(live, { to: ['group:security-oncall'], message: 'Keys of alice revoked; please confirm' });

    const added = slack.messages(INCIDENT.id).slice(before);
    expect(added).toHaveLength(1);
    expect(mentionsIn(added[0].text ?? '')).toEqual(['U0ALICE001', 'U0BOB00001', 'U0ERIN0001']);
    expect(added[0].text).toMatch(/^\[INC-GROUPS-\d+\] (<@[A-Z0-9]+> ){3}Keys of alice revoked; please confirm$/);
    expect(outcome.output).toMatchObject({ channel: 'slack', to: [INCIDENT.id], delivered: true });
    expect(slack.callsOf('usergroups.users.list').at(-1)?.params).toMatchObject({ usergroup: ONCALL_USERGROUP });
  });

  test('named channels are posted to as before; the mentions go to the incident channel only', async () => {
    const before = { leads: slack.messages(LEADS.id).length, incident: slack.messages(INCIDENT.id).length };
    const outcome = await notify(live, { to: [LEADS.id, 'group:responders', 'group:outsiders'], message: 'Legal hold started' });
    expect(slack.messages(LEADS.id).slice(before.leads).map((m) => m.text)).toEqual([expect.stringMatching(/\] Legal hold started$/)]);
    const added = slack.messages(INCIDENT.id).slice(before.incident);
    expect(added).toHaveLength(1);
    expect(mentionsIn(added[0].text ?? '')).toEqual(['U0ALICE001', 'U0DAVE0001', 'U0FRANK001']);
    expect(outcome.output.to).toEqual([LEADS.id, INCIDENT.id]);
  });

  test('a member without a Slack user id fails the step naming them, and nothing is posted', async () => {
    const mark = posts();
    const failure = await failureOf(notify(live, { to: [LEADS.id, 'group:responders', 'group:legal'], message: 'x' }));
    expect(failure).toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
    expect(String(failure.message)).toContain('group:legal: carol has no Slack user id');
    expect(String(failure.message)).not.toContain('responders');
    expect(posts()).toBe(mark);
  });
});

describe('e-mail', () => {
  test('one message to exactly the members\' addresses, besides the addresses written out', async () => {
    const mark = sink.messages.length;
    const outcome = await notify(live, { channel: 'email', to: ['group:legal', 'counsel@example.org', 'group:outsiders'], message: 'Legal hold started' });
    expect(sink.messages.length).toBe(mark + 1);
    expect([...sink.messages[mark].envelope.to].sort()).toEqual(['alice@example.org', 'carol@example.org', 'counsel@example.org', 'frank@example.org']);
    expect(outcome.output).toMatchObject({ channel: 'email', delivered: true, rejected: [] });
    expect([...(outcome.output.to as string[])].sort()).toEqual(['alice@example.org', 'carol@example.org', 'counsel@example.org', 'frank@example.org']);
  });

  test('members without an address (a person with none, a Slack user group member nobody claims) are named; nothing is sent', async () => {
    const mark = sink.messages.length;
    const responders = await failureOf(notify(live, { channel: 'email', to: ['group:responders'], message: 'x' }));
    expect(responders).toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
    expect(String(responders.message)).toContain('group:responders: dave has no e-mail address');
    const oncall = await failureOf(notify(live, { channel: 'email', to: ['group:security-oncall'], message: 'x' }));
    expect(String(oncall.message)).toContain('group:security-oncall: slack:U0ERIN0001 has no e-mail address');
    expect(sink.messages.length).toBe(mark);
  });
});

describe('groups that cannot be resolved', () => {
  test('an unknown group fails naming it (with a suggestion) on either channel; nothing is sent', async () => {
    const mark = { posts: posts(), mails: sink.messages.length };
    const bySlack = await failureOf(notify(live, { to: ['group:security-oncal'], message: 'x' }));
    expect(bySlack).toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true });
    expect(String(bySlack.message)).toContain('group:security-oncal');
    expect(String(bySlack.message)).toContain('security-oncall');
    const byMail = await failureOf(notify(live, { channel: 'email', to: ['ops@example.org', 'group:nobody-here'], message: 'x' }));
    expect(byMail).toMatchObject({ type: ErrorType.InvalidInput, nonRetryable: true, message: expect.stringContaining('group:nobody-here') });
    expect({ posts: posts(), mails: sink.messages.length }).toEqual(mark);
  });

  test('without an approvers file a group is "not configured", and nothing is sent', async () => {
    const bare = await liveSetup('no-approvers', undefined);
    const mark = posts();
    const failure = await failureOf(notify(bare, { to: ['group:legal'], message: 'x' }));
    expect(failure).toMatchObject({ type: ErrorType.NotConfigured, nonRetryable: true, message: expect.stringContaining('QUELL_APPROVERS_FILE') });
    expect(posts()).toBe(mark);
  });

  test('a group whose Slack user group has no members left fails rather than posting to nobody', async () => {
    const file = path.join(work, 'empty-group.yaml');
    fs.writeFileSync(file, `version: 1\ngroups:\n  ghosts: { slack_usergroups: [S0GHOSTS01] }\n`);
    const ghosts = buildApproversSetup(file, { bot_token: new Secret(TOKEN, 'test'), channel: INCIDENT.id, api_url: slack.apiUrl }, runLogger('logger'))!;
    slack.setUsergroup('S0GHOSTS01', []);
    const setup = await liveSetup('ghosts', ghosts);
    const mark = posts();
    const failure = await failureOf(notify(setup, { to: ['group:ghosts'], message: 'x' }));
    expect(failure).toMatchObject({ type: ErrorType.InvalidInput, message: expect.stringContaining('group:ghosts has no members') });
    expect(posts()).toBe(mark);
  });
});

describe('tabletop twin', () => {
  test('names the people each group resolves to and sends nothing', async () => {
    const simulator = new TabletopSimulator(new FileEffectJournal(path.join(work, 'tabletop.jsonl')), 0, approvers);
    const mark = { posts: posts(), mails: sink.messages.length };
    const context = { ...newContext(), mode: 'tabletop' as const };
    const bySlack = await simulator.perform('notify', { to: ['group:security-oncall'], message: 'Drill: keys revoked' }, context);
    expect(bySlack.output.would_do).toEqual([
      'slack: tell group:security-oncall (alice, bob, slack:U0ERIN0001): Drill: keys revoked',
      'slack: mention in the incident channel group:security-oncall: alice (U0ALICE001), bob (U0BOB00001), slack:U0ERIN0001 (U0ERIN0001)',
    ]);
    const byMail = await simulator.perform('notify', { channel: 'email', to: ['group:legal'], message: 'Drill: hold' }, { ...context, idempotencyKey: `${context.idempotencyKey}-mail` });
    expect(byMail.output.would_do).toEqual([
      'email: tell group:legal (alice, carol): Drill: hold',
      'email: e-mail group:legal: alice (alice@example.org), carol (carol@example.org)',
    ]);
    const unknown = simulator.perform('notify', { to: ['group:nobody-here'], message: 'x' }, { ...context, idempotencyKey: `${context.idempotencyKey}-unknown` });
    await expect(unknown).rejects.toMatchObject({ type: ErrorType.InvalidInput, message: expect.stringContaining('group:nobody-here') });
    expect({ posts: posts(), mails: sink.messages.length }).toEqual(mark);
  });
});

describe('before a run reaches the step', () => {
  test('the approvers file refuses an e-mail that is not a plain address, at file:line:col; e-mail alone is no identity', () => {
    const file = path.join(work, 'bad-email.yaml');
    const loaded = loadApproversText(
      'version: 1\npeople:\n  alice: { slack: U0ALICE001, email: "Alice <alice@example.org>" }\n  bob: { email: bob@example.org }\ngroups:\n  g: { people: [alice, bob] }\n',
      file,
    );
    if (loaded.ok) throw new Error('expected the file to be refused');
    const lines = loaded.errors.map(formatApproversError);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: .*an e-mail address looks like alice@example.org`)),
      expect.stringMatching(/:4:\d+: .*a person needs at least one identity: slack, cli or api/),
    ]);
  });

  test('live readiness refuses a notify to an undefined group, or to any group without an approvers file', () => {
    const loaded = loadApproversText(APPROVERS, path.join(work, 'approvers.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const request: LiveReadinessRequest = {
      actions: [],
      approvals: [],
      requirements: [{ action: 'notify', stepId: 'tell', purpose: 'perform', params: { to: ['group:legal', 'group:lgeal', '#general'], message: 'm' } }],
    };
    expect(approvalProblems(request, loaded.config).map((p) => p.problem)).toEqual([expect.stringContaining('approver group lgeal is not defined')]);
    expect(approvalProblems(request, undefined).map((p) => p.problem)).toEqual([
      expect.stringContaining('group:legal needs an approvers file'),
      expect.stringContaining('group:lgeal needs an approvers file'),
    ]);
  });

  test('quell doctor names notify and manual-assignee groups the approvers file lacks', async () => {
    const runbooks = path.join(work, 'runbooks');
    fs.mkdirSync(runbooks, { recursive: true });
    fs.writeFileSync(
      path.join(runbooks, 'groups.yaml'),
      [
        'id: notify-groups',
        'version: 1',
        'title: Notify groups',
        'severity: high',
        'steps:',
        '  - id: tell-legal',
        '    action: notify',
        '    with: { channel: email, to: ["group:legal", "group:lgeal"], message: hold }',
        '  - id: triage',
        '    manual: { task: Look at the logs, assignee: "group:triagers" }',
        '',
      ].join('\n'),
    );
    const rows = await approverRows({
      approversFile: path.join(work, 'approvers.yaml'),
      runbooksDir: runbooks,
      slack: { bot_token: new Secret(TOKEN, 'test'), channel: INCIDENT.id, api_url: slack.apiUrl },
      logger: runLogger('logger'),
    });
    expect(rows.filter((row) => row.name === 'file' || row.name === 'runbooks')).toEqual([expect.objectContaining({ name: 'file', ok: true })]);
    const failing = rows.filter((row) => !row.ok && row.name.startsWith('recipient'));
    expect(failing.map((row) => row.name).sort()).toEqual(['recipient group:lgeal', 'recipient group:triagers']);
    expect(failing.find((row) => row.name === 'recipient group:lgeal')?.detail).toContain('runbook notify-groups step tell-legal (notify to)');
    expect(failing.find((row) => row.name === 'recipient group:triagers')?.detail).toContain('runbook notify-groups step triage (manual assignee)');
  });
});

describe('manual tasks assigned to a group or a person of the approvers file', () => {
  test('the card in the run thread mentions exactly the group\'s members, or the person (an unknown group is said on the card); a notify step in the same tabletop run names its people', async () => {
    const connectors = loadConnectorsFile(
      (() => {
        const file = path.join(work, 'surface.yaml');
        fs.writeFileSync(file, ['version: 1', 'slack:', '  bot_token: { env: GROUPS_SLACK_TOKEN }', `  channel: ${INCIDENT.id}`, `  api_url: ${slack.apiUrl}`, ''].join('\n'));
        return file;
      })(),
      { GROUPS_SLACK_TOKEN: TOKEN },
    );
    if (!connectors.ok) throw new Error(JSON.stringify(connectors.errors));
    const engine = await startTestEngine('notify-groups', {
      slackSurface: buildSlackSurface(connectors.config.slack, path.join(work, 'surface-data'), runLogger('logger'))!,
      approvers,
    });
    try {
      const runbook = path.join(work, 'assigned.yaml');
      fs.writeFileSync(
        runbook,
        [
          'id: assigned-tasks',
          'version: 1',
          'title: Assigned tasks',
          'severity: low',
          'steps:',
          '  - id: triage',
          '    manual: { task: Triage the alert, assignee: "group:security-oncall" }',
          '  - id: confirm',
          '    manual: { task: Confirm the scope, assignee: bob }',
          '  - id: shown-name',
          '    manual: { task: Tell the night shift, assignee: night-shift }',
          '  - id: unknown-group',
          '    manual: { task: Nobody to mention, assignee: "group:nobody-here" }',
          '  - id: tell',
          '    action: notify',
          '    with: { to: ["group:outsiders"], message: Drill done }',
          '',
        ].join('\n'),
      );
      const id = await engine.start(runbook);
      const rootTs = (await waitForState(() => getRunState(engine.client, id), (s) => s.slack !== undefined)).slack!.ts;
      const cardOf = (task: string) => slack.replies(INCIDENT.id, rootTs).find((m) => m.metadata?.event_payload?.part === 'manual' && textOf(m).includes(task));
      for (const [stepId, task] of [['triage', 'Triage the alert'], ['confirm', 'Confirm the scope'], ['shown-name', 'Tell the night shift'], ['unknown-group', 'Nobody to mention']]) {
        await eventually(`the ${stepId} card`, () => cardOf(task), 20_000);
        await waitForState(() => getRunState(engine.client, id), (s) => s.steps.find((step) => step.id === stepId)?.status === 'waiting');
        await completeManual(engine.client, id, { stepId, actor: 'alice', via: 'api' });
      }
      const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
      expect(result.status).toBe('completed');

      // As posted (mentions notify only in new messages); once done, the card drops the line.
      const posted = (task: string) => slack.revisions(INCIDENT.id, cardOf(task)!.ts)[0];
      const triage = posted('Triage the alert');
      expect(mentionsIn(triage.text ?? '')).toEqual(['U0ALICE001', 'U0BOB00001', 'U0ERIN0001']);
      expect(mentionsIn(textOf(triage))).toEqual(['U0ALICE001', 'U0BOB00001', 'U0ERIN0001']);
      expect(textOf(triage)).toContain('Assigned to group:security-oncall');
      expect(mentionsIn(posted('Confirm the scope').text ?? '')).toEqual(['U0BOB00001']);
      expect(mentionsIn(posted('Tell the night shift').text ?? '')).toEqual([]);
      expect(mentionsIn(textOf(cardOf('Triage the alert')))).toEqual([]);
      // A group that cannot be resolved does not hold the task back: the card says why nobody is mentioned.
      expect(mentionsIn(posted('Nobody to mention').text ?? '')).toEqual([]);
      expect(textOf(posted('Nobody to mention'))).toContain(`approver group nobody-here is not defined in ${approvers.config.file}`);

      const tell = (await getRunState(engine.client, id)).steps.find((step) => step.id === 'tell')!;
      expect(tell.output?.would_do).toEqual([
        'slack: tell group:outsiders (frank): Drill done',
        'slack: mention in the incident channel group:outsiders: frank (U0FRANK001)',
      ]);
    } finally {
      await engine.stop();
    }
  });
});
