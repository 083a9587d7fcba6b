/**
 * What the test/integration/slack-publishing*.test.ts files share: the fake Slack Web API
 * (fake-slack-api.ts) with the incident channel, and the worker's Slack surface built from a
 * connectors file exactly as `npm start` builds it (the bot token by reference).
 *
 * `useSlackForPublishing()` starts the fake Slack and a scratch folder before the calling file's
 * tests and removes them after; `slack` and `work` are set in between (read them inside tests or
 * hooks only). Jest loads this module once per test file, so each file has its own Slack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSlackSurface, type SlackSurface } from '../../activities/slack-surface';
import { loadConnectorsFile } from '../../connectors/connectors-file';
import { startFakeSlackApi, type FakeSlackApi, type SlackMessage } from './fake-slack-api';
import { plantSecret } from './planted-secrets';
import { runLogger } from './temporal';

export const TOKEN = plantSecret('xoxb-slack-publishing-test-0123456789', 'slack bot token');
export const CHANNEL = { id: 'C0INCIDENT9', name: 'incident-response' };
export const GATE = 'test/fixtures/runbooks/two-person-gate.yaml';

export let slack: FakeSlackApi;
export let work: string;

/** The connectors file's Slack section, loaded like production's (token by reference). */
export function slackSettings(name: string, token = TOKEN) {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, ['version: 1', 'slack:', '  bot_token: { env: PUBLISHING_SLACK_TOKEN }', `  channel: ${CHANNEL.id}`, `  api_url: ${slack.apiUrl}`, ''].join('\n'));
  const loaded = loadConnectorsFile(file, { PUBLISHING_SLACK_TOKEN: token });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config.slack;
}

/** The worker's Slack surface, built as `npm start` builds it. */
export function slackSurface(name: string, token = TOKEN): SlackSurface {
  const surface = buildSlackSurface(slackSettings(name, token), path.join(work, `${name}-data`), runLogger('logger'));
  if (!surface) throw new Error('no Slack surface built');
  return surface;
}

/** Writes a runbook for one test (fixtures stay untouched). */
export function runbookFile(name: string, yaml: string): string {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, yaml);
  return file;
}

export const partOf = (message: SlackMessage) => message.metadata?.event_payload?.part;
export const deliveryIdOf = (message: SlackMessage) => message.metadata?.event_payload?.delivery_id;
export const message = (ts: string) => slack.messages(CHANNEL.id).find((candidate) => candidate.ts === ts);
export const rootsOf = (workflowId: string) =>
  slack.messages(CHANNEL.id).filter((m) => !m.thread_ts && m.metadata?.event_payload?.workflow_id === workflowId && partOf(m) === 'root');

export function useSlackForPublishing(): void {
  beforeAll(async () => {
    slack = await startFakeSlackApi({ token: TOKEN, channels: [CHANNEL] });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-slack-publishing-'));
  });

  afterAll(async () => {
    await slack?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
}
