/**
 * Hostile input in the two configuration files (issue 11), table-driven: each row is a file
 * someone careless or hostile could write, and asserts that it is refused with a message naming
 * the field (or the limit), at its file:line:col, within a time bound, and without echoing a
 * planted credential. Then the run-time half of the URL-credential class: a URL with userinfo that
 * reaches an HTTP client anyway (built by code, or by an older Quell) leaves no trace of the
 * password in the failure or the log.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { formatApproversError, loadApproversFile, loadApproversText } from '../../activities/approvers/approvers-file';
import { approvalProblems } from '../../activities/approvers/readiness';
import { createResolveApproversActivity } from '../../activities/approvers/resolve';
import { HttpSource } from '../../activities/evidence/sources/http-source';
import { requestJson } from '../../activities/identity/http-json';
import { formatConnectorsError, loadConnectorsFile, loadConnectorsText } from '../../activities/live/config-file';
import { withoutSecrets } from '../../activities/live/failures';
import { Secret } from '../../activities/live/secret';
import { postDeletionRequest } from '../../activities/vendor/http-channel';
import type { ConfigFileError } from '../../activities/yaml-config-file';
import { redactUrlCredentials } from '../../common/url-credentials';
import { createLogger } from '../../worker/logger';
import { plantSecret } from '../support/planted-secrets';
import { leaksIn, secretForms } from '../support/secret-scan';

const PASSWORD = plantSecret(`pw-${randomBytes(8).toString('hex')}`, 'password in a connectors-file URL');
const TOKEN = plantSecret(`tok-${randomBytes(8).toString('hex')}`, 'token as URL userinfo');
const LEAK_FORMS = secretForms([
  ['url password', PASSWORD],
  ['url token', TOKEN],
]);

/** Bounds: generous for a loaded CI machine, yet far below what the old code took (minutes, or forever). */
const FAST_MS = 1_000;
const PARSE_100K_MS = 8_000;

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-config-hostile-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

type Which = 'connectors' | 'approvers';

interface Refusal {
  errors: ConfigFileError[];
  elapsedMs: number;
}

/** Loads a file from disk as the worker does (secrets resolved from `env`), timing it. */
function loadFile(which: Which, file: string, env: NodeJS.ProcessEnv = {}): Refusal {
  const started = performance.now();
  const result = which === 'connectors' ? loadConnectorsFile(file, env) : loadApproversFile(file, { slackConfigured: true });
  const elapsedMs = performance.now() - started;
  if (result.ok) throw new Error(`expected ${path.basename(file)} to be refused`);
  return { errors: result.errors, elapsedMs };
}

function writeFile(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; col: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

function expectRefusal(refusal: Refusal, expected: { message: RegExp; at?: { line: number; col: number }; file?: string; boundMs?: number }): void {
  const [first] = refusal.errors;
  const printed = refusal.errors.map((error) => (error.file ? formatConnectorsError(error) : formatApproversError(error))).join('\n');
  expect(first.message).toMatch(expected.message);
  if (expected.at) expect({ line: first.line, col: first.col }).toEqual(expected.at);
  if (expected.file) expect(first.file).toBe(expected.file);
  expect(refusal.elapsedMs).toBeLessThan(expected.boundMs ?? FAST_MS);
  expect(leaksIn(printed, LEAK_FORMS)).toEqual([]);
  for (const error of refusal.errors) {
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.col).toBeGreaterThanOrEqual(1);
  }
}

describe('URLs with credentials in the connectors file', () => {
  const fields: Array<{ field: string; advice: RegExp; text: (url: string) => string }> = [
    { field: 'aws.endpoint', advice: /access_key_id and secret_access_key: \{ env/, text: (url) => `version: 1\naws:\n  region: eu-west-1\n  endpoint: ${url}\n` },
    { field: 'openbao.address', advice: /token: \{ env/, text: (url) => `version: 1\nopenbao:\n  address: ${url}\n  token: { env: BAO_TOKEN }\n` },
    { field: 'github.api_url', advice: /token: \{ env/, text: (url) => `version: 1\ngithub:\n  api_url: ${url}\n  token: { env: GH_TOKEN }\n  org: acme\n` },
    { field: 'scim.base_url', advice: /token: \{ env/, text: (url) => `version: 1\nscim:\n  base_url: ${url}\n  token: { env: SCIM_TOKEN }\n` },
    { field: 'slack.api_url', advice: /bot_token: \{ env/, text: (url) => `version: 1\nslack:\n  bot_token: { env: SLACK_TOKEN }\n  channel: C0INCIDENT1\n  api_url: ${url}\n` },
    { field: 'evidence.sources.http.url', advice: /token: \{ env.*Authorization: Bearer/, text: (url) => `version: 1\nevidence:\n  sources:\n    http:\n      url: ${url}\n` },
    {
      field: 'vendors.globex.url',
      advice: /HMAC signature.*hmac_secret: \{ env/,
      text: (url) => `version: 1\nvendors:\n  globex: { channel: http, name: Globex, url: ${url}, hmac_secret: { env: GLOBEX_KEY } }\n`,
    },
  ];
  const forms: Array<[string, string]> = [
    ['user and password', `"https://admin:${PASSWORD}@api.vendor.example/v1/delete"`],
    ['token as user name', `"https://${TOKEN}@api.vendor.example/"`],
    ['percent-encoded password', `"https://admin:${encodeURIComponent(`${PASSWORD}@#`)}@api.vendor.example:8443/x"`],
    ['wrong scheme, with credentials', `"ftp://admin:${PASSWORD}@files.vendor.example/"`],
  ];
  const rows = fields.flatMap(({ field, advice, text }) => forms.map(([form, url]) => ({ field, advice, form, url, text: text(url) })));

  it.each(rows)('$field, $form: refused at the value, naming the field and the secret field to use', ({ field, advice, url, text }) => {
    const file = writeFile('connectors-url.yaml', text);
    const refusal = loadFile('connectors', file);
    expect(refusal.errors).toHaveLength(1);
    expectRefusal(refusal, {
      message: new RegExp(`^${field.replace(/\./g, '\\.')} must not contain credentials \\("user:password@" or "token@" before the host\\)`),
      at: positionOf(text, url),
      file,
    });
    expect(refusal.errors[0].message).toMatch(advice);
  });

  it('the same URLs without credentials load (the refusal is about userinfo, not URLs)', () => {
    for (const { text } of fields) {
      const result = loadConnectorsText(text('"https://api.vendor.example:8443/v1/delete"'), '/etc/quell/connectors.yaml', {}, { resolveSecrets: false });
      if (!result.ok) throw new Error(result.errors.map(formatConnectorsError).join('\n'));
    }
  });
});

describe('hostile connectors files', () => {
  const rows: Array<{ name: string; text: () => string; message: RegExp; at?: (text: string) => { line: number; col: number }; boundMs?: number }> = [
    {
      name: '__proto__ as a vendor id',
      text: () => 'version: 1\nvendors:\n  __proto__: { channel: email, name: Evil, email: evil@example.com }\n',
      message: /key "__proto__" is not allowed/,
      at: (text) => positionOf(text, '__proto__'),
    },
    {
      name: 'toString as a vendor id (ids are lowercase)',
      text: () => 'version: 1\nvendors:\n  toString: { channel: email, name: Evil, email: evil@example.com }\n',
      message: /vendor ids are lowercase kebab-case/,
      at: (text) => positionOf(text, 'toString'),
    },
    {
      name: '100,000 vendors (~8 MB): refused by size, unread',
      text: () =>
        `version: 1\nvendors:\n${Array.from({ length: 100_000 }, (_, i) => `  vendor-${i}: { channel: email, name: Vendor number ${i}, email: privacy-${i}@vendor.example }\n`).join('')}`,
      message: /^cannot read connectors file: file is too large: [\d,]+ bytes where the limit is 1 MiB/,
      at: () => ({ line: 1, col: 1 }),
    },
    {
      name: '60,000 short vendors (under the size limit): refused at the first entry past a limit',
      text: () => `version: 1\nvendors:\n${Array.from({ length: 60_000 }, (_, i) => `  v${i}: {}\n`).join('')}`,
      message: /60,000 entries where the limit is 2,000 entries/,
      at: (text) => ({ line: positionOf(text, '  v2000:').line, col: 3 }),
      boundMs: PARSE_100K_MS,
    },
    {
      name: '1,001 vendors: refused at the 1,001st, naming the connectors-file limit',
      text: () => `version: 1\nvendors:\n${Array.from({ length: 1_001 }, (_, i) => `  v${i}: { channel: email, name: V${i}, email: v${i}@vendor.example }\n`).join('')}`,
      message: /^vendors has too many entries: 1,001 entries where the limit is 1,000 entries \(entries in one section of the connectors file/,
      at: (text) => ({ line: positionOf(text, '  v1000:').line, col: 3 }),
    },
    {
      name: 'an alias bomb: refused at its first alias',
      text: () =>
        [
          'version: 1',
          'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
          ...Array.from({ length: 8 }, (_, level) => `${String.fromCharCode(98 + level)}: &${String.fromCharCode(98 + level)} [${Array(9).fill(`*${String.fromCharCode(97 + level)}`).join(', ')}]`),
          '',
        ].join('\n'),
      message: /alias/i,
      at: (text) => positionOf(text, '*a'),
    },
    {
      name: 'nesting 40 levels deep',
      text: () => `version: 1\nvendors:\n  deep: ${'['.repeat(40)}x${']'.repeat(40)}\n`,
      message: /nested too deeply/,
    },
    {
      name: 'a vendor name with a right-to-left override',
      text: () => 'version: 1\nvendors:\n  acme: { channel: email, name: "Acme \\u202Egnp.exe", email: privacy@acme.example }\n',
      message: /^vendors\.acme\.name contains U\+202E \(right-to-left override\)/,
      at: (text) => positionOf(text, '"Acme'),
    },
    {
      name: "a URL with credentials as a secret's file path (later messages would quote it, mangled past redaction)",
      text: () => `version: 1\nopenbao:\n  address: http://127.0.0.1:8200\n  token: { file: "https://root:${PASSWORD}@bao.example/token" }\n`,
      message: /^openbao\.token\.file must not contain credentials .*give the token as token: \{ env/,
      at: (text) => positionOf(text, '"https'),
    },
    {
      name: 'a URL with credentials pasted into a name',
      text: () => `version: 1\nvendors:\n  acme: { channel: email, name: "Acme https://${TOKEN}@portal.acme.example", email: privacy@acme.example }\n`,
      message: /^vendors\.acme\.name must not contain credentials/,
      at: (text) => positionOf(text, '"Acme'),
    },
    {
      name: 'a 20,000-character name',
      text: () => `version: 1\naws:\n  region: ${'r'.repeat(20_000)}\n`,
      message: /^aws\.region is too long: 20,000 characters where the limit is 16,384 characters/,
      at: (text) => positionOf(text, 'rrr'),
    },
  ];

  it.each(rows)('$name', ({ text: make, message, at, boundMs }) => {
    const text = make();
    const file = writeFile('connectors-hostile.yaml', text);
    expectRefusal(loadFile('connectors', file), { message, ...(at ? { at: at(text) } : {}), file, ...(boundMs ? { boundMs } : {}) });
  });

  it('a 60 MB file is refused from its size, without being read', () => {
    const file = path.join(work, 'huge.yaml');
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 60 * 1024 * 1024);
    for (const which of ['connectors', 'approvers'] as const) {
      expectRefusal(loadFile(which, file), {
        message: new RegExp(`^cannot read ${which} file: file is too large: 62,914,560 bytes where the limit is 1 MiB`),
        at: { line: 1, col: 1 },
        file,
        boundMs: 500,
      });
    }
  });

  it('constructor is a vendor id like any other', () => {
    const result = loadConnectorsText('version: 1\nvendors:\n  constructor: { channel: email, name: C, email: c@vendor.example }\n', '/etc/quell/connectors.yaml', {});
    if (!result.ok) throw new Error(result.errors.map(formatConnectorsError).join('\n'));
    expect(Object.keys(result.config.vendors ?? {})).toEqual(['constructor']);
    expect(result.config.vendors?.constructor).toMatchObject({ channel: 'email', email: 'c@vendor.example' });
  });
});

describe('hostile secret references', () => {
  const text = (reference: string) => `version: 1\nopenbao:\n  address: http://127.0.0.1:8200\n  token: { file: ${reference} }\n`;
  const rows: Array<{ name: string; make: () => string; reason: RegExp }> = [
    {
      name: 'a FIFO nobody writes to',
      make: () => {
        const fifo = path.join(work, `fifo-${randomBytes(4).toString('hex')}`);
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
      reason: /is not a regular file \(a pipe, socket or device would block reading\)/,
    },
    { name: 'a character device', make: () => '/dev/zero', reason: /is not a regular file/ },
    {
      name: 'a directory',
      make: () => fs.mkdtempSync(path.join(work, 'secret-dir-')),
      reason: /is a directory, not a file/,
    },
    {
      name: 'a secret file over 64 KiB',
      make: () => writeFile('huge-secret', 'x'.repeat(100 * 1024)),
      reason: /file is too large: 102,400 bytes where the limit is 64 KiB/,
    },
  ];

  it.each(rows)('$name: refused fast, naming the field and the file', ({ make, reason }) => {
    const secretFile = make();
    const body = text(secretFile);
    const file = writeFile('connectors-secret.yaml', body);
    const refusal = loadFile('connectors', file);
    expectRefusal(refusal, {
      message: new RegExp(`^openbao\\.token: cannot read secret file ${secretFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${reason.source}`),
      at: positionOf(body, '{ file:'),
      file,
      boundMs: 2_000,
    });
  });
});

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

describe('a URL with credentials that reaches a client at run time', () => {
  const credentialUrl = `http://admin:${PASSWORD}@127.0.0.1:9/v1/delete`;

  /** Everything a failure would put in a history or a log: message, stack, details, causes. */
  function everything(error: unknown): string {
    const parts: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current instanceof Error && depth < 6; depth += 1) {
      parts.push(current.message, current.stack ?? '', JSON.stringify((current as { details?: unknown }).details ?? null));
      current = (current as { cause?: unknown }).cause;
    }
    return parts.join('\n');
  }

  const clients: Array<[string, () => Promise<unknown>]> = [
    [
      'the HTTP evidence source',
      async () => {
        const source = new HttpSource({ url: credentialUrl, format: 'json' });
        const [artifact] = await source.plan({ params: { query: 'q' }, window: { start: new Date(0), end: new Date(1000) } } as never);
        return artifact.open();
      },
    ],
    [
      'a vendor deletion request',
      () =>
        postDeletionRequest(
          { connector: 'vendor:globex', url: credentialUrl, hmacSecret: new Secret('k'.repeat(16), 'env:K') },
          {
            reference: 'ref-1',
            vendorId: 'globex',
            vendorName: 'Globex',
            dataCategories: [],
            legalBasis: 'contract',
            incident: 'INC-1',
            workflowId: 'quell:x:INC-1',
            dueDate: '2030-01-01',
            requestedAt: '2029-12-01T00:00:00Z',
          },
        ),
    ],
    ['a JSON API request (OpenBao, GitHub, SCIM)', () => requestJson({ connector: 'scim', operation: `GET ${credentialUrl}` }, { url: credentialUrl })],
  ];

  it.each(clients)('%s fails with no trace of the password', async (_name, call) => {
    const failure = await call().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(everything(failure)).toContain('[redacted]@127.0.0.1');
    expect(leaksIn(everything(failure), LEAK_FORMS)).toEqual([]);
  });

  it('an unclassified error quoting the URL is scrubbed before Temporal records it, and in the log', () => {
    const raw = new TypeError(`Request cannot be constructed from a URL that includes credentials: ${credentialUrl}`, {
      cause: new Error(`connect ECONNREFUSED for ${credentialUrl}`),
    });
    const scrubbed = withoutSecrets(raw) as Error;
    expect(scrubbed.name).toBe('TypeError');
    expect(leaksIn(everything(scrubbed), LEAK_FORMS)).toEqual([]);

    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    createLogger({ logLevel: 'info' }, sink).warn({ err: raw, url: credentialUrl }, `request to ${credentialUrl} failed`);
    expect(lines.join('')).toContain('[redacted]@127.0.0.1');
    expect(leaksIn(lines.join(''), LEAK_FORMS)).toEqual([]);
  });

  it('redaction covers the spellings a URL reaches text in, and leaves other text alone', () => {
    expect(redactUrlCredentials(`see https://bob:${PASSWORD}@h.example/x and ssh://${TOKEN}@git.example`)).toBe('see https://[redacted]@h.example/x and ssh://[redacted]@git.example');
    expect(redactUrlCredentials(`{"url":"https:\\/\\/bob:${PASSWORD}@h.example\\/x"}`)).toBe('{"url":"https:\\/\\/[redacted]@h.example\\/x"}');
    expect(redactUrlCredentials(`next=${encodeURIComponent(`https://bob:${PASSWORD}@h.example/p`)}&x=1`)).toBe('next=https%3A%2F%2F[redacted]%40h.example%2Fp&x=1');
    expect(redactUrlCredentials(`https://a:${PASSWORD}@b@host.example:80/p`)).toBe('https://[redacted]@host.example:80/p');
    expect(redactUrlCredentials('mail bob@example.com about https://host.example/a@b')).toBe('mail bob@example.com about https://host.example/a@b');
    const started = performance.now();
    redactUrlCredentials(`${'://'.repeat(300_000)}${'a'.repeat(1_000_000)}`);
    expect(performance.now() - started).toBeLessThan(FAST_MS);
  });
});
