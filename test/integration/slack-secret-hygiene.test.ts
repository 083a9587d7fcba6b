/**
 * No secret of the Slack control surface reaches the workflow history or the logs (issue 4: keep
 * secrets out of logs and workflow histories), proven on one run driven entirely through Slack:
 * - the worker's Slack surface ON: the publisher posts the root message, the thread and the cards
 *   with the bot token (the fake Slack Web API, test/support/fake-slack-api.ts, checks it);
 * - the Slack app (Bolt, HTTP receiver on 127.0.0.1 port 0) verifying every request with the
 *   signing secret: a forged and an altered command get 401; a signed `/quell help`, `/quell start`
 *   and its view_submission start the run; signed button clicks approve the gate and report the
 *   event; a `/quell status` whose response URL has expired is answered from the bot instead;
 * - approver membership read from a Slack user group (usergroups.users.list with the bot token):
 *   the second approver belongs to the gate's group only through it.
 * Every command, click and submission carries a response URL (`response_url`, `response_urls`),
 * each unique; like the token and the signing secret they must appear nowhere in what is kept.
 *
 * To put the scrubbing on the paths where Slack's own words are kept, three answers echo the bot
 * token back (a misbehaving proxy in front of Slack): the token check of an app instance at start
 * (auth.test: the app does not start, and says why), the first user group read (retried: the gate
 * waits for it) and the app's first ephemeral reply (it falls back to a direct message). The
 * failure messages are logged, recorded in the history or printed, and must carry `[secret]`.
 *
 * The bot token and the signing secret are random per run and reach the code only through
 * `{ env }` and `{ file }` references in a connectors file loaded as the worker loads it. Logs are
 * captured raw (no redaction, no masking): the worker's logger (publisher, user groups, their
 * WebClient) and the Slack app's logger (Bolt and its WebClient) at trace, so every debug line is
 * in, the Temporal SDK/Core/workflow logs at debug, and whatever is printed on the console, stdout
 * or stderr. What is checked is that the code never hands one of these values to a logger, not
 * that the production logger's masks would catch it.
 *
 * Scanned for each secret (raw, URL-encoded, base64 at every alignment; test/support/secret-scan.ts):
 * the decoded history of the run, all captured logs, the Slack surface's delivery record on disk,
 * and what went out to the Slack Web API and to the response URLs. Negative controls: every form
 * is found when present, and a value planted for real (in a run's input) is found by the same
 * scan in that run's history and in the captured logs.
 *
 * The run itself, and what it leaves for the scan: test/support/slack-hygiene-run.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadedSecretValues } from '../../config/secret';
import { SlackAppStartError } from '../../slack/app';
import { CallbackId } from '../../slack/blocks/interaction-ids';
import { historyText } from '../support/history-text';
import { leaksIn, missing, secretForms, type SecretForm } from '../support/secret-scan';
import {
  ALICE,
  BOB,
  BOT_TOKEN,
  GENERAL,
  INCIDENT,
  INCIDENT_ID,
  ONCALL_USERGROUP,
  PLANTED_FORMS,
  RITA,
  RITA_DM,
  RUNBOOK_ID,
  SIGNING_SECRET,
  TARGET,
  WORKFLOW_ID,
  answers,
  appLines,
  dataDir,
  engine,
  ephemeralsOf,
  expired,
  plantedWorkflowId,
  printed,
  responseUrls,
  result,
  runtimeLines,
  sink,
  slack,
  startError,
  step,
  useSlackHygieneRun,
  workerLines,
} from '../support/slack-hygiene-run';
import { textOf } from '../support/slack-message-text';

useSlackHygieneRun();

/** Every form of the bot token, the signing secret, each response URL and its unguessable part. */
function slackSecretForms(): SecretForm[] {
  const named: Array<[string, string]> = [
    ['slack bot token', BOT_TOKEN],
    ['slack signing secret', SIGNING_SECRET],
  ];
  responseUrls.forEach((url, index) => {
    named.push([`response url #${index + 1}`, url]);
    named.push([`response url #${index + 1} (its path)`, new URL(url).pathname]);
  });
  const others = loadedSecretValues().filter((value) => !named.some(([, known]) => known === value));
  named.push(...others.map((value, index): [string, string] => [`other loaded secret #${index + 1}`, value]));
  return secretForms(named);
}

const leaks = (text: string) => leaksIn(text, slackSecretForms());
const allLogs = () => [...workerLines, ...appLines, ...runtimeLines, ...printed].join('');

describe('the run went through Slack and used every secret', () => {
  test('requests signed with the signing secret were answered; a forged and an altered one got 401', () => {
    expect(Object.fromEntries(Object.entries(answers).map(([what, answer]) => [what, answer.status]))).toEqual({
      forged: 401,
      altered: 401,
      help: 200,
      start: 200,
      submission: 200,
      alice: 200,
      bob: 200,
      event: 200,
      status: 200,
    });
    // Nine response URLs, all different: two refused commands, help, start, the submission, three clicks, status.
    expect(responseUrls).toHaveLength(9);
    expect(new Set(responseUrls).size).toBe(responseUrls.length);
  });

  test('started from the form as Rita, approved by two clicks (Bob through the Slack user group), completed by the event button', () => {
    expect(result.status).toBe('completed');
    expect(result.state).toMatchObject({ requestedBy: RITA, incidentId: INCIDENT_ID, mode: 'tabletop', runbook: { id: RUNBOOK_ID } });
    const gate = step(result.state, 'approve').approval!;
    expect(gate.outcome).toBe('approved');
    expect(gate.decisions).toEqual([
      expect.objectContaining({ actor: ALICE, person: 'alice', via: 'slack', decision: 'approve' }),
      expect.objectContaining({ actor: BOB, person: 'bob', via: 'slack', decision: 'approve' }),
    ]);
    expect(step(result.state, 'confirm')).toMatchObject({ status: 'succeeded', actor: BOB });
    expect(slack.callsOf('usergroups.users.list').map((call) => call.params.usergroup)).toContain(ONCALL_USERGROUP);
  });

  test('every Slack Web API call carried the bot token, in the Authorization header', () => {
    const methods = new Set(slack.calls.map((call) => call.method));
    for (const method of ['auth.test', 'chat.postMessage', 'chat.update', 'views.open', 'chat.postEphemeral', 'usergroups.users.list']) expect(methods).toContain(method);
    expect(slack.calls.filter((call) => call.token !== BOT_TOKEN || call.status !== 200).map((call) => call.method)).toEqual([]);
    // Only Bolt's token check at start passes the token as an argument, which the WebClient sends
    // in the form body as well as in the header (to Slack itself; its debug log masks the field).
    const inBody = slack.calls.filter((call) => 'token' in call.params);
    expect(inBody.map((call) => [call.method, call.params.token === BOT_TOKEN])).toEqual([
      ['auth.test', true],
      ['auth.test', true],
    ]);
  });

  test('the echoing answers were met: the first app instance did not start, the gate waited for a second user group read, the reply came as a direct message', () => {
    expect(startError).toBeInstanceOf(SlackAppStartError);
    expect(slack.callsOf('auth.test').map((call) => call.response.ok)).toEqual([false, true]);
    expect(slack.callsOf('usergroups.users.list').map((call) => call.response.ok)).toEqual([false, true]);
    expect(slack.callsOf('chat.postEphemeral')[0].response.ok).toBe(false);
    expect(textOf(slack.messages(RITA_DM.id)[0]) || slack.messages(RITA_DM.id)[0].text).toContain(`Started *Slack hygiene gate* for incident \`${INCIDENT_ID}\``);
  });

  test('the response URLs were used: help answered through its own, the expired one made the app answer from the bot', () => {
    expect(sink.postsTo(responseUrls[2]).map((post) => post.body.response_type)).toEqual(['ephemeral']);
    expect(expired.hits).toEqual([new URL(responseUrls.at(-1)!).pathname]);
    expect(ephemeralsOf(RITA).at(-1)).toMatchObject({ channel: GENERAL.id, text: expect.stringContaining('Slack hygiene gate') });
  });
});

describe('no bot token, signing secret or response URL reached the history or the logs', () => {
  test('the scan knows every secret loaded, and finds each in any of its forms', () => {
    // Exactly the two values the connectors file references: nothing else was loaded as a secret.
    expect([...loadedSecretValues()].sort()).toEqual([BOT_TOKEN, SIGNING_SECRET].sort());
    const forms = slackSecretForms();
    // Raw, base64 at three alignments and (for the URLs and their paths) URL-encoded.
    expect(forms).toHaveLength(2 * 4 + 9 * 5 + 9 * 5);
    for (const form of forms) expect({ label: form.label, found: leaks(`…${form.text}…`).includes(form.label) }).toEqual({ label: form.label, found: true });
    // Base64 of a longer text holding a secret is found whatever the secret's offset in it.
    for (const prefix of ['', 'a', 'ab']) {
      const encoded = Buffer.from(`Authorization: Bearer ${prefix}${BOT_TOKEN}!`).toString('base64');
      expect(leaks(encoded).some((label) => label.startsWith('slack bot token (base64'))).toBe(true);
    }
    expect(leaks(`x=${encodeURIComponent(`{"response_url":"${responseUrls[0]}"}`)}`)).toContain('response url #1 (url-encoded)');
  });

  test('a value planted for real is found by the same scan: in the decoded history of its run and in the captured logs, in each form', async () => {
    const labels = PLANTED_FORMS.map((form) => form.label);
    expect(labels).toEqual([
      'planted response url',
      'planted response url (url-encoded)',
      'planted response url (base64)',
      'planted response url (base64, offset +1)',
      'planted response url (base64, offset +2)',
    ]);
    expect(leaksIn(await historyText(engine.client, plantedWorkflowId), PLANTED_FORMS)).toEqual(labels);
    // The publisher's chat.postMessage, logged at debug by the worker's WebClient, carried it.
    expect(leaksIn(workerLines.join(''), PLANTED_FORMS)).toEqual(labels);
    // And nowhere in the run under test, which never saw it.
    expect(leaksIn(await historyText(engine.client, WORKFLOW_ID), PLANTED_FORMS)).toEqual([]);
  });

  test('the history of the run started from Slack holds no secret, but the run\'s facts and the scrubbed failure', async () => {
    const history = await historyText(engine.client, WORKFLOW_ID);
    expect(leaks(history)).toEqual([]);
    // The scan read real content: inputs, requester, the Slack message, the clicked decisions, and
    // the failed user group read (the last failure of the activity that then succeeded).
    expect(
      missing(history, [
        TARGET,
        INCIDENT_ID,
        RITA,
        ALICE,
        BOB,
        INCIDENT.id,
        result.state.slack!.ts,
        '"via":"slack"',
        'vendor-deletion-confirmed',
        `usergroups.users.list ${ONCALL_USERGROUP}: Slack refused the request: internal_error (Authorization: Bearer [secret])`,
      ]),
    ).toEqual([]);
  });

  test('the app that could not start says why without the token (worker/main.ts prints this message as is)', () => {
    const message = (startError as Error).message;
    expect(leaks(message)).toEqual([]);
    expect(message).toContain('invalid_auth (Authorization: Bearer [secret])');
  });

  test('the worker, Slack app and SDK logs at debug, and anything printed, hold no secret, but the run\'s facts', () => {
    expect(leaks(allLogs())).toEqual([]);
    expect(workerLines.length).toBeGreaterThan(20);
    expect(appLines.length).toBeGreaterThan(20);
    expect(runtimeLines.length).toBeGreaterThan(0);
    // The lowest levels were captured: the WebClients' debug lines, with request bodies and headers.
    expect(
      missing(workerLines.join(''), [
        "apiCall('usergroups.users.list') start",
        "apiCall('chat.postMessage') start",
        "apiCall('chat.update') start",
        'http request headers',
        'root message posted',
        WORKFLOW_ID,
        // The echo, scrubbed: in the WebClient's debug line of the answer and in the retried failure.
        '"error\\":\\"internal_error (Authorization: Bearer [secret])',
      ]),
    ).toEqual([]);
    expect(
      missing(appLines.join(''), [
        '"level":20',
        "apiCall('auth.test') start",
        "apiCall('views.open') start",
        "apiCall('chat.postEphemeral') start",
        'http request body',
        'run started from Slack',
        'response URL refused the reply; answering from the bot instead',
        'ephemeral reply failed; sending a direct message instead',
        'not_in_channel (token=[secret])',
        WORKFLOW_ID,
      ]),
    ).toEqual([]);
    expect(missing(printed.join(''), ['printed-output capture is on'])).toEqual([]);
  });

  test('nothing the worker keeps on disk (the Slack delivery record) holds a secret', () => {
    const files = fs
      .readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .map((name) => path.join(dataDir, name))
      .filter((file) => fs.statSync(file).isFile());
    expect(files.map((file) => path.basename(file))).toEqual(['slack-surface-sent.jsonl']);
    const kept = files.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    expect(leaks(kept)).toEqual([]);
    expect(missing(kept, [WORKFLOW_ID, result.state.slack!.ts])).toEqual([]);
  });

  test('what went out to Slack (message bodies, views) and to the response URLs carries no secret', () => {
    // The token field of auth.test (above) is the bot token sent to Slack to be checked: left out.
    const bodies = slack.calls.map(({ params: { token: _token, ...params } }) => JSON.stringify(params));
    const sent = [...bodies, ...sink.posts.map((post) => JSON.stringify(post.body))].join('\n');
    expect(leaks(sent)).toEqual([]);
    expect(missing(sent, [WORKFLOW_ID, TARGET, CallbackId.startRun])).toEqual([]);
  });
});
