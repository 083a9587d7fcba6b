/**
 * `/quell drill schedule …` and `/quell drill plan …` through the Slack app: signed slash commands
 * to an app on loopback that talks to the fake Slack Web API and to a real worker on the dev
 * server, both reading the approvers file of test/integration/slack-drill.test.ts (fran listed
 * in drill-leads, gina through its Slack user group, mallory an approver but no facilitator).
 * - a facilitator creates a schedule, which starts drills by itself; lists it, pauses it, is
 *   refused a trigger while a drill of it runs (in Slack's words), triggers one (its run's thread
 *   linked), resumes it, and deletes it only with `yes` — each seen in Temporal's own description;
 * - a facilitator adds items to a finished drill's improvement plan and lists them, as the
 *   plan's history records them;
 * - anyone else is refused each, naming the facilitator groups; the app's Temporal connection
 *   records every gRPC call, and a refusal sends nothing (create) or only reads (the rest);
 * - malformed commands get replies naming what was wrong.
 * Every answer is ephemeral and opens with the exercise banner. Every drill started here is ended
 * and every schedule deleted in afterAll.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { buildApproversSetup } from '../../activities/approvers/build';
import { buildSlackSurface } from '../../activities/slack-surface';
import { listPlanItems } from '../../client/drill-debrief';
import { deleteDrillSchedule, describeDrillSchedule } from '../../client/drill-schedules';
import { endDrill, getDrillState } from '../../client/drills';
import { getRunState } from '../../client/runs';
import { EXERCISE_BANNER } from '../../common/exercise';
import { slackAppSettings } from '../../config/slack-app';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import { createSlackApp, type QuellSlackApp } from '../../slack/app';
import { parseDrillCommand } from '../../slack/drill-command-text';
import { DRILL_RUNBOOKS_DIR } from '../support/drills';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventually } from '../support/eventually';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';
import { REPO } from '../support/runbooks';
import { GENERAL, INCIDENT, MALLORY, SECRET, TOKEN, silent } from '../support/slack-app-rig';
import { SlackRequester, nextTriggerId, slashCommand, startResponseSink, type ResponseSink } from '../support/slack-requests';
import { testServer } from '../support/temporal';

const FRAN = 'U0FRAN0001';
const GINA = 'U0GINA0001';
const STRANGER = 'U0STRANGE1';
const APPROVERS = path.join(REPO, 'test', 'fixtures', 'drills', 'slack-drill-approvers.yaml');
const BANNER_LINE = `:performing_arts: *${EXERCISE_BANNER}*`;
const SCHEDULED_TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';
const refusal = (doing: string) => `:no_entry: You may not ${doing}: only facilitators may, that is members of \`drill-leads\` (approvers file). Nothing was done.`;
/** gRPC calls that only read: all a refused command may send. */
const READS = new Set(['describeSchedule', 'listSchedules', 'describeWorkflowExecution', 'queryWorkflow', 'getWorkflowExecutionHistory']);

let work: string;
let slack: FakeSlackApi;
let sink: ResponseSink;
let engine: TestEngine;
let app: QuellSlackApp;
let requester: SlackRequester;
/** Every gRPC call the app's Temporal client made, by method name, in order. */
const calls: string[] = [];
const schedules = new Set<string>();
const drills = new Set<string>();

/** The connection with its WorkflowService wrapped so that each call is recorded before it is sent. */
function recordingConnection(connection: Connection): Connection {
  const service = connection.workflowService;
  const recorded = new Proxy(service, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push(property);
        return (value as (...rest: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return Object.assign(Object.create(connection) as Connection, { workflowService: recorded });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-slack-drill-schedule-'));
  slack = await startFakeSlackApi({ token: TOKEN, channels: [INCIDENT, GENERAL] });
  slack.setUsergroup('S0DRILLLEADS', [GINA]);
  sink = await startResponseSink();
  const connectors = path.join(work, 'connectors.yaml');
  fs.writeFileSync(
    connectors,
    ['version: 1', 'slack:', '  bot_token: { env: SLACK_TEST_TOKEN }', '  signing_secret: { env: SLACK_TEST_SECRET }', `  channel: ${INCIDENT.id}`, `  api_url: ${slack.apiUrl}`, '  listen: { host: 127.0.0.1, port: 0 }', ''].join('\n'),
  );
  const loaded = loadConnectorsFile(connectors, { SLACK_TEST_TOKEN: TOKEN, SLACK_TEST_SECRET: SECRET });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  engine = await startTestEngine('slack-drill-schedule', {
    slackSurface: buildSlackSurface(loaded.config.slack, path.join(work, 'data'), silent)!,
    approvers: buildApproversSetup(APPROVERS, loaded.config.slack, silent)!,
  });
  app = createSlackApp({
    settings: slackAppSettings(loaded.config.slack)!,
    temporal: new Client({ connection: recordingConnection(engine.client.connection as Connection), namespace: testServer().namespace }),
    taskQueue: engine.taskQueue,
    runbooksDir: DRILL_RUNBOOKS_DIR,
    approversFile: APPROVERS,
    logger: silent,
    bot: { botId: slack.bot.botId, botUserId: slack.bot.userId },
  });
  requester = new SlackRequester((await app.start()).url!, SECRET);
});

afterAll(async () => {
  if (engine) {
    for (const scheduleId of schedules) {
      // Drills a schedule started are ended too, should a test have stopped before it could end them.
      const view = await describeDrillSchedule(engine.client, scheduleId).catch(() => undefined);
      for (const drillId of [...(view?.runningDrills ?? []), ...(view?.recentDrills.map((recent) => recent.drillId) ?? [])]) drills.add(drillId);
      await deleteDrillSchedule(engine.client, scheduleId).catch(() => undefined);
    }
    for (const drillId of drills) await endDrill(engine.client, drillId, { actor: FRAN, via: 'api', reason: 'test over' }).catch(() => undefined);
  }
  await app?.stop();
  await engine?.stop();
  await sink?.stop();
  await slack?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** `/quell drill <text>` as `user`; the reply, checked to be ephemeral and marked, with mrkdwn escapes undone. */
async function drill(text: string, user: string): Promise<string> {
  const responseUrl = sink.url();
  const response = await requester.command(slashCommand({ text: `drill ${text}`, user, channel: GENERAL.id, responseUrl, triggerId: nextTriggerId() }));
  expect(response.status).toBe(200);
  const reply = await eventually(`the reply to /quell drill ${text}`, () => sink.postsTo(responseUrl)[0]?.body, 40_000);
  expect(reply.response_type).toBe('ephemeral');
  const raw = String(reply.text);
  expect(raw.split('\n')[0]).toBe(BANNER_LINE);
  const markup = /<(@U[A-Z0-9]+|#C[A-Z0-9]+|!date\^[^>]+|https:\/\/[^\s|<>]+\|[^<>]*)>|^>/gm;
  expect(raw.replace(markup, '')).not.toMatch(/[<>]/);
  return raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The gRPC calls `run` made the app send. */
async function callsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const mark = calls.length;
  await run();
  return calls.slice(mark);
}

const permalinkOf = (channel: string, ts: string) => `https://quell-test.slack.com/archives/${channel}/p${ts.replace('.', '')}`;

async function endAndWait(drillId: string): Promise<void> {
  expect(await drill(`end ${drillId} schedule test`, FRAN)).toContain(`Drill \`${drillId}\` is ending`);
  await eventually(`${drillId} closed`, async () => (await engine.client.workflow.getHandle(drillId).describe()).status.name !== 'RUNNING');
}

describe('a facilitator schedules drills from Slack', () => {
  test('create, list, pause, trigger, resume and delete (only with yes), each seen by Temporal', async () => {
    const name = `s${Date.now()}`;
    const scheduleId = `quell-drill-schedule:slack-drill:${name}`;
    const drillIdPattern = new RegExp(`^quell-drill:slack-drill:scheduled-${name}-${SCHEDULED_TIME}$`);
    let created = '';
    const createCalls = await callsDuring(async () => (created = await drill(`schedule slack-drill every 2s name ${name} note practice  for the on-call`, FRAN)));
    schedules.add(scheduleId);
    expect(createCalls).toContain('createSchedule');
    expect(created).toContain(`:spiral_calendar_pad: Drill schedule \`${scheduleId}\` created: *Hold the line from Slack* (scenario \`slack-drill\`, runbook \`drill-hold\`).`);
    expect(created).toMatch(/It runs every 2s, counted from \S+Z\. A tick is skipped while one of its drills still runs/);
    expect(created).toContain('Note: practice  for the on-call');
    expect(created).toContain(`Its drills are named \`quell-drill:slack-drill:scheduled-${name}-<scheduled time>\`, requested by <@${FRAN}>; facilitators: \`drill-leads\`.`);
    const view = await describeDrillSchedule(engine.client, scheduleId);
    expect(view).toMatchObject({ facilitators: ['drill-leads'], createdBy: FRAN, paused: false, note: 'practice  for the on-call', timing: { every: '2s' } });

    // Temporal starts a drill by itself, in Fran's name, steered by the scenario's facilitators.
    const ticked = await eventually('the schedule starts a drill', async () => (await describeDrillSchedule(engine.client, scheduleId)).recentDrills[0], 20_000);
    drills.add(ticked.drillId);
    expect(ticked.drillId).toMatch(drillIdPattern);
    const tickedState = await eventually('the drill answers', () => getDrillState(engine.client, ticked.drillId).catch(() => undefined));
    expect(tickedState).toMatchObject({ scheduleId, requestedBy: FRAN, participants: { facilitators: ['drill-leads'] } });

    // Gina facilitates through the Slack user group: she sees the schedule and its running drill.
    const listed = await drill('schedule list', GINA);
    expect(listed).toContain(`• \`${scheduleId}\`: *Hold the line from Slack* (scenario \`slack-drill\`, runbook \`drill-hold\`)`);
    expect(listed).toMatch(/:arrow_forward: \*active\* {2}· {2}every 2s, counted from \S+ {2}· {2}facilitators `drill-leads` {2}· {2}created by <@U0FRAN0001>/);
    expect(listed).toContain(`running: \`${ticked.drillId}\``);

    expect(await drill(`schedule pause ${scheduleId} holiday freeze`, FRAN)).toContain(
      `:double_vertical_bar: Drill schedule \`${scheduleId}\` paused: no drills start until \`/quell drill schedule resume ${scheduleId}\`. Drills already running go on.`,
    );
    expect(await describeDrillSchedule(engine.client, scheduleId)).toMatchObject({ paused: true, note: `paused by ${FRAN}: holiday freeze`, nextRuns: [] });
    expect(await drill(`schedule pause ${scheduleId}`, GINA)).toContain(`:no_entry: drill schedule ${scheduleId} is already paused (paused by ${FRAN}: holiday freeze)`);

    // A trigger obeys the schedule's one-at-a-time rule; the refusal speaks Slack, not CLI.
    const busy = await drill(`schedule trigger ${scheduleId}`, FRAN);
    expect(busy).toContain(`:no_entry: drill schedule ${scheduleId} already has a drill running (${ticked.drillId}); it never runs two at once. End it first: /quell drill end ${ticked.drillId}`);
    await endAndWait(ticked.drillId);

    const before = await describeDrillSchedule(engine.client, scheduleId);
    const triggeredReply = await drill(`schedule trigger ${scheduleId}`, FRAN);
    const after = await describeDrillSchedule(engine.client, scheduleId);
    expect(after.drillsStarted).toBe(before.drillsStarted + 1);
    const triggered = after.recentDrills[0].drillId;
    drills.add(triggered);
    expect(triggered).toMatch(drillIdPattern);
    expect(triggered).not.toBe(ticked.drillId);
    expect(triggeredReply).toContain(`:alarm_clock: Drill \`${triggered}\` started now by schedule \`${scheduleId}\`.`);
    const root = (await getRunState(engine.client, `${triggered}:run`)).slack!;
    expect(triggeredReply).toContain(`Its run \`${triggered}:run\` plays the runbook in tabletop mode. Its thread: <${permalinkOf(INCIDENT.id, root.ts)}|the run’s thread> in <#${INCIDENT.id}>.`);
    expect(slack.messages(INCIDENT.id).find((message) => message.ts === root.ts)?.text).toContain(EXERCISE_BANNER);

    const resumed = await drill(`schedule resume ${scheduleId}`, GINA);
    expect(resumed).toMatch(new RegExp(`:arrow_forward: Drill schedule \`${scheduleId}\` resumed: next run <!date\\^\\d+\\^`));
    expect((await describeDrillSchedule(engine.client, scheduleId)).paused).toBe(false);

    // Without yes: what would go and what keeps running; nothing is deleted.
    let preview = '';
    const previewCalls = await callsDuring(async () => (preview = await drill(`schedule delete ${scheduleId}`, FRAN)));
    expect(previewCalls.filter((call) => !READS.has(call))).toEqual([]);
    expect(preview).toContain(`:warning: This would delete drill schedule \`${scheduleId}\`: *Hold the line from Slack* (scenario \`slack-drill\`, runbook \`drill-hold\`), active, every 2s`);
    expect(preview).toContain(`Still running, and not ended by the delete: \`${triggered}\` (end it: \`/quell drill end ${triggered}\`).`);
    expect(preview).toContain(`Nothing was deleted. To delete it: \`/quell drill schedule delete ${scheduleId} yes\``);
    expect((await describeDrillSchedule(engine.client, scheduleId)).scheduleId).toBe(scheduleId);

    const deleted = await drill(`schedule delete ${scheduleId} yes`, FRAN);
    expect(deleted).toContain(`:wastebasket: Drill schedule \`${scheduleId}\` deleted: it starts no more drills.`);
    expect(deleted).toContain(`Still running, and not ended by the delete: \`${triggered}\``);
    await expect(describeDrillSchedule(engine.client, scheduleId)).rejects.toMatchObject({ code: 'not-found' });
    schedules.delete(scheduleId);
    expect(await drill(`schedule trigger ${scheduleId}`, FRAN)).toContain(`:grey_question: no drill schedule ${scheduleId}; see: /quell drill schedule list`);
    await endAndWait(triggered);
  });
});

describe('anyone else is refused, and nothing changes', () => {
  test('a non-facilitator can create, see, pause, resume, trigger or delete no schedule', async () => {
    const name = `c${Date.now()}`;
    const scheduleId = `quell-drill-schedule:slack-drill:${name}`;
    // A cron schedule (its expression quoted, as typed in Slack), made by a facilitator.
    const created = await drill(`schedule slack-drill cron "0 9 * * 1" jitter 10m name ${name}`, FRAN);
    schedules.add(scheduleId);
    expect(created).toContain('It runs cron "0 9 * * 1" (UTC) (jitter up to 10m).');
    const view = await describeDrillSchedule(engine.client, scheduleId);
    expect(view.timing).toEqual({ cron: '0 9 * * 1', jitter: '10m' });
    for (const run of view.nextRuns.map((time) => new Date(time))) expect([run.getUTCDay(), run.getUTCHours()]).toEqual([1, 9]);
    // Creating it again is refused in Slack's words.
    expect(await drill(`schedule slack-drill cron "0 9 * * 1" name ${name}`, FRAN)).toContain(
      `:information_source: drill schedule ${scheduleId} already exists; refusing to create it twice. See: /quell drill schedule list (delete it first to change it, or give this one another name)`,
    );

    const unchanged = async () => {
      const now = await describeDrillSchedule(engine.client, scheduleId);
      expect({ paused: now.paused, drillsStarted: now.drillsStarted, note: now.note }).toEqual({ paused: false, drillsStarted: 0, note: undefined });
    };
    for (const user of [MALLORY, STRANGER]) {
      const other = `${name}-${user.slice(-4).toLowerCase()}`;
      schedules.add(`quell-drill-schedule:slack-drill:${other}`);
      let reply = '';
      // The scenario comes from the runbooks folder: a refused create sends Temporal nothing.
      expect(await callsDuring(async () => (reply = await drill(`schedule slack-drill every 1h name ${other}`, user)))).toEqual([]);
      expect(reply).toContain(refusal('schedule drills of scenario `slack-drill`'));
      await expect(describeDrillSchedule(engine.client, `quell-drill-schedule:slack-drill:${other}`)).rejects.toMatchObject({ code: 'not-found' });

      const steering: Array<[string, string]> = [
        [`schedule pause ${scheduleId} mine now`, `pause drill schedule \`${scheduleId}\``],
        [`schedule resume ${scheduleId}`, `resume drill schedule \`${scheduleId}\``],
        [`schedule trigger ${scheduleId}`, `trigger drill schedule \`${scheduleId}\``],
        [`schedule delete ${scheduleId}`, `delete drill schedule \`${scheduleId}\``],
        [`schedule delete ${scheduleId} yes`, `delete drill schedule \`${scheduleId}\``],
      ];
      for (const [text, doing] of steering) {
        const sent = await callsDuring(async () => (reply = await drill(text, user)));
        expect(reply).toContain(refusal(doing));
        // Only the read of the schedule's facilitator groups reached Temporal.
        expect(sent).toContain('describeSchedule');
        expect(sent.filter((call) => !READS.has(call))).toEqual([]);
        // A refused preview shows nothing of the schedule.
        expect(reply).not.toContain('0 9 * * 1');
        await unchanged();
      }

      // The listing leaves out what the person may not steer, and says that it did.
      const listed = await drill('schedule list', user);
      expect(listed).not.toContain(scheduleId);
      expect(listed).toContain('No drill schedules you facilitate.');
      expect(listed).toMatch(/_\d+ other drill schedules? (is|are) not shown: only their facilitators see them/);
    }
    expect(await drill('schedule list', FRAN)).toContain(`• \`${scheduleId}\``);
    expect(await drill(`schedule delete ${scheduleId} YES`, GINA)).toContain(`Drill schedule \`${scheduleId}\` deleted`);
    schedules.delete(scheduleId);
  });
});

describe('the improvement plan of a drill from Slack', () => {
  test('a facilitator adds items and lists them as the plan records them; anyone else is refused', async () => {
    const drillId = `quell-drill:slack-drill:plan-${Date.now()}`;
    expect(await drill(`start slack-drill ${drillId.split(':')[2]}`, FRAN)).toContain(`Drill \`${drillId}\` started`);
    drills.add(drillId);
    await endAndWait(drillId);

    expect(await drill(`plan list ${drillId}`, FRAN)).toContain(`:clipboard: The improvement plan of drill \`${drillId}\` has no items yet.`);
    const added = await drill(`plan add ${drillId} finding "Nobody owned the vendor call" action "Name a vendor liaison in the runbook" owner sec-team due 2030-01-31 objective hold-on`, FRAN);
    expect(added).toContain(`:clipboard: Item 1 added to the improvement plan of drill \`${drillId}\`:`);
    expect(added).toContain('*1.* Nobody owned the vendor call\n      action: Name a vendor liaison in the runbook\n      owner: sec-team  ·  due 2030-01-31  ·  objective `hold-on`');
    // Curly quotes, as some Slack clients send them, and an owner with a space.
    expect(await drill(`plan add ${drillId} due 2030-02-15 owner "Comms team" finding “The holding statement took 40 min” action “Pre-approve a holding statement”`, GINA)).toContain('Item 2 added');
    // An objective the scenario does not have is refused by the client, in Slack's words.
    expect(await drill(`plan add ${drillId} finding "x" action "y" owner z due 2030-01-01 objective no-such`, FRAN)).toContain(
      `:warning: objective: the scenario of ${drillId} has no objective "no-such"; its objectives: hold-on`,
    );

    const plan = await listPlanItems(engine.client, drillId);
    expect(plan.status).toBe('open');
    expect(plan.items.map(({ id, finding, action, owner, due, objectiveId, addedBy, addedVia }) => ({ id, finding, action, owner, due, objectiveId, addedBy, addedVia }))).toEqual([
      { id: 1, finding: 'Nobody owned the vendor call', action: 'Name a vendor liaison in the runbook', owner: 'sec-team', due: '2030-01-31', objectiveId: 'hold-on', addedBy: FRAN, addedVia: 'slack' },
      { id: 2, finding: 'The holding statement took 40 min', action: 'Pre-approve a holding statement', owner: 'Comms team', due: '2030-02-15', objectiveId: undefined, addedBy: GINA, addedVia: 'slack' },
    ]);
    const listed = await drill(`plan list ${drillId}`, GINA);
    expect(listed).toContain(`:clipboard: *Improvement plan* of drill \`${drillId}\`: open, 2 items`);
    expect(listed).toContain('*2.* The holding statement took 40 min\n      action: Pre-approve a holding statement\n      owner: Comms team  ·  due 2030-02-15');
    expect(listed).toContain(`added by <@${GINA}>`);

    for (const user of [MALLORY, STRANGER]) {
      let reply = '';
      const sent = await callsDuring(async () => (reply = await drill(`plan add ${drillId} finding "mine" action "mine" owner me due 2030-03-01`, user)));
      expect(reply).toContain(refusal(`add to the improvement plan of drill \`${drillId}\``));
      expect(sent).toEqual(['queryWorkflow']);
      const shown = await drill(`plan list ${drillId}`, user);
      expect(shown).toContain(refusal(`see the improvement plan of drill \`${drillId}\``));
      expect(shown).not.toContain('vendor');
    }
    expect((await listPlanItems(engine.client, drillId)).items).toHaveLength(2);
    expect(await drill(`plan list quell-drill:slack-drill:nothing-${Date.now()}`, FRAN)).toMatch(/:grey_question: no drill quell-drill:slack-drill:nothing-\d+/);
  });
});

describe('malformed schedule and plan commands get specific replies', () => {
  const SCHEDULE = '/quell drill schedule <scenario> every <duration> | cron "<expression>" [jitter <duration>] [name <name>] [note <text…>]';
  const PLAN_ADD = '/quell drill plan add <drill id> finding "<text>" action "<text>" owner <who> due <YYYY-MM-DD> [objective <id>]';
  const ITEM = 'finding "a" action "b" owner o';
  test.each([
    ['schedule', 'what should schedule do?', SCHEDULE],
    ['schedule slack-drill', 'say when the drill runs: every <duration> (e.g. 1w) or cron "<expression>" (e.g. "0 9 * * 1")', SCHEDULE],
    ['schedule lst', '(or did you mean `/quell drill schedule list`?)', SCHEDULE],
    ['schedule Slack_Drill every 1d', '<scenario> "Slack_Drill": scenario ids are lower-case kebab-case', SCHEDULE],
    ['schedule slack-drill every 1d cron "0 9 * * 1"', 'give either every or cron, not both', SCHEDULE],
    ['schedule slack-drill every 1fortnight', 'every "1fortnight" is not a duration', SCHEDULE],
    ['schedule slack-drill every 1500ms', 'every "1500ms" must be whole seconds', SCHEDULE],
    ['schedule slack-drill every 1h jitter 2h', 'jitter 2h must be shorter than every 1h', SCHEDULE],
    ['schedule slack-drill every', 'every needs a value: <duration>, e.g. every 1w', SCHEDULE],
    ['schedule slack-drill every 1d every 2d', 'every is given twice', SCHEDULE],
    ['schedule slack-drill evry 1d', '"evry" is not one of every, cron, jitter, name, note (did you mean every?)', SCHEDULE],
    ['schedule slack-drill cron "0 9 * * 1', 'cron: the quote before "0 9 * * 1" is not closed', SCHEDULE],
    ['schedule slack-drill every 1d name no/slash', 'name "no/slash" is not valid', SCHEDULE],
    ['schedule slack-drill every 1d jitter 1 m', 'jitter takes one word', SCHEDULE],
    ['schedule list all', 'list takes no arguments', '/quell drill schedule list'],
    ['schedule pause', '<schedule id> is missing: which schedule?', '/quell drill schedule pause <schedule id> [note…]'],
    ['schedule pause quell-drill:slack-drill:x', '<schedule id> "quell-drill:slack-drill:x" is a drill id', '/quell drill schedule pause <schedule id> [note…]'],
    ['schedule trigger slack-drill', '<schedule id> "slack-drill": schedule ids look like quell-drill-schedule:<scenario>[:<name>]', '/quell drill schedule trigger <schedule id>'],
    ['schedule resume quell-drill-schedule:slack-drill now', 'resume takes one argument, the schedule id; found 2 words', '/quell drill schedule resume <schedule id>'],
    ['schedule delete quell-drill-schedule:slack-drill please', 'only the word yes may follow the schedule id', '/quell drill schedule delete <schedule id> yes'],
    ['plan', 'add or list?', PLAN_ADD],
    ['plan lits quell-drill:x:y', '"lits" is not a plan command: add or list (did you mean list?)', '/quell drill plan list <drill id>'],
    ['plan remove quell-drill:x:y', '"remove" is not a plan command: add or list', PLAN_ADD],
    ['plan add', '<drill id> is missing: which drill?', PLAN_ADD],
    [`plan add quell:drill-hold:INC-1 ${ITEM} due 2030-01-01`, '<drill id> "quell:drill-hold:INC-1" is a run id', PLAN_ADD],
    ['plan add quell-drill:x:y finding "a" action "b"', 'owner, due are missing: who will do it', PLAN_ADD],
    [`plan add quell-drill:x:y ${ITEM}`, 'due is missing: by when, as YYYY-MM-DD', PLAN_ADD],
    ['plan add quell-drill:x:y finding Nobody owned it action b owner o due 2030-01-01', 'finding takes one word; put a value with spaces in quotes', PLAN_ADD],
    [`plan add quell-drill:x:y ${ITEM} due 2030-02-30`, 'due 2030-02-30 is not a day of the calendar', PLAN_ADD],
    [`plan add quell-drill:x:y ${ITEM} due tomorrow`, 'due "tomorrow" is not a date: write YYYY-MM-DD', PLAN_ADD],
    [`plan add quell-drill:x:y ${ITEM} due 2030-01-01 owner p`, 'owner is given twice', PLAN_ADD],
    ['plan list quell-drill:x:y more', 'list takes one argument, the drill id; found 2 words', '/quell drill plan list <drill id>'],
  ])('parse %#: %s', (text, problem, usage) => {
    expect(parseDrillCommand(text)).toEqual({ kind: 'usage', problem: expect.stringContaining(problem), usage });
  });

  test('what parses: a cron quoted or not, a note with its spacing, delete with or without yes, a plan item', () => {
    expect(parseDrillCommand('schedule slack-drill cron “0 9 * * 1” jitter 10m name weekly note  on-call  practice ')).toEqual({
      kind: 'schedule',
      op: 'create',
      scenario: 'slack-drill',
      cron: '0 9 * * 1',
      jitter: '10m',
      name: 'weekly',
      note: 'on-call  practice',
    });
    expect(parseDrillCommand('schedule create slack-drill cron 0 9 * * 1 name weekly')).toMatchObject({ op: 'create', cron: '0 9 * * 1', name: 'weekly' });
    expect(parseDrillCommand('schedule delete quell-drill-schedule:slack-drill')).toEqual({ kind: 'schedule', op: 'delete', scheduleId: 'quell-drill-schedule:slack-drill', confirmed: false });
    expect(parseDrillCommand('schedule pause quell-drill-schedule:slack-drill:weekly  holiday  freeze')).toEqual({
      kind: 'schedule',
      op: 'pause',
      scheduleId: 'quell-drill-schedule:slack-drill:weekly',
      note: 'holiday  freeze',
    });
    expect(parseDrillCommand('plan add quell-drill:x:y owner "Comms team" finding "a b" action c due 2030-01-31 objective hold-on')).toEqual({
      kind: 'plan',
      op: 'add',
      drillId: 'quell-drill:x:y',
      item: { finding: 'a b', action: 'c', owner: 'Comms team', due: '2030-01-31', objectiveId: 'hold-on' },
    });
  });

  test('through the app: an unknown scenario, a cron Temporal refuses, and help', async () => {
    expect(await drill('schedule slack-dril every 1d', FRAN)).toContain('There is no scenario `slack-dril`. Did you mean `/quell drill schedule slack-drill`?');
    // Anyone learns what is wrong with what they typed before any membership check.
    expect(await drill('schedule slack-drill every 1d cron "0 9 * * 1"', STRANGER)).toContain(`:warning: give either every or cron, not both\nUsage: \`${SCHEDULE}\``);
    // Temporal's cron parser is the authority; its refusal names the keyword, and nothing is created.
    const name = `bad-${Date.now()}`;
    expect(await drill(`schedule slack-drill cron "61 * * * *" name ${name}`, FRAN)).toContain(':warning: cron "61 * * * *" is not a cron expression Temporal accepts: Minute is not in range [0-59]');
    await expect(describeDrillSchedule(engine.client, `quell-drill-schedule:slack-drill:${name}`)).rejects.toMatchObject({ code: 'not-found' });
    expect(await drill('schedul list', FRAN)).toContain('`schedul` is not a drill command. Did you mean `/quell drill schedule`?');
    const help = await drill('help', STRANGER);
    for (const usage of [SCHEDULE, '/quell drill schedule delete <schedule id> yes', PLAN_ADD, '/quell drill plan list <drill id>']) expect(help).toContain(usage);
  });
});
