/**
 * The approvers file: strict schema, cross-checks between people and groups, errors at
 * file:line:col, durations in the runbook syntax; and the approval half of the live-readiness check.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatApproversError, loadApproversFile, loadApproversText, type ApproversLoadOptions } from '../../config/approvers-file';
import { approvalProblems } from '../../activities/approvers/readiness';
import { describeReadinessProblems } from '../../activities/live-readiness';
import { loadRunbookText } from '../../runbooks/load';
import { ConfigError, loadConfig } from '../../config/environment';
import { requiredActions } from '../../workflows/required-actions';

const FILE = '/etc/quell/approvers.yaml';

function errorsOf(text: string, options: ApproversLoadOptions = {}): string[] {
  const result = loadApproversText(text, FILE, options);
  if (result.ok) throw new Error('expected the file to be refused');
  return result.errors.map(formatApproversError);
}

const GOOD = [
  'version: 1',
  'people:',
  '  alice: { slack: U0ALICE, cli: alice }',
  '  bob:   { slack: U0BOB }',
  '  carol: { cli: carol, api: carol-bot }',
  'groups:',
  '  security-oncall: { people: [alice, bob], slack_usergroups: [S0ONCALL] }',
  '  security-leads:  { people: [carol] }',
  'membership_cache: 90s',
].join('\n');

describe('approvers file', () => {
  it('loads people, groups and durations', () => {
    const result = loadApproversText(GOOD, FILE);
    if (!result.ok) throw new Error(result.errors.map(formatApproversError).join('\n'));
    expect(result.config).toMatchObject({
      file: FILE,
      people: { alice: { slack: 'U0ALICE', cli: 'alice' }, bob: { slack: 'U0BOB' }, carol: { cli: 'carol', api: 'carol-bot' } },
      groups: {
        'security-oncall': { people: ['alice', 'bob'], slack_usergroups: ['S0ONCALL'] },
        'security-leads': { people: ['carol'], slack_usergroups: [] },
      },
      membershipCacheMs: 90_000,
      membershipRefreshMs: 300_000,
      usesSlackUsergroups: true,
    });
  });

  it('reports every schema problem at its line and column', () => {
    const text = [
      'version: 1', //                                         1
      'people:', //                                            2
      '  alice: { slack: alice, cli: alice }', //              3: not a Slack user id
      '  bob: { phone: 555-0100 }', //                         4: unknown key, so no identity
      '  eve: {}', //                                          5: no identity
      'groups:', //                                            6
      '  oncall: { people: [alice], slack_usergroups: [oncall] }', // 7: a handle, not a group id
      '  empty: {}', //                                        8: no members
      'membership_cache: 1 minute', //                         9
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      `${FILE}:3:19: a Slack user id looks like U0123ABCD (Profile → ⋮ → Copy member ID); got "alice"`,
      `${FILE}:4:8: a person needs at least one identity: slack, cli or api`,
      `${FILE}:4:10: unknown key "phone"; allowed keys here: slack, cli, api, email`,
      `${FILE}:5:8: a person needs at least one identity: slack, cli or api`,
      `${FILE}:7:49: a Slack user group id looks like S0123ABCD (not the @handle); got "oncall"`,
      `${FILE}:8:10: a group needs members: people, slack_usergroups or both`,
      `${FILE}:9:19: "1 minute" is not a duration: write e.g. 30s, 15m, 1h30m, 7d (units ms, s, m, h, d, w)`,
    ]);
  });

  it('refuses unknown people in groups (with a suggestion) and identities claimed twice', () => {
    const text = [
      'version: 1',
      'people:',
      '  alice: { slack: U0ALICE, cli: alice }',
      '  alicia: { cli: ALICE }',
      'groups:',
      '  oncall: { people: [alice, alcie] }',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      `${FILE}:4:18: cli:ALICE is already alice's identity; an identity belongs to one person`,
      `${FILE}:6:29: person "alcie" is not defined under people (did you mean "alice"?)`,
    ]);
  });

  it('refuses Slack user groups when no Slack bot token is configured', () => {
    expect(errorsOf(GOOD, { slackConfigured: false })).toEqual([
      `${FILE}:7:62: Slack user groups are read with the Slack bot token, and none is configured: add a \`slack:\` section to the connectors file (QUELL_CONNECTORS_FILE)`,
    ]);
    expect(loadApproversText(GOOD, FILE, { slackConfigured: true }).ok).toBe(true);
  });

  it('reports YAML syntax errors, a wrong version and a missing file', () => {
    expect(errorsOf('version: 1\ngroups: { a: [\n')[0]).toMatch(/^\/etc\/quell\/approvers\.yaml:\d+:\d+: YAML: /);
    expect(errorsOf('version: 2\ngroups: {}\n')).toEqual([`${FILE}:1:10: version must be one of 1; got 2`]);
    const missing = path.join(os.tmpdir(), `quell-no-such-approvers-${process.pid}.yaml`);
    const result = loadApproversFile(missing);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map(formatApproversError)).toEqual([`${missing}:1:1: cannot read approvers file: file not found`]);
  });

  it('loads from disk, named by QUELL_APPROVERS_FILE', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-approvers-'));
    const file = path.join(dir, 'approvers.yaml');
    fs.writeFileSync(file, GOOD);
    expect(loadApproversFile(file).ok).toBe(true);
    expect(loadConfig({ QUELL_APPROVERS_FILE: file }).approversFile).toBe(file);
    expect(loadConfig({}).approversFile).toBeUndefined();
    expect(() => loadConfig({ QUELL_APPROVERS_FILE: path.join(dir, 'missing.yaml') })).toThrow(ConfigError);
    expect(() => loadConfig({ QUELL_APPROVERS_FILE: path.join(dir, 'missing.yaml') })).toThrow('QUELL_APPROVERS_FILE: file does not exist');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('live readiness of approval gates', () => {
  const loaded = loadRunbookText(
    [
      'id: gated',
      'version: 1',
      'title: Gated',
      'severity: low',
      'inputs:',
      '  skip: { type: boolean, default: false }',
      'steps:',
      '  - id: first',
      '    approval: { approvers: [security-oncall], timeout: 1h, on_timeout: escalate, escalate_to: [security-leads], summary: go }',
      '  - id: pair',
      '    parallel:',
      '      - id: second',
      '        approval: { approvers: [vendor-owners], timeout: 1h, summary: go }',
      '      - id: tell',
      '        action: notify',
      '        with: { message: hi }',
      '  - id: skipped',
      '    when: "${{ inputs.skip }}"',
      '    approval: { approvers: [ghosts], timeout: 1h, summary: go }',
    ].join('\n'),
    'gated.yaml',
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const request = requiredActions(loaded.runbook, { inputs: { skip: false }, run: {} });

  it('lists every gate the inputs do not rule out, with its groups', () => {
    expect(request.approvals).toEqual([
      { stepId: 'first', groups: ['security-oncall', 'security-leads'] },
      { stepId: 'second', groups: ['vendor-owners'] },
    ]);
  });

  it('needs an approvers file defining every group', () => {
    const none = approvalProblems(request, undefined);
    expect(none).toEqual([
      { stepId: 'first', action: 'approval', problem: 'approval gates need an approvers file and none is configured (QUELL_APPROVERS_FILE)' },
      { stepId: 'second', action: 'approval', problem: 'approval gates need an approvers file and none is configured (QUELL_APPROVERS_FILE)' },
    ]);
    expect(describeReadinessProblems(none)).toBe(
      'live run refused: approval gates need an approvers file and none is configured (QUELL_APPROVERS_FILE) (steps first, second). ' +
        'Fix the approvers file (QUELL_APPROVERS_FILE), or run the runbook as a tabletop exercise (--tabletop).',
    );

    const result = loadApproversText(GOOD, FILE);
    if (!result.ok) throw new Error('fixture');
    expect(approvalProblems(request, result.config)).toEqual([
      { stepId: 'second', action: 'approval', problem: `approver group vendor-owners is not defined in ${FILE}` },
    ]);
  });
});
