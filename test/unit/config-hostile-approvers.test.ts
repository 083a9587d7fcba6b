/**
 * Hostile input in the approvers file (issue 11), table-driven: each row is a file someone
 * careless or hostile could write, and asserts that it is refused with a message naming the field
 * (or the limit), at its file:line:col, within a time bound, and without echoing a planted
 * credential; then names that are Object.prototype members stay plain names.
 * The connectors file is config-hostile-connectors.test.ts.
 */
import { formatApproversError, loadApproversText } from '../../config/approvers-file';
import { approvalProblems } from '../../activities/approvers/readiness';
import { createResolveApproversActivity } from '../../activities/approvers/resolve';
import { FAST_MS, PARSE_100K_MS, PASSWORD, expectRefusal, loadFile, positionOf, useConfigWorkDir, writeFile } from '../support/config-refusals';

useConfigWorkDir();

describe('hostile approvers files', () => {
  const rows: Array<{ name: string; text: () => string; message: RegExp; at?: (text: string) => { line: number; col: number }; boundMs?: number }> = [
    {
      name: 'a person named __proto__',
      text: () => 'version: 1\npeople:\n  __proto__: { cli: mallory }\ngroups:\n  oncall: { people: [__proto__] }\n',
      message: /key "__proto__" is not allowed/,
      at: (text) => positionOf(text, '__proto__'),
    },
    {
      name: 'a group named __proto__',
      text: () => 'version: 1\npeople:\n  alice: { cli: alice }\ngroups:\n  __proto__: { people: [alice] }\n',
      message: /key "__proto__" is not allowed/,
      at: (text) => positionOf(text, '__proto__'),
    },
    {
      name: 'a member named __proto__ (names start with a letter or digit)',
      text: () => 'version: 1\npeople:\n  alice: { cli: alice }\ngroups:\n  oncall: { people: [alice, __proto__] }\n',
      message: /a person is named with letters, digits/,
      at: (text) => positionOf(text, '__proto__'),
    },
    {
      name: 'toString as a member nobody defined',
      text: () => 'version: 1\npeople:\n  alice: { cli: alice }\ngroups:\n  oncall: { people: [alice, toString] }\n',
      message: /^person "toString" is not defined under people/,
      at: (text) => positionOf(text, 'toString'),
    },
    {
      name: '100,000 people (~2.4 MB): refused by size, unread',
      text: () => `version: 1\npeople:\n${Array.from({ length: 100_000 }, (_, i) => `  p${i}: {cli: c${i}}\n`).join('')}groups:\n  g: {people: [p1]}\n`,
      message: /^cannot read approvers file: file is too large: [\d,]+ bytes where the limit is 1 MiB/,
      at: () => ({ line: 1, col: 1 }),
    },
    {
      name: '40,000 people (under the size limit): refused at the first entry past a limit',
      text: () => `version: 1\npeople:\n${Array.from({ length: 40_000 }, (_, i) => `  p${i}: {cli: c${i}}\n`).join('')}groups:\n  g: {people: [p1]}\n`,
      message: /40,000 entries where the limit is 2,000 entries/,
      at: (text) => ({ line: positionOf(text, '  p2000:').line, col: 3 }),
      boundMs: PARSE_100K_MS,
    },
    {
      name: '1,001 groups: refused at the 1,001st, naming the groups limit',
      text: () => `version: 1\npeople:\n  alice: { cli: alice }\ngroups:\n${Array.from({ length: 1_001 }, (_, i) => `  g${i}: { people: [alice] }\n`).join('')}`,
      message: /^groups has too many entries: 1,001 entries where the limit is 1,000 entries \(approver groups in the approvers file\)/,
      at: (text) => ({ line: positionOf(text, '  g1000:').line, col: 3 }),
    },
    {
      name: 'a group of 3,000 members',
      text: () => `version: 1\npeople:\n  alice: { cli: alice }\ngroups:\n  big: { people: [${Array.from({ length: 3_000 }, () => 'alice').join(', ')}] }\n`,
      message: /3,000 entries where the limit is 2,000 entries/,
    },
    {
      name: 'an alias bomb',
      text: () =>
        [
          'version: 1',
          'groups:',
          '  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
          ...Array.from({ length: 8 }, (_, level) => `  ${String.fromCharCode(98 + level)}: &${String.fromCharCode(98 + level)} [${Array(9).fill(`*${String.fromCharCode(97 + level)}`).join(', ')}]`),
          '',
        ].join('\n'),
      message: /alias/i,
      at: (text) => positionOf(text, '*a'),
    },
    {
      name: 'nesting 40 levels deep',
      text: () => `version: 1\ngroups:\n  deep: ${'{a: '.repeat(40)}x${'}'.repeat(40)}\n`,
      message: /nested too deeply/,
    },
    ...[
      ['a right-to-left override', 'al\\u202Eice', /contains U\+202E \(right-to-left override\)/],
      ['a zero-width space', 'al\\u200Bice', /contains U\+200B \(zero-width space\)/],
      ['a line feed', 'alice\\nbob approved', /contains U\+000A \(line feed\)/],
      ['an ANSI escape', '\\e[31malice', /contains U\+001B \(escape \(ANSI\)\)/],
    ].map(([what, escaped, message]) => ({
      name: `a cli identity with ${what as string}`,
      text: () => `version: 1\npeople:\n  alice: { cli: "${escaped as string}" }\ngroups:\n  oncall: { people: [alice] }\n`,
      message: new RegExp(`^people\\.alice\\.cli ${(message as RegExp).source}`),
      at: (text: string) => positionOf(text, `"${escaped as string}"`),
    })),
    {
      name: 'an api identity that is a URL with credentials',
      text: () => `version: 1\npeople:\n  bot: { api: "https://bot:${PASSWORD}@api.example/" }\ngroups:\n  oncall: { people: [bot] }\n`,
      message: /^people\.bot\.api must not contain credentials .*holds no secrets/,
      at: (text) => positionOf(text, '"https'),
    },
    {
      name: 'an api identity of 300 characters',
      text: () => `version: 1\npeople:\n  bot: { api: ${'b'.repeat(300)} }\ngroups:\n  oncall: { people: [bot] }\n`,
      message: /^people\.bot\.api is too long: 300 characters where the limit is 200 characters/,
      at: (text) => positionOf(text, 'bbb'),
    },
    {
      name: 'a membership cache beyond the duration limit',
      text: () => 'version: 1\npeople:\n  alice: { cli: alice }\ngroups:\n  oncall: { people: [alice] }\nmembership_cache: 400d\n',
      message: /"400d" is too long: durations may be at most 366 days/,
      at: (text) => positionOf(text, '400d'),
    },
  ];

  it.each(rows)('$name', ({ text: make, message, at, boundMs }) => {
    const text = make();
    const file = writeFile('approvers-hostile.yaml', text);
    expectRefusal(loadFile('approvers', file), { message, ...(at ? { at: at(text) } : {}), file, ...(boundMs ? { boundMs } : {}) });
  });

  it('a file with 2,000 wrong members lists 50 problems and counts the rest, fast', () => {
    const text = `version: 1\npeople:\n  alice: { cli: alice }\ngroups:\n  big: { people: [${Array.from({ length: 2_000 }, (_, i) => `ghost${i}`).join(', ')}] }\n`;
    const refusal = loadFile('approvers', writeFile('approvers-ghosts.yaml', text));
    expect(refusal.errors).toHaveLength(51);
    expect(refusal.errors[50].message).toBe('1950 more problems from here on are not listed: fix the ones above first');
    expect(refusal.elapsedMs).toBeLessThan(FAST_MS);
  });

  it('constructor, toString, valueOf and hasOwnProperty are plain names, never Object.prototype members', async () => {
    const text = [
      'version: 1',
      'people:',
      '  constructor: { cli: con }',
      '  hasOwnProperty: { cli: has }',
      'groups:',
      '  constructor: { people: [constructor, hasOwnProperty] }',
      '  toString: { people: [hasOwnProperty] }',
    ].join('\n');
    const loaded = loadApproversText(text, '/etc/quell/approvers.yaml');
    if (!loaded.ok) throw new Error(loaded.errors.map(formatApproversError).join('\n'));
    const resolve = createResolveApproversActivity({ config: loaded.config });
    const resolution = await resolve({ groups: ['constructor', 'toString', 'valueOf', '__proto__'] });
    if (resolution.policy !== 'enforced') throw new Error('expected the enforced policy');
    expect(resolution.groups).toEqual([
      { group: 'constructor', defined: true, members: ['constructor', 'hasOwnProperty'], slackUsergroups: [] },
      { group: 'toString', defined: true, members: ['hasOwnProperty'], slackUsergroups: [] },
      { group: 'valueOf', defined: false, members: [], slackUsergroups: [] },
      { group: '__proto__', defined: false, members: [], slackUsergroups: [] },
    ]);
    const problems = approvalProblems({ actions: [], requirements: [], approvals: [{ stepId: 'gate', groups: ['constructor', 'valueOf', 'hasOwnProperty'] }] }, loaded.config);
    expect(problems.map((problem) => problem.problem)).toEqual([
      'approver group valueOf is not defined in /etc/quell/approvers.yaml',
      'approver group hasOwnProperty is not defined in /etc/quell/approvers.yaml',
    ]);
  });
});
