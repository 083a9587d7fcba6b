/**
 * Drill scenarios load like runbooks: the shipped ones without a single error, and every broken
 * fixture under test/fixtures/broken-scenarios (one mistake each) with exactly the errors its
 * `# expect: line:col: text` comments state, no more.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRunbookError, loadRunbookDirectory, type RunbookError } from '../../runbooks/load';
import type { Runbook } from '../../runbooks/schema';
import { loadScenarioFile, loadScenarioText, scenarioFilesIn } from '../../runbooks/scenarios/load';
import { INJECT_KINDS, injectKind } from '../../runbooks/scenarios/schema';

const repoRoot = join(__dirname, '..', '..');
const runbooksDir = join(repoRoot, 'runbooks');
const brokenDir = join(repoRoot, 'test', 'fixtures', 'broken-scenarios');

let runbooks: Map<string, Runbook>;

beforeAll(async () => {
  const loaded = await loadRunbookDirectory(runbooksDir);
  expect(loaded.errors).toEqual([]);
  runbooks = new Map(loaded.runbooks.map((entry) => [entry.runbook.id, entry.runbook]));
});

describe('shipped drill scenarios', () => {
  it('has one per shipped runbook plus the vendor-offboarding exercise', async () => {
    const names = (await scenarioFilesIn(runbooksDir)).map((file) => file.slice(file.lastIndexOf('/') + 1));
    expect(names).toEqual(['credential-compromise.drill.yaml', 'offboarding.drill.yaml', 'vendor-breach.drill.yaml', 'vendor-offboarding.drill.yaml']);
  });

  it('all load cleanly, each drilling a shipped runbook with several kinds of inject', async () => {
    const drilled = new Set<string>();
    for (const file of await scenarioFilesIn(runbooksDir)) {
      const result = loadScenarioFile(file, runbooks);
      expect({ file, errors: result.ok ? [] : result.errors.map(formatRunbookError) }).toEqual({ file, errors: [] });
      if (!result.ok) continue;
      drilled.add(result.scenario.runbook);
      expect(new Set(result.scenario.injects.map(injectKind)).size).toBeGreaterThanOrEqual(3);
    }
    expect([...drilled].sort()).toEqual([...runbooks.keys()].sort());
  });

  it('credential-compromise uses every kind of inject', () => {
    const result = loadScenarioFile(join(runbooksDir, 'drills', 'credential-compromise.drill.yaml'), runbooks);
    if (!result.ok) throw new Error(result.errors.map(formatRunbookError).join('\n'));
    expect(new Set(result.scenario.injects.map(injectKind))).toEqual(new Set(INJECT_KINDS));
  });

  it('vendor-offboarding practises a vendor exit with the offboarding runbook', () => {
    const result = loadScenarioFile(join(runbooksDir, 'drills', 'vendor-offboarding.drill.yaml'), runbooks);
    if (!result.ok) throw new Error(result.errors.map(formatRunbookError).join('\n'));
    expect(result.scenario).toMatchObject({ runbook: 'offboarding', inputs: { kind: 'vendor' } });
  });
});

interface Expectation {
  line: number;
  col: number;
  text: string;
}

function expectationsOf(file: string): Expectation[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = /^# expect: (\d+):(\d+): (.+)$/.exec(line);
      return match ? [{ line: Number(match[1]), col: Number(match[2]), text: match[3] }] : [];
    });
}

const matches = (error: RunbookError, expectation: Expectation): boolean =>
  error.line === expectation.line && error.col === expectation.col && error.message.includes(expectation.text);

const brokenFiles = readdirSync(brokenDir).filter((name) => name.endsWith('.drill.yaml')).sort();

describe('broken drill scenarios', () => {
  it('has a fixture for each check', () => {
    expect(brokenFiles.length).toBeGreaterThanOrEqual(20);
  });

  it.each(brokenFiles)('%s', (name) => {
    const file = join(brokenDir, name);
    const expectations = expectationsOf(file);
    expect(expectations.length).toBeGreaterThan(0);
    const result = loadScenarioFile(file, runbooks);
    const errors = result.ok ? [] : result.errors;
    const shown = errors.map(formatRunbookError).join('\n');
    for (const expectation of expectations) {
      expect({ expectation, found: errors.some((error) => matches(error, expectation)), errors: shown }).toMatchObject({ found: true });
    }
    for (const error of errors) {
      expect({ unexpected: formatRunbookError(error), found: expectations.some((expectation) => matches(error, expectation)) }).toMatchObject({ found: true });
      expect(error.file).toBe(file);
    }
  });
});

describe('scenario text', () => {
  it('reports YAML syntax errors at their position, like runbooks', () => {
    const result = loadScenarioText('scenario: x\nversion: [1\n', 'inline.drill.yaml', runbooks);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ file: 'inline.drill.yaml', message: expect.stringContaining('YAML syntax') });
  });

  it('refuses a document that is not a mapping', () => {
    const result = loadScenarioText('- just a list\n', 'list.drill.yaml', runbooks);
    expect(result.ok ? [] : result.errors.map(formatRunbookError)).toEqual([expect.stringContaining('list.drill.yaml:1:1: a scenario must be a YAML mapping')]);
  });
});
