/**
 * The Slack app's pure parts, without Slack or Temporal: the `/quell` parser, the start form for
 * every input type (and reading it back through the same validation every surface uses), and who
 * App Home offers a gate to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApprovalGateState, RunState } from '../../common/run-state';
import type { Runbook } from '../../runbooks/schema';
import { parseQuellCommand } from '../../slack/command-text';
import { mayDecide } from '../../slack/home-view';
import { buildStartModal, readStartSubmission } from '../../slack/start-modal';
import { loadTestRunbook } from '../support/runbooks';
import { field } from '../support/slack-requests';

describe('/quell text', () => {
  test.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['  START   credential-compromise  ', { kind: 'start', runbook: 'credential-compromise', tabletop: false }],
    ['start credential-compromise tabletop', { kind: 'start', runbook: 'credential-compromise', tabletop: true }],
    ['start credential-compromise --tabletop', { kind: 'start', runbook: 'credential-compromise', tabletop: true }],
    ['status', { kind: 'status' }],
    ['status INC-42', { kind: 'status', run: 'INC-42' }],
    ['list', { kind: 'list' }],
    ['cancel quell:offboarding:INC-7 wrong  person,  sorry', { kind: 'cancel', run: 'quell:offboarding:INC-7', reason: 'wrong  person,  sorry' }],
    ['cancel quell:offboarding:INC-7', { kind: 'cancel', run: 'quell:offboarding:INC-7' }],
    ['strat x', { kind: 'unknown', word: 'strat', suggestion: 'start' }],
    ['lsit', { kind: 'unknown', word: 'lsit', suggestion: 'list' }],
    ['offboarding', { kind: 'unknown', word: 'offboarding' }],
  ])('%j', (text, expected) => {
    expect(parseQuellCommand(text)).toEqual(expected);
  });

  test.each([
    ['start', 'which runbook?'],
    ['start Credential_Compromise', 'runbook ids are lower-case kebab-case'],
    ['start a b c', 'inputs are entered in the form that opens'],
    ['list all', 'list takes no arguments'],
    ['cancel "quell:x"', 'run ids look like'],
    [`cancel quell:x:y ${'z'.repeat(2001)}`, 'the reason is longer than 2000 characters'],
    ['x'.repeat(4001), 'the command is longer than 4000 characters'],
  ])('%j is a usage error', (text, problem) => {
    const parsed = parseQuellCommand(text);
    expect(parsed.kind).toBe('usage');
    expect(parsed).toMatchObject({ problem: expect.stringContaining(problem) });
  });
});

describe('the start form for every input type', () => {
  let runbook: Runbook;
  const SHA = 'a'.repeat(64);
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-forms-'));
    const file = path.join(dir, 'every-input.yaml');
    fs.writeFileSync(
      file,
      [
        'id: every-input',
        'version: 3',
        'title: Every input type',
        'description: Inputs of each kind',
        'severity: medium',
        'inputs:',
        '  user: { type: string, required: true, pattern: "^[a-z]+$", description: Who }',
        '  region: { type: string, enum: [eu, us], default: eu }',
        '  hours: { type: number, default: 4 }',
        '  level: { type: number, enum: [1, 2, 3] }',
        '  delete_user: { type: boolean, default: true }',
        '  notify: { type: boolean }',
        '  systems: { type: list, items: string, enum: [aws, github, scim], default: [aws] }',
        '  ports: { type: list, items: number }',
        'steps:',
        '  - id: task',
        '    manual: { task: "Check ${{ inputs.user }}" }',
        '',
      ].join('\n'),
    );
    runbook = (await loadTestRunbook(file)).runbook;
  });

  const blockOf = (id: string) => buildStartModal(runbook, { sha256: SHA }).blocks.find((block) => block.block_id === id) as unknown as Record<string, unknown>;

  test('each type gets its element, defaults pre-filled', () => {
    expect(blockOf('quell.input.user')).toMatchObject({ optional: false, hint: { text: 'Who' }, element: { type: 'plain_text_input' } });
    expect(blockOf('quell.input.region')).toMatchObject({ optional: true, element: { type: 'static_select', initial_option: { value: 'eu' } } });
    expect(blockOf('quell.input.hours')).toMatchObject({ element: { type: 'number_input', is_decimal_allowed: true, initial_value: '4' } });
    expect(blockOf('quell.input.level')).toMatchObject({ element: { type: 'static_select', options: [{ value: '1' }, { value: '2' }, { value: '3' }] } });
    expect(blockOf('quell.input.delete_user')).toMatchObject({ optional: true, element: { type: 'checkboxes', initial_options: [{ value: 'true' }] } });
    expect(blockOf('quell.input.notify')).not.toHaveProperty('element.initial_options');
    expect(blockOf('quell.input.systems')).toMatchObject({ element: { type: 'multi_static_select', initial_options: [{ value: 'aws' }] } });
    expect(blockOf('quell.input.ports')).toMatchObject({ hint: { text: 'One item per line.' }, element: { type: 'plain_text_input', multiline: true } });
    const modal = buildStartModal(runbook, { sha256: SHA, channelId: 'C0GENERAL01', tabletop: true });
    expect(JSON.parse(modal.private_metadata!)).toEqual({ r: 'every-input', h: SHA, c: 'C0GENERAL01' });
    expect(modal.blocks.length).toBe(12);
  });

  test('a submission reads back typed values; problems are named on their fields', () => {
    const good = readStartSubmission(runbook, {
      'quell.input.user': field.text(' alice '),
      'quell.input.region': field.select('us'),
      'quell.input.hours': field.number('1.5'),
      'quell.input.level': field.select('2'),
      'quell.input.delete_user': field.checkboxes([]),
      'quell.input.notify': field.checkboxes(['true']),
      'quell.input.systems': field.multiSelect(['github', 'scim']),
      'quell.input.ports': field.text('443\n\n8443\n'),
      'quell.incident': field.text('INC-9'),
      'quell.mode': field.checkboxes(['tabletop']),
    });
    expect(good).toEqual({
      ok: true,
      tabletop: true,
      incidentId: 'INC-9',
      inputs: { user: 'alice', region: 'us', hours: '1.5', level: '2', delete_user: false, notify: true, systems: ['github', 'scim'], ports: ['443', '8443'] },
    });

    const bad = readStartSubmission(runbook, {
      'quell.input.user': field.text('Alice'),
      'quell.input.ports': field.text('443\nhttps'),
      'quell.input.hours': field.number('many'),
      'quell.incident': field.text('-bad'),
    });
    expect(bad).toEqual({
      ok: false,
      errors: {
        'quell.input.user': '"Alice" does not match the pattern ^[a-z]+$',
        'quell.input.ports': 'Item 2: must be a number, got "https"',
        'quell.input.hours': 'Must be a number, got "many"',
        'quell.incident': "Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
      },
    });
  });
});

describe('who App Home offers a gate to', () => {
  const run = { requestedBy: 'U0RITA' } as RunState;
  const gate = (extra: Partial<ApprovalGateState>): ApprovalGateState => ({
    approverGroups: ['security-oncall'],
    quorum: 2,
    summary: 's',
    summarySha256: 'a'.repeat(64),
    deadline: '2030-01-01T00:00:00.000Z',
    decisions: [],
    escalated: false,
    ...extra,
  });
  const eligible = [
    { person: 'alice', slack: 'U0ALICE', identities: ['slack:U0ALICE', 'cli:alice'], groups: ['security-oncall'] },
    { person: 'bob', identities: ['slack:U0BOB'], groups: ['security-oncall'] },
  ];

  test('enforced: the eligible, by Slack id or identity, until they have decided (from any surface)', () => {
    const enforced = gate({ policy: 'enforced', eligible });
    expect(mayDecide('U0ALICE', run, enforced)).toBe(true);
    expect(mayDecide('U0BOB', run, enforced)).toBe(true);
    expect(mayDecide('U0MALLORY', run, enforced)).toBe(false);
    const decided = gate({ policy: 'enforced', eligible, decisions: [{ actor: 'alice', person: 'alice', via: 'cli', decision: 'approve', at: '2030-01-01T00:00:00.000Z' }] });
    expect(mayDecide('U0ALICE', run, decided)).toBe(false);
  });

  test('open: anyone but the requester; before the policy is known (or in old runs) shown to all but the requester', () => {
    expect(mayDecide('U0MALLORY', run, gate({ policy: 'open' }))).toBe(true);
    expect(mayDecide('U0RITA', run, gate({ policy: 'open' }))).toBe(false);
    expect(mayDecide('U0MALLORY', run, gate({}))).toBe(true);
  });
});
