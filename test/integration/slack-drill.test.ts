/**
 * `/quell drill` through the Slack app: signed slash commands (test/support/slack-requests.ts) to
 * an app on loopback that talks to the fake Slack Web API and to a real worker on the dev server,
 * both reading one approvers file (test/fixtures/drills/slack-drill-approvers.yaml), as the
 * worker and its app do in production, with the drill fixtures (test/fixtures/drills/runbooks):
 * - a facilitator, listed or through a Slack user group, starts a drill and steers it (a twist's
 *   follow-up run included), and each control shows in the drill's state;
 * - anyone else is refused, naming the facilitator groups: the app sends no start and no Update
 *   (its Temporal client records every call), and the drill does not change, nor, for a start,
 *   exist; membership that cannot be read, or no approvers file, refuses too;
 * - malformed commands are answered with what was wrong and the usage.
 * Every answer is ephemeral and opens with the exercise banner.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildSlackSurface } from '../../activities/slack-surface';
import { getDrillState } from '../../client/drills';
import { getRunState } from '../../client/runs';
import type { DrillState } from '../../common/drill-state';
import { EXERCISE_BANNER } from '../../common/exercise';
import { slackAppSettings } from '../../config/slack-app';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import { createSlackApp, type QuellSlackApp } from '../../slack/app';
import type { SlackAppDeps } from '../../slack/context';
import { parseDrillCommand } from '../../slack/drill-command-text';
import { DRILL_RUNBOOKS_DIR } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';
import { REPO } from '../support/runbooks';
import { GENERAL, INCIDENT, MALLORY, SECRET, TOKEN, silent } from '../support/slack-app-rig';
import { SlackRequester, nextTriggerId, slashCommand, startResponseSink, type ResponseSink } from '../support/slack-requests';
import { testServer } from '../support/temporal';

/** Listed under drill-leads in the approvers file. */
const FRAN = 'U0FRAN0001';
/** In drill-leads only through its Slack user group. */
const GINA = 'U0GINA0001';
/** Named nowhere in the approvers file. */
const STRANGER = 'U0STRANGE1';
const LEADS_USERGROUP = 'S0DRILLLEADS';
const APPROVERS = path.join(REPO, 'test', 'fixtures', 'drills', 'slack-drill-approvers.yaml');
const BANNER_LINE = `:performing_arts: *${EXERCISE_BANNER}*`;
const refusal = (doing: string) => `You may not ${doing}: only facilitators may, that is members of \`drill-leads\` (approvers file). Nothing was done.`;

let work: string;
let slack: FakeSlackApi;
let sink: ResponseSink;
let engine: TestEngine;
let app: QuellSlackApp;
let requester: SlackRequester;
/** The same app without an approvers file: nobody can be shown to facilitate. */
let unconfigured: QuellSlackApp;
let unconfiguredRequester: SlackRequester;
/** Every call the apps' Temporal client made, in order: `<call> <workflow id>`. */
const sent: string[] = [];

const recorder: WorkflowClientInterceptor = {
  startWithDetails: (input, next) => (sent.push(`start ${input.options.workflowId}`), next(input)),
  startUpdate: (input, next) => (sent.push(`update:${input.updateName} ${input.workflowExecution.workflowId}`), next(input)),
  signal: (input, next) => (sent.push(`signal:${input.signalName} ${input.workflowExecution.workflowId}`), next(input)),
  cancel: (input, next) => (sent.push(`cancel ${input.workflowExecution.workflowId}`), next(input)),
  terminate: (input, next) => (sent.push(`terminate ${input.workflowExecution.workflowId}`), next(input)),
  query: (input, next) => (sent.push(`query:${input.queryType} ${input.workflowExecution.workflowId}`), next(input)),
};

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-slack-drill-'));
  slack = await startFakeSlackApi({ token: TOKEN, channels: [INCIDENT, GENERAL] });
  slack.setUsergroup(LEADS_USERGROUP, [GINA]);
  sink = await startResponseSink();
  const connectors = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    connectors,
    [
      'version: 1',
      'slack:',
      '  bot_token: { env: SLACK_DRILL_TEST_TOKEN }',
      '  signing_secret: { env: SLACK_DRILL_TEST_SECRET }',
      `  channel: ${INCIDENT.id}`,
      `  api_url: ${slack.apiUrl}`,
      '  listen: { host: 127.0.0.1, port: 0 }',
      '',
    ].join('\n'),
  );
  const loaded = loadConnectorsFile(connectors, { SLACK_DRILL_TEST_TOKEN: TOKEN, SLACK_DRILL_TEST_SECRET: SECRET });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  // The worker reads the same approvers file: the drill checks its controls against it too.
  engine = await startTestEngine('slack-drill', {
    slackSurface: buildSlackSurface(loaded.config.slack, path.join(work, 'data'), silent)!,
    approvers: buildApproversSetup(APPROVERS, loaded.config.slack, silent)!,
  });
  const temporal = new Client({ connection: engine.client.connection, namespace: testServer().namespace, interceptors: { workflow: [recorder] } });
  const deps: SlackAppDeps = {
    settings: slackAppSettings(loaded.config.slack)!,
    temporal,
    taskQueue: engine.taskQueue,
    runbooksDir: DRILL_RUNBOOKS_DIR,
    approversFile: APPROVERS,
    logger: silent,
    bot: { botId: slack.bot.botId, botUserId: slack.bot.userId },
  };
  app = createSlackApp(deps);
  requester = new SlackRequester((await app.start()).url!, SECRET);
  unconfigured = createSlackApp({ ...deps, approversFile: undefined });
  unconfiguredRequester = new SlackRequester((await unconfigured.start()).url!, SECRET);
});

afterAll(async () => {
  await app?.stop();
  await unconfigured?.stop();
  await engine?.stop();
  await sink?.stop();
  await slack?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The link the fake Slack API's chat.getPermalink gives a top-level message. */
function permalinkOf(channel: string, ts: string): string {
  return `https://quell-test.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

/** `/quell drill <text>` as `user`; the reply, checked to be ephemeral and marked, with mrkdwn escapes undone. */
async function drill(text: string, user: string, via = requester): Promise<string> {
  const responseUrl = sink.url();
  const response = await via.command(slashCommand({ text: `drill ${text}`, user, channel: GENERAL.id, responseUrl, triggerId: nextTriggerId() }));
  expect(response.status).toBe(200);
  const reply = await eventually(`the reply to /quell drill ${text}`, () => sink.postsTo(responseUrl)[0]?.body);
  expect(reply.response_type).toBe('ephemeral');
  const raw = String(reply.text);
  expect(raw.split('\n')[0]).toBe(BANNER_LINE);
  // People's words are escaped: the only angle brackets are mentions, channels, dates, Slack's own
  // links and the quote mark that opens a line.
  const markup = /<(@U[A-Z0-9]+|#C[A-Z0-9]+|!date\^[^>]+|https:\/\/[^\s|<>]+\|[^<>]*)>|^>/gm;
  expect(raw.replace(markup, '')).not.toMatch(/[<>]/);
  return raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const drillState = (drillId: string) => getDrillState(engine.client, drillId);

/** What a control would change; drill time moves on by itself and is left out. */
function steered(state: DrillState) {
  return {
    status: state.status,
    pauses: state.pauses,
    injects: state.injects.map(({ id, status, settledBy }) => ({ id, status, settledBy })),
    notes: state.notes,
    endedBy: state.endedBy,
  };
}

async function startAsFran(exercise: string): Promise<string> {
  const drillId = `quell-drill:slack-drill:${exercise}`;
  expect(await drill(`start slack-drill ${exercise}`, FRAN)).toContain(`Drill \`${drillId}\` started`);
  return drillId;
}

describe('a facilitator steers a drill from Slack', () => {
  test('start, pause, resume, inject now, skip, follow-up, note, status and end each show in the drill state', async () => {
    const exercise = `slack-${Date.now()}`;
    const drillId = `quell-drill:slack-drill:${exercise}`;
    const mark = sent.length;
    const started = await drill(`start slack-drill ${exercise}`, FRAN);
    expect(sent.slice(mark, mark + 1)).toEqual([`start ${drillId}`]);
    expect(started).toContain(`:rocket: Drill \`${drillId}\` started: *Hold the line from Slack* (scenario \`slack-drill\`, exercise \`${exercise}\`).`);
    expect(started).toContain(`Its run \`${drillId}:run\` plays the runbook in tabletop mode.`);
    // The thread: the run's root message in the incident channel, itself marked as an exercise.
    const root = (await getRunState(engine.client, `${drillId}:run`)).slack!;
    expect(root.channel).toBe(INCIDENT.id);
    expect(started).toContain(`Its thread: <${permalinkOf(INCIDENT.id, root.ts)}|the run’s thread> in <#${INCIDENT.id}>.`);
    expect(slack.messages(INCIDENT.id).find((message) => message.ts === root.ts)?.text).toContain(EXERCISE_BANNER);
    const launched = await drillState(drillId);
    expect(launched).toMatchObject({ status: 'running', requestedBy: FRAN, requestedVia: 'slack', participants: { facilitators: ['drill-leads'] } });
    expect(launched.injects.map((inject) => inject.status)).toEqual(['pending', 'pending', 'pending']);

    // Gina facilitates through the Slack user group: the app asks Slack for its members.
    const asked = slack.callsOf('usergroups.users.list').length;
    expect(await drill(`pause ${drillId}`, GINA)).toMatch(new RegExp(`Drill \`${drillId}\` paused at drill time \\d+\\.\\d s: injects wait`));
    expect(slack.callsOf('usergroups.users.list').slice(asked).map((call) => call.params.usergroup)).toEqual([LEADS_USERGROUP]);
    const paused = await drillState(drillId);
    expect(paused.status).toBe('paused');
    expect(paused.pauses).toEqual([expect.objectContaining({ by: GINA })]);
    expect(paused.pauses[0].resumedAt).toBeUndefined();

    expect(await drill(`resume ${drillId}`, FRAN)).toContain('Next inject: `vendor-call` at 2400.0 s.');
    const resumed = await drillState(drillId);
    expect(resumed.status).toBe('running');
    expect(resumed.pauses).toEqual([expect.objectContaining({ by: GINA, resumedBy: FRAN })]);

    const fired = await drill(`inject ${drillId} vendor-call`, FRAN);
    expect(fired).toContain(`Inject \`vendor-call\` (message) of drill \`${drillId}\` fired at drill time`);
    expect(fired).toContain('>The vendor says the key was used from a new address');
    expect(await drill(`skip ${drillId} press-query`, GINA)).toContain(`Inject \`press-query\` of drill \`${drillId}\` skipped: it will not fire.`);

    // A twist's follow-up: refused by the drill until the twist has fired, then started and linked.
    expect(await drill(`follow-up ${drillId} second-key`, FRAN)).toContain(':no_entry: inject "second-key" is pending; its follow-up can start once it has fired');
    expect(await drill(`inject ${drillId} second-key`, GINA)).toContain('>A second key is in the same commit');
    const followUpId = `${drillId}:follow-up:second-key`;
    const followed = await drill(`follow-up ${drillId} second-key`, FRAN);
    expect(followed).toContain(`Follow-up run \`${followUpId}\` of runbook \`drill-hold\` started for twist \`second-key\` of drill \`${drillId}\``);
    const followUpRoot = (await getRunState(engine.client, followUpId)).slack!;
    expect(followed).toContain(`Its thread: <${permalinkOf(INCIDENT.id, followUpRoot.ts)}|the run’s thread>`);

    const settled = await drillState(drillId);
    expect(settled.injects.map(({ id, status, settledBy }) => ({ id, status, settledBy }))).toEqual([
      { id: 'vendor-call', status: 'fired', settledBy: FRAN },
      { id: 'press-query', status: 'skipped', settledBy: GINA },
      { id: 'second-key', status: 'fired', settledBy: GINA },
    ]);
    expect(settled.followUps).toEqual([expect.objectContaining({ injectId: 'second-key', workflowId: followUpId, runbookId: 'drill-hold', startedBy: FRAN })]);

    // The note keeps its own spacing; <, > and & are people's text, not Slack markup.
    expect(await drill(`note ${drillId} Team  asked for the vendor's log <before> & after`, FRAN)).toMatch(/Note added to drill .* at drill time/);
    expect((await drillState(drillId)).notes).toEqual([expect.objectContaining({ actor: FRAN, text: "Team  asked for the vendor's log <before> & after" })]);

    const status = await drill(`status ${drillId}`, GINA);
    expect(status).toContain(`*Hold the line from Slack*  ·  drill \`${drillId}\``);
    expect(status).toContain(':arrows_counterclockwise: *running*');
    expect(status).toContain(`:zap: \`vendor-call\` (message) fired at`);
    expect(status).toContain(`by <@${FRAN}> — The vendor calls back`);
    expect(status).toContain(`:fast_forward: \`press-query\` (message) skipped at`);
    expect(status).toContain(`<@${FRAN}>: Team  asked for the vendor's log <before> & after`);
    expect(status).toContain(`• \`${followUpId}\` (\`drill-hold\`, for \`second-key\`) started by <@${FRAN}>`);
    expect(status).toContain(`<${permalinkOf(INCIDENT.id, root.ts)}|the run’s thread>`);

    expect(await drill(`end ${drillId} objectives met`, FRAN)).toContain(`Drill \`${drillId}\` is ending; its run is cancelled if it is still running.`);
    const ended = await eventually('the drill to end', async () => {
      const state = await drillState(drillId);
      return state.status === 'ended' && state.runOutcome !== undefined && state;
    });
    expect(ended.endedBy).toMatchObject({ actor: FRAN, reason: 'objectives met' });
    expect(ended.runOutcome).toBe('cancelled');
    // An ended drill takes no more controls: the workflow's own refusal is shown.
    expect(await drill(`pause ${drillId}`, FRAN)).toMatch(/:no_entry: .*(has finished; it takes no more controls|drill is ended|drill is ending)/);
  });
});

describe('anyone else is refused, and nothing changes', () => {
  test('a non-facilitator’s start is refused naming the facilitator groups, and no drill exists', async () => {
    const exercise = `refused-${Date.now()}`;
    for (const user of [MALLORY, STRANGER]) {
      const mark = sent.length;
      expect(await drill(`start slack-drill ${exercise}`, user)).toContain(`:no_entry: ${refusal('start scenario `slack-drill`')}`);
      // The scenario comes from the runbooks folder: the refusal needs nothing from Temporal.
      expect(sent.slice(mark)).toEqual([]);
    }
    await expect(drillState(`quell-drill:slack-drill:${exercise}`)).rejects.toMatchObject({ code: 'not-found' });
  });

  test('every control by a non-facilitator is refused and the drill state is unchanged', async () => {
    const drillId = await startAsFran(`controls-${Date.now()}`);
    const before = steered(await drillState(drillId));
    const controls: Array<[string, string]> = [
      [`status ${drillId}`, `see drill \`${drillId}\``],
      [`pause ${drillId}`, `pause drill \`${drillId}\``],
      [`resume ${drillId}`, `resume drill \`${drillId}\``],
      [`inject ${drillId} vendor-call`, `fire inject \`vendor-call\` of drill \`${drillId}\``],
      [`skip ${drillId} press-query`, `skip inject \`press-query\` of drill \`${drillId}\``],
      [`follow-up ${drillId} second-key`, `start the follow-up of \`second-key\` of drill \`${drillId}\``],
      [`note ${drillId} I was here`, `add a note to drill \`${drillId}\``],
      [`end ${drillId}`, `end drill \`${drillId}\``],
    ];
    for (const [text, doing] of controls) {
      const mark = sent.length;
      const reply = await drill(text, MALLORY);
      expect(reply).toContain(`:no_entry: ${refusal(doing)}`);
      // Only the read of the drill's facilitator groups went to Temporal: no Update.
      expect(sent.slice(mark)).toEqual([`query:drillState ${drillId}`]);
      // A refused status shows nothing of the drill.
      expect(reply).not.toContain('(message)');
    }
    expect(steered(await drillState(drillId))).toEqual(before);
    expect(before.status).toBe('running');

    // Membership that cannot be read refuses (Gina is a member only through the user group).
    slack.failNext('usergroups.users.list', { error: 'missing_scope' });
    const mark = sent.length;
    const unread = await drill(`pause ${drillId}`, GINA);
    expect(sent.slice(mark)).toEqual([`query:drillState ${drillId}`]);
    expect(unread).toContain(`:no_entry: Quell could not check whether you may pause drill \`${drillId}\`, so it did nothing: Slack did not list the members of user group ${LEADS_USERGROUP} (group drill-leads): missing_scope.`);
    expect(steered(await drillState(drillId))).toEqual(before);
    // Once Slack answers again, the same command goes through.
    expect(await drill(`pause ${drillId}`, GINA)).toContain('paused at drill time');
    expect((await drillState(drillId)).status).toBe('paused');
    await drill(`end ${drillId}`, FRAN);
  });

  test('without an approvers file nobody may start a drill', async () => {
    const exercise = `no-file-${Date.now()}`;
    const mark = sent.length;
    const reply = await drill(`start slack-drill ${exercise}`, FRAN, unconfiguredRequester);
    expect(sent.slice(mark)).toEqual([]);
    expect(reply).toContain(
      ':no_entry: Quell could not check whether you may start scenario `slack-drill`, so it did nothing: drills from Slack need the approvers file (QUELL_APPROVERS_FILE) to say who facilitates, and none is configured.',
    );
    await expect(drillState(`quell-drill:slack-drill:${exercise}`)).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('malformed commands get specific replies', () => {
  test.each([
    ['start', '<scenario> is missing: which scenario?', '/quell drill start <scenario> [exercise-id]'],
    ['start Slack_Drill', '<scenario> "Slack_Drill": scenario ids are lower-case kebab-case', '/quell drill start <scenario> [exercise-id]'],
    ['start slack-drill no/slashes', '[exercise-id] "no/slashes": use 1-40 letters', '/quell drill start <scenario> [exercise-id]'],
    ['start slack-drill one two', 'start takes a scenario id and, optionally, an exercise id; found 3 words', '/quell drill start <scenario> [exercise-id]'],
    ['pause', '<drill id> is missing: which drill? Drill ids look like quell-drill:<scenario>:<exercise>', '/quell drill pause <drill id>'],
    ['resume quell:drill-hold:INC-1', '<drill id> "quell:drill-hold:INC-1" is a run id', '/quell drill resume <drill id>'],
    ['status "quell-drill:x:y"', '<drill id> ""quell-drill:x:y"": drill ids look like', '/quell drill status <drill id>'],
    ['end quell-drill:x:y', undefined, undefined],
    ['pause quell-drill:x:y now', 'pause takes one argument, the drill id; found 2 words', '/quell drill pause <drill id>'],
    ['inject quell-drill:x:y', '<inject id> is missing: which inject should fire now?', '/quell drill inject <drill id> <inject id>'],
    ['skip quell-drill:x:y Vendor_Call', '<inject id> "Vendor_Call": inject ids are kebab-case', '/quell drill skip <drill id> <inject id>'],
    ['follow-up quell-drill:x:y', '<inject id> is missing: which twist’s follow-up run should start?', '/quell drill follow-up <drill id> <twist inject id>'],
    ['inject quell-drill:x:y vendor-call now', 'inject takes two arguments, the drill id and the inject id; found 3 words', '/quell drill inject <drill id> <inject id>'],
    ['note quell-drill:x:y   ', '<text> is missing: what should the note say?', '/quell drill note <drill id> <text…>'],
  ])('parse %#: %s', (text, problem, usage) => {
    const parsed = parseDrillCommand(text);
    if (problem === undefined) expect(parsed.kind).not.toBe('usage');
    else expect(parsed).toEqual({ kind: 'usage', problem: expect.stringContaining(problem), usage });
  });

  test('a note longer than a reason may be is refused by name', () => {
    expect(parseDrillCommand(`note quell-drill:x:y ${'n'.repeat(2001)}`)).toEqual({
      kind: 'usage',
      problem: expect.stringContaining('<text>: the note is too long'),
      usage: '/quell drill note <drill id> <text…>',
    });
  });

  test('through the app: usage errors, typos, an unknown scenario or drill, a run id, and help', async () => {
    // Parsing comes before any membership check: anyone learns what was wrong.
    expect(await drill('start', STRANGER)).toContain(':warning: <scenario> is missing: which scenario? (`/quell drill help` lists them)\nUsage: `/quell drill start <scenario> [exercise-id]`');
    expect(await drill('inject quell-drill:slack-drill:x Vendor_Call', STRANGER)).toContain(
      '<inject id> "Vendor_Call": inject ids are kebab-case as the scenario writes them, e.g. vendor-silent\nUsage: `/quell drill inject <drill id> <inject id>`',
    );
    expect(await drill('pause quell:drill-hold:INC-1', FRAN)).toContain('<drill id> "quell:drill-hold:INC-1" is a run id');
    expect(await drill('strat slack-drill', FRAN)).toContain('`strat` is not a drill command. Did you mean `/quell drill start`?');
    expect(await drill('followup quell-drill:slack-drill:x second-key', FRAN)).toContain('Did you mean `/quell drill follow-up`?');
    expect(await drill('start slack-dril', FRAN)).toContain('There is no scenario `slack-dril`. Did you mean `/quell drill start slack-drill`?');
    expect(await drill('pause quell-drill:slack-drill:nothing-here', FRAN)).toContain(':grey_question: no drill quell-drill:slack-drill:nothing-here');

    // A drill's run is not a drill.
    const drillId = await startAsFran(`run-id-${Date.now()}`);
    expect(await drill(`status ${drillId}:run`, FRAN)).toContain(`${drillId}:run is not a drill`);
    await drill(`end ${drillId}`, FRAN);

    for (const text of ['', 'help']) {
      const help = await drill(text, STRANGER);
      for (const usage of ['/quell drill start <scenario> [exercise-id]', '/quell drill inject <drill id> <inject id>', '/quell drill follow-up <drill id> <twist inject id>', '/quell drill note <drill id> <text…>', '/quell drill end <drill id> [reason…]']) {
        expect(help).toContain(usage);
      }
      expect(help).toContain('• `slack-drill`: Hold the line from Slack (facilitators: `drill-leads`)');
    }
  });
});
