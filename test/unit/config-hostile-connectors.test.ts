/**
 * Hostile input in the connectors file (issue 11), table-driven: each row is a file someone
 * careless or hostile could write, and asserts that it is refused with a message naming the field
 * (or the limit), at its file:line:col, within a time bound, and without echoing a planted
 * credential: URLs with credentials in every URL field, hostile files, hostile secret references.
 * The approvers file is config-hostile-approvers.test.ts; credentials reaching a client at run
 * time, config-hostile-run-time.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatConnectorsError, loadConnectorsText } from '../../connectors/connectors-file';
import { PARSE_100K_MS, PASSWORD, TOKEN, expectRefusal, loadFile, positionOf, useConfigWorkDir, work, writeFile } from '../support/config-refusals';

useConfigWorkDir();

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
