/**
 * The loader's error messages are the user-facing contract: every fixture under
 * test/fixtures/broken-runbooks holds one mistake and states, in `# expect: line:col: text`
 * comments, exactly where the error must point and what it must say. Valid runbooks (the shipped
 * ones and our own all-features fixture) must load without a single error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatRunbookError, loadRunbookFile, type RunbookError } from '../../runbooks/load';

const repoRoot = join(__dirname, '..', '..');
const brokenDir = join(repoRoot, 'test', 'fixtures', 'broken-runbooks');

interface Expectation {
  line: number;
  col: number;
  text: string;
}

function expectationsOf(file: string): Expectation[] {
  const expectations: Expectation[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^# expect: (\d+):(\d+): (.+)$/.exec(line);
    if (match) expectations.push({ line: Number(match[1]), col: Number(match[2]), text: match[3] });
  }
  return expectations;
}

const matches = (error: RunbookError, expectation: Expectation): boolean =>
  error.line === expectation.line && error.col === expectation.col && error.message.includes(expectation.text);

const brokenFiles = readdirSync(brokenDir)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

describe('broken runbooks', () => {
  it('has a fixture for each kind of mistake', () => {
    expect(brokenFiles.length).toBeGreaterThanOrEqual(14);
  });

  it.each(brokenFiles)('%s', async (name) => {
    const file = join(brokenDir, name);
    const expectations = expectationsOf(file);
    expect(expectations.length).toBeGreaterThan(0);

    const result = await loadRunbookFile(file);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    const shown = errors.map(formatRunbookError).join('\n');

    // Every expectation is met, and every error is expected: no noise for the reader.
    for (const expectation of expectations) {
      expect({ expectation, found: errors.some((error) => matches(error, expectation)), errors: shown }).toMatchObject({ found: true });
    }
    for (const error of errors) {
      expect({ unexpected: formatRunbookError(error), found: expectations.some((expectation) => matches(error, expectation)) }).toMatchObject({ found: true });
    }
    for (const error of errors) expect(error.file).toBe(file);
  });
});

const validFiles = [
  join(repoRoot, 'test', 'fixtures', 'valid-runbook.yaml'),
  ...readdirSync(join(repoRoot, 'runbooks'))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(repoRoot, 'runbooks', name)),
];

describe('valid runbooks load cleanly', () => {
  it.each(validFiles.map((file) => relative(repoRoot, file)))('%s', async (name) => {
    const result = await loadRunbookFile(join(repoRoot, name));
    expect(result.ok ? [] : result.errors.map(formatRunbookError)).toEqual([]);
    if (result.ok) expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
