/**
 * Property test of the connectors and approvers file loaders over seeded mutations of the valid
 * files the tests use (test/fixtures/live/*-connectors.yaml, test/fixtures/config/*): structural
 * edits from test/support/runbook-mutants.ts (hostile keys such as `__proto__`, huge, deep and
 * control-character values, aliases, YAML noise) plus edits that write a URL with a planted
 * password into a value. Properties: a load never throws and stays under a time bound; it either
 * accepts, or every error has a non-empty message at a line and column that exist in the text;
 * no error message carries the planted password in any form, and nothing accepted holds a URL with
 * credentials. QUELL_FUZZ_SEED / QUELL_FUZZ_RUNS replay or widen a run (fast-check prints the seed).
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadApproversText } from '../../config/approvers-file';
import { loadConnectorsText, type ConnectorsConfig } from '../../connectors/connectors-file';
import type { ConfigFileError } from '../../config/yaml-config-file';
import { hasUrlCredentials } from '../../common/url-credentials';
import { fuzzSettings } from '../support/fuzz-settings';
import { plantSecret } from '../support/planted-secrets';
import { REPO } from '../support/runbooks';
import { PROTOTYPE_NAMES, runbookMutant } from '../support/runbook-mutants';
import { leaksIn, secretForms } from '../support/secret-scan';

const { seed, numRuns } = fuzzSettings('config-files', 2_000);
const CASE_TIME_BOUND_MS = 500;
const PASSWORD = plantSecret(`fz-${randomBytes(8).toString('hex')}`, 'password in fuzzed config URLs');
const LEAK_FORMS = secretForms([['planted url password', PASSWORD]]);

/** The environment the seeds' secret references name. */
const ENV: NodeJS.ProcessEnv = Object.fromEntries(
  ['FUZZ_AWS_ID', 'FUZZ_AWS_SECRET', 'FUZZ_BAO_TOKEN', 'FUZZ_GITHUB_TOKEN', 'FUZZ_SMTP_PASSWORD', 'FUZZ_SLACK_TOKEN', 'FUZZ_SLACK_SECRET', 'FUZZ_LOGS_TOKEN', 'FUZZ_GLOBEX_KEY', 'QUELL_TEST_AWS_ACCESS_KEY_ID', 'QUELL_TEST_AWS_SECRET_ACCESS_KEY'].map(
    (name) => [name, `value-of-${name.toLowerCase()}`],
  ),
);

interface Seed {
  name: string;
  text: string;
}

function seeds(): Seed[] {
  const read = (...parts: string[]) => fs.readFileSync(path.join(REPO, 'test', 'fixtures', ...parts), 'utf8');
  return [
    // The live tests fill in their placeholders; here they get values a real file would hold.
    { name: 'aws-connectors.yaml', text: read('live', 'aws-connectors.yaml').replace('MOTO_ENDPOINT', 'http://127.0.0.1:5000').replace('QUARANTINE_GROUP', 'sg-0123456789abcdef0') },
    { name: 'nftables-connectors.yaml', text: read('live', 'nftables-connectors.yaml').replace('TEST_TABLE', 'quell_test').replace('TEST_NETNS', 'quell-ns') },
    { name: 'connectors-full.yaml', text: read('config', 'connectors-full.yaml') },
    { name: 'approvers.yaml', text: read('config', 'approvers.yaml') },
  ];
}

/** How a credential can be written into a value: each a URL (or text) holding the password. */
const credentialUrl: fc.Arbitrary<string> = fc.constantFrom(
  `https://admin:${PASSWORD}@api.vendor.example/v1/delete`,
  `https://${PASSWORD}@api.github.example/`,
  `http://admin:${encodeURIComponent(`${PASSWORD}@:/`)}@127.0.0.1:8200`,
  `ftp://admin:${PASSWORD}@files.example/`,
  `https://admin:${PASSWORD}@very-long-host-name-so-that-a-cut-excerpt-ends-after-the-password.example/x`,
  `https://user:${PASSWORD}@${'h'.repeat(60)}.example/`,
  `see https://admin:${PASSWORD}@api.vendor.example/ for details`,
  `https://admin:${PASSWORD}@`,
);

/** Every [container, key] of a document whose value is a string: where a credential URL goes. */
function stringSlots(root: unknown): Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> {
  const found: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => (typeof item === 'string' ? found.push({ parent: value, key: index }) : walk(item)));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (typeof item === 'string') found.push({ parent: value as Record<string, unknown>, key });
        else walk(item);
      }
    }
  };
  walk(root);
  return found;
}

/** A seed with one to three string values replaced by a credential URL, sometimes also a key renamed to a prototype name. */
function credentialMutant(all: Seed[]): fc.Arbitrary<{ seed: string; text: string }> {
  return fc
    .record({
      seed: fc.nat({ max: all.length - 1 }),
      edits: fc.array(fc.record({ at: fc.nat(), url: credentialUrl }), { minLength: 1, maxLength: 3 }),
      prototypeKey: fc.option(fc.record({ at: fc.nat(), name: fc.constantFrom(...PROTOTYPE_NAMES) }), { nil: undefined }),
    })
    .map(({ seed, edits, prototypeKey }) => {
      const source = all[seed];
      const document: unknown = parse(source.text);
      for (const { at, url } of edits) {
        const slots = stringSlots(document);
        if (slots.length === 0) break;
        const { parent, key } = slots[at % slots.length];
        (parent as Record<string | number, unknown>)[key] = url;
      }
      if (prototypeKey) {
        const slots = stringSlots(document).filter((slot) => !Array.isArray(slot.parent));
        if (slots.length > 0) {
          const { parent, key } = slots[prototypeKey.at % slots.length] as { parent: Record<string, unknown>; key: string };
          Object.defineProperty(parent, prototypeKey.name, { value: parent[key], enumerable: true, writable: true, configurable: true });
          delete parent[key];
        }
      }
      const text = `# credential mutant of ${source.name}\n${stringify(document, { lineWidth: 0 })}`;
      return Object.assign({ seed: source.name, text }, { [fc.toStringMethod]: () => `credential mutant of ${source.name}: ${JSON.stringify(text.slice(0, 600))}` });
    });
}

/** Why an error's position or message is not acceptable, or undefined. */
function errorProblem(error: ConfigFileError, file: string, lines: string[]): string | undefined {
  if (error.file !== file) return `names file ${error.file}`;
  if (!Number.isInteger(error.line) || !Number.isInteger(error.col) || error.line < 1 || error.col < 1) return 'position is not 1-based';
  if (error.line > lines.length) return `line ${error.line} is past the end (${lines.length} lines)`;
  if (error.col > lines[error.line - 1].length + 1) return `col ${error.col} is past the end of line ${error.line}`;
  if (error.message.trim() === '') return 'empty message';
  const firstContent = lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#')) + 1;
  if (error.line === 1 && error.col === 1 && firstContent > 1) return 'points at 1:1, which holds no content';
  return undefined;
}

/** The URL-typed values of an accepted connectors file. */
function urlValues(config: ConnectorsConfig): string[] {
  return [
    config.aws?.endpoint,
    config.openbao?.address,
    config.github?.api_url,
    config.scim?.base_url,
    config.slack?.api_url,
    config.evidence?.sources.http?.url,
    ...Object.values(config.vendors ?? {}).map((vendor) => (vendor.channel === 'http' ? vendor.url : undefined)),
  ].filter((value): value is string => value !== undefined);
}

describe(`config files fuzz (seed ${seed}, ${numRuns} cases)`, () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-config-fuzz-'));
    fs.writeFileSync(path.join(work, 'scim-token'), 'scim-token-value-for-fuzz\n');
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('never throws, never hangs, locates every error, and never echoes a credential', () => {
    const all = seeds();
    const counts = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof({ weight: 3, arbitrary: runbookMutant(all) }, { weight: 1, arbitrary: credentialMutant(all) }), fc.boolean(), ({ seed: seedName, text }, slackConfigured) => {
        const approvers = seedName.startsWith('approvers');
        const file = path.join(work, approvers ? 'approvers.yaml' : 'connectors.yaml');
        const started = performance.now();
        const result = approvers ? loadApproversText(text, file, { slackConfigured }) : loadConnectorsText(text, file, ENV);
        const elapsed = performance.now() - started;
        if (elapsed > CASE_TIME_BOUND_MS) throw new Error(`loading took ${elapsed.toFixed(0)} ms`);
        if (result.ok) {
          counts.accepted += 1;
          if ('config' in result && !approvers) {
            const withCredentials = urlValues(result.config as ConnectorsConfig).filter(hasUrlCredentials);
            if (withCredentials.length > 0) throw new Error(`accepted ${withCredentials.length} URL(s) with credentials`);
          }
          return;
        }
        counts.refused += 1;
        if (result.errors.length === 0) throw new Error('refused without an error');
        const lines = text.split('\n');
        const leaks = leaksIn(result.errors.map((error) => error.message).join('\n'), LEAK_FORMS);
        if (leaks.length > 0) throw new Error(`an error message holds ${leaks.join(', ')}`);
        for (const error of result.errors) {
          const problem = errorProblem(error, file, lines);
          if (problem) {
            const saved = path.join(os.tmpdir(), 'quell-fuzz-config-failure.yaml');
            fs.writeFileSync(saved, text);
            throw new Error(`${problem}: ${error.line}:${error.col}: ${error.message.slice(0, 300)} (mutant saved to ${saved})`);
          }
        }
      }),
      { seed, numRuns },
    );
    console.log(`config files fuzz: seed ${seed}, ${numRuns} cases, ${counts.accepted} accepted, ${counts.refused} refused`);
    // A mutator that only ever produced broken files (or only valid ones) would test little.
    expect(counts.accepted).toBeGreaterThan(numRuns / 20);
    expect(counts.refused).toBeGreaterThan(numRuns / 4);
  });
});
