/**
 * The Slack app (Bolt, HTTP receiver on loopback; test/support/slack-app-rig.ts) receiving requests
 * signed exactly as Slack signs them, talking to the fake Slack Web API and to a real worker:
 * - forged, stale and altered requests get 401 and do nothing;
 * - unknown sub-commands and bad arguments get a helpful ephemeral reply;
 * - status, list, cancel (with and without a reason), App Home;
 * - at debug level the logs hold no token, signing secret or response URL.
 *
 * Starting runs from the modal: slack-app-start.test.ts; clicks on a two-person gate:
 * slack-app-gates.test.ts.
 */
import { Writable } from 'node:stream';
import type { RunResult } from '../../common/run-state';
import { createSlackApp } from '../../slack/app';
import { ActionId, CallbackId } from '../../slack/blocks/interaction-ids';
import { createLogger } from '../../worker/logger';
import { eventually } from '../support/eventually';
import { teeToRunLog } from '../support/run-logs';
import { waitForState } from '../support/run-driver';
import {
  ALICE,
  GATE,
  GENERAL,
  MALLORY,
  RITA,
  SECRET,
  TOKEN,
  appDeps,
  ask,
  command,
  engine,
  ephemeralsOf,
  nextEphemeral,
  pause,
  published,
  replyTo,
  requester,
  sink,
  slack,
  state,
  step,
  useSlackAppRig,
} from '../support/slack-app-rig';
import { buttonsOf } from '../support/slack-message-text';
import { SlackRequester, eventCallback, field, homeClick, slashCommand, viewSubmission } from '../support/slack-requests';

useSlackAppRig();

describe('request verification', () => {
  test('a bad signature, a timestamp more than five minutes old or ahead and an altered body get 401 and do nothing', async () => {
    const responseUrl = sink.url();
    const fields = slashCommand({ text: 'help', user: RITA, channel: GENERAL.id, responseUrl });
    const forged = await requester.command(fields, { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    const stale = await requester.command(fields, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(401);
    // Correctly signed, but for the future: Bolt alone would accept it (it checks only old ones).
    const future = await requester.command(fields, { timestamp: Math.floor(Date.now() / 1000) + 301 });
    expect(future.status).toBe(401);
    const altered = await requester.command(fields, { tamper: (body) => body.replace('text=help', 'text=list') });
    expect(altered.status).toBe(401);
    const unsigned = await fetch(requester.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    expect(unsigned.status).toBe(401);
    await pause(300);
    expect(sink.postsTo(responseUrl)).toEqual([]);

    // The same command, signed now with the right secret, is answered.
    const ok = await requester.command(fields);
    expect(ok.status).toBe(200);
    expect(String((await replyTo(responseUrl)).text)).toContain('*Quell* runs incident-response runbooks');
  });
});

describe('/quell: help, unknown sub-commands and bad arguments', () => {
  test('help lists the sub-commands and the runbooks', async () => {
    const text = await ask('help');
    for (const usage of ['/quell start <runbook> [tabletop]', '/quell status', '/quell list', '/quell cancel <run id> [reason…]']) expect(text).toContain(usage);
    expect(text).toContain('`credential-compromise`');
  });

  test('an unknown sub-command is answered with the closest one, a runbook id with how to start it', async () => {
    const typo = await ask('stauts');
    expect(typo).toContain('`stauts` is not a Quell command. Did you mean `/quell status`?');
    expect(typo).toContain('/quell start <runbook>');
    expect(await ask('credential-compromise')).toContain('To start a runbook: `/quell start credential-compromise`');
    expect(await ask('start credential-compromize')).toContain('There is no runbook `credential-compromize`. Did you mean `/quell start credential-compromise`?');
  });

  test('bad arguments get the usage', async () => {
    expect(await ask('start')).toContain('which runbook?\nUsage: `/quell start <runbook> [tabletop]`');
    expect(await ask('start credential-compromise now')).toContain('the only option after the runbook is "tabletop"');
    expect(await ask('cancel')).toContain('Usage: `/quell cancel <run id> [reason…]`');
    expect(await ask('status a b')).toContain('status takes one run id or incident id');
    expect(await ask('status no/such')).toContain('run ids look like quell:credential-compromise:INC-42');
    expect(await ask('status quell:nope:INC-0')).toContain('no run quell:nope:INC-0');
  });
});

describe('status, list, cancel and App Home', () => {
  let id: string;
  beforeAll(async () => {
    id = await engine.start(GATE, { target: '192.0.2.62' }, { requester: RITA, requestedVia: 'slack' });
    await waitForState(() => state(id), (s) => step(s, 'approve').approval?.policy === 'enforced');
  });

  test('status shows the run; list and a bare status (the requester’s own runs) include it', async () => {
    const status = await ask(`status ${id}`);
    expect(status).toContain('*Two-person gate*');
    expect(status).toContain('*running*');
    expect(status).toContain(`requested by <@${RITA}>`);
    expect(status).toContain(':hourglass_flowing_sand: approve: waiting (0 of 2 approvals from security-oncall');
    expect(await eventually('list to show the run', async () => ((await ask('list')).includes(id) ? true : undefined))).toBe(true);
    expect(await eventually('status to show my runs', async () => ((await ask('status')).includes(id) ? true : undefined))).toBe(true);
    expect(await ask('status', MALLORY)).toContain('You have no open runs.');
  });

  test('App Home lists the gates the person may decide; a click there decides and refreshes Home', async () => {
    const homeOf = async (user: string) => {
      const count = published.length;
      expect((await requester.event(eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' }))).status).toBe(200);
      return eventually(`Home for ${user}`, () => published.slice(count).find((entry) => entry.user === user));
    };
    const buttonsIn = (view: Record<string, unknown>) => buttonsOf(view as { blocks?: unknown[] });
    const alice = await eventually('the gate on Alice’s Home', async () => {
      const home = await homeOf(ALICE);
      return buttonsIn(home.view).some((button) => button.value?.includes(id)) ? home : undefined;
    });
    expect(JSON.stringify(alice.view)).toContain('Block 192.0.2.62');
    const approveButton = buttonsIn(alice.view).find((button) => button.action_id === ActionId.approve && button.value?.includes(id))!;
    expect(JSON.parse(approveButton.value!)).toEqual({ w: id, s: 'approve', h: step(await state(id), 'approve').approval!.summarySha256 });
    // Not an approver, or the requester: nothing of this run to decide.
    for (const user of [MALLORY, RITA]) expect(buttonsIn((await homeOf(user)).view).some((button) => button.action_id === ActionId.approve && button.value?.includes(id))).toBe(false);

    const count = published.length;
    await requester.interaction(homeClick({ user: ALICE, viewId: `VHOME${ALICE}`, button: approveButton }));
    const refreshed = await eventually('Home refreshed with the outcome', () => published.slice(count).find((entry) => entry.user === ALICE));
    expect(JSON.stringify(refreshed.view)).toContain('You approved *approve*');
    expect(step(await state(id), 'approve').approval!.decisions).toEqual([expect.objectContaining({ actor: ALICE, via: 'slack' })]);
    expect(buttonsIn(refreshed.view).some((button) => button.action_id === ActionId.approve && button.value?.includes(id))).toBe(false);
  });

  test('cancel: refused for someone who may not, asks for a reason when none is given, and cancels', async () => {
    expect(await ask(`cancel ${id} not my run`, MALLORY)).toContain(`${MALLORY} (mallory) may not cancel this run: only its requester (rita) or a member of security-oncall may`);
    expect((await state(id)).status).toBe('running');

    const { triggerId } = await command(`cancel ${id}`);
    const modal = await eventually('the cancel modal', () => slack.views.find((view) => view.trigger_id === triggerId));
    expect(modal.view).toMatchObject({ callback_id: CallbackId.cancelReason, submit: { text: 'Cancel the run' } });
    const seen = ephemeralsOf(RITA).length;
    await requester.interaction(viewSubmission({ user: RITA, view: { ...modal.view, id: modal.id }, values: { 'quell.reason': field.text('Drill over') } }));
    expect((await nextEphemeral(RITA, seen)).text).toContain(`Cancelling \`${id}\`: “Drill over”`);
    const result = (await engine.client.workflow.getHandle(id).result()) as RunResult;
    expect(result.status).toBe('cancelled');
    expect(result.state.cancel).toMatchObject({ actor: RITA, via: 'slack', reason: 'Drill over', person: 'rita' });
  });
});

describe('logs', () => {
  test('at debug level, with Bolt logging whole request bodies, no token, signing secret or response URL is written', async () => {
    let written = '';
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ logLevel: 'debug' }, teeToRunLog('debug', capture));
    const chatty = createSlackApp(appDeps({ logger }));
    const { url } = await chatty.start();
    try {
      const chattyRequester = new SlackRequester(url!, SECRET);
      const responseUrl = sink.url();
      await chattyRequester.command(slashCommand({ text: 'start credential-compromise', user: RITA, channel: GENERAL.id, responseUrl }));
      await chattyRequester.command(slashCommand({ text: 'nonsense', user: RITA, channel: GENERAL.id, responseUrl }));
      await chattyRequester.command(slashCommand({ text: 'help', user: RITA, channel: GENERAL.id, responseUrl: sink.url() }), { secret: 'forged' });
      await eventually('the reply', () => sink.postsTo(responseUrl)[0]);
      await pause(300);
    } finally {
      await chatty.stop();
    }
    expect(written).toContain('"level":20');
    expect(written).toContain('views.open');
    for (const secret of [TOKEN, SECRET, responseUrlPath(sink.posts.at(-1)!.id)]) expect(written).not.toContain(secret);
    expect(written).toContain('[REDACTED]');
  });
});

/** The unguessable part of a response URL. */
function responseUrlPath(id: string): string {
  return `/commands/${id}`;
}
