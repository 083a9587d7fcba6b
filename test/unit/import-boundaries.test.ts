/**
 * The boundary and no-cycle rules of eslint.config.mjs run in `npm test` (via `npm run lint`);
 * these cases show that they fail when broken: a file given an upward import, a cycle, an import
 * of test/, and the Slack app reaching past client/. Each case lints a real file with one import
 * added (ESLint's lintText in a child process: the configuration is an ES module, which Jest's
 * CommonJS runtime cannot load), so the configuration under test is exactly the committed one.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const LINT_TEXT = `
import { ESLint } from 'eslint';
const eslint = new ESLint({ cwd: process.env.LINT_CWD });
const [result] = await eslint.lintText(process.env.LINT_TEXT, { filePath: process.env.LINT_FILE });
process.stdout.write(JSON.stringify(result.messages));
`;

interface LintMessage {
  ruleId: string | null;
  message: string;
  fatal?: boolean;
}

/** Lints `file` as if `extraImport` were added at its top; returns the boundary/cycle messages. */
function lintWith(file: string, extraImport: string): LintMessage[] {
  const text = `${extraImport}\n${readFileSync(path.join(REPO, file), 'utf8')}`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', LINT_TEXT], {
    cwd: REPO,
    encoding: 'utf8',
    // Under CI=true typescript-eslint switches to "single run" mode, which parses files from disk
    // and would lint the file without the added import; the lint of the whole tree is unaffected.
    env: { ...process.env, TSESTREE_SINGLE_RUN: 'false', LINT_CWD: REPO, LINT_FILE: path.join(REPO, file), LINT_TEXT: text },
  });
  if (run.status !== 0) throw new Error(`eslint failed (${run.status}): ${run.stderr}`);
  const messages = JSON.parse(run.stdout) as LintMessage[];
  // A file ESLint could not parse yields no rule messages at all: that must fail, not pass quietly.
  const fatal = messages.find((m) => m.fatal === true || m.ruleId === null);
  if (fatal) throw new Error(`eslint could not lint ${file}: ${fatal.message}`);
  return messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths' || m.ruleId === 'import-x/no-cycle');
}

jest.setTimeout(120_000);

it('an untouched file passes (control)', () => {
  expect(lintWith('common/duration.ts', '')).toEqual([]);
});

it('an upward import fails: common/ importing activities/', () => {
  const messages = lintWith('common/duration.ts', "import '../activities/route-action';");
  expect(messages.map((m) => m.message).join('\n')).toMatch(/common\/ may not import activities\//);
});

it('a connector importing the engine above it fails', () => {
  const messages = lintWith('connectors/nftables/block-id.ts', "import '../../workflows/ids';");
  expect(messages.map((m) => m.message).join('\n')).toMatch(/connectors\/ may not import workflows\//);
});

it('the Slack app reaching activities/ past client/ fails', () => {
  const messages = lintWith('slack/dedupe.ts', "import '../activities/route-action';");
  expect(messages.map((m) => m.message).join('\n')).toMatch(/slack\/ (reaches|may not import) activities\//);
});

it('product code importing test/ fails', () => {
  const messages = lintWith('client/history.ts', "import '../test/support/eventually';");
  expect(messages.map((m) => m.message).join('\n')).toMatch(/client\/ may not import test\//);
});

it('a cycle fails: a module importing one that already imports it', () => {
  // connectors/aws/call.ts imports ./errors; errors importing ./call closes the loop.
  expect(readFileSync(path.join(REPO, 'connectors/aws/call.ts'), 'utf8')).toMatch(/from '\.\/errors'/);
  // A named import: the rule follows imports that bind something.
  const messages = lintWith('connectors/aws/errors.ts', "import { awsCall } from './call';\nexport const viaCall = awsCall;");
  expect(messages.some((m) => m.ruleId === 'import-x/no-cycle')).toBe(true);
});
