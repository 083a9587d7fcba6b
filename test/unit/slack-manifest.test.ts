/**
 * manifest.yml asks for exactly the scopes the code needs: every Slack Web API method Quell calls
 * is looked up in the table below (a method missing from it fails the test, so a new call cannot
 * ship without deciding its scope), and the manifest's bot scopes must equal what those methods
 * and the slash command need — no more, no less. Its URLs point at the path the app listens on,
 * and it subscribes to the events the app handles.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SUB_COMMANDS } from '../../slack/command-text';
import { COMMAND } from '../../slack/listeners/commands';
import { SLACK_EVENTS_PATH } from '../../config/slack-app';
import { REPO } from '../support/runbooks';

/** Bot scopes per Web API method (from Slack's method reference); [] means no scope needed. */
const SCOPES_BY_METHOD: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  // A link to a drill run's thread; Slack lists no scope for it.
  'chat.getPermalink': [],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  // Public and private incident channels.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'usergroups.users.list': ['usergroups:read'],
  'views.open': [],
  'views.publish': [],
};

const SOURCE_DIRS = ['activities', 'connectors', 'config', 'slack', 'worker', 'cli', 'client', 'workflows'];
const METHOD_CALL = /\bclient\.((?:admin|apps|auth|bookmarks|bots|calls|chat|conversations|dnd|emoji|files|pins|reactions|reminders|search|stars|team|usergroups|users|views|workflows)(?:\.[a-zA-Z]+)+)\(/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function calledMethods(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(path.join(REPO, dir))) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(METHOD_CALL)) {
        found.set(match[1], [...(found.get(match[1]) ?? []), path.relative(REPO, file)]);
      }
    }
  }
  return found;
}

const manifest = parse(fs.readFileSync(path.join(REPO, 'manifest.yml'), 'utf8')) as {
  features: { app_home: { home_tab_enabled: boolean }; slash_commands: Array<{ command: string; url: string; usage_hint: string }> };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
};

describe('manifest.yml', () => {
  test('the scan finds the calls it should (it would otherwise pass vacuously)', () => {
    const methods = calledMethods();
    for (const method of ['chat.postMessage', 'chat.update', 'usergroups.users.list', 'views.open']) expect(methods.has(method)).toBe(true);
  });

  test('every Slack method the code calls has a known scope; the bot scopes are exactly those, plus commands', () => {
    const methods = calledMethods();
    const unknown = [...methods.keys()].filter((method) => !(method in SCOPES_BY_METHOD)).map((method) => `${method} (${methods.get(method)!.join(', ')})`);
    expect(unknown).toEqual([]);
    const needed = new Set(['commands', ...[...methods.keys()].flatMap((method) => SCOPES_BY_METHOD[method])]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
    expect(manifest.oauth_config.scopes.user ?? []).toEqual([]);
  });

  test('the command, interactivity and events all reach the path the app listens on; the app handles what it subscribes to', () => {
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual([COMMAND]);
    const urls = [manifest.features.slash_commands[0].url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url];
    for (const url of urls) expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    // The hint Slack shows while typing offers every sub-command the app parses, drill included.
    const hint = manifest.features.slash_commands[0].usage_hint;
    expect(SUB_COMMANDS.filter((sub) => !new RegExp(`(^|\\| )${sub} `).test(`${hint} `))).toEqual([]);
    const handled = [...fs.readFileSync(path.join(REPO, 'slack', 'listeners', 'events', 'index.ts'), 'utf8').matchAll(/app\.event\('([a-z_]+)'/g)].map((m) => m[1]);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(handled.sort());
  });
});
