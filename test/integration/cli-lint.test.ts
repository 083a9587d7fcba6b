/**
 * `quell lint` as users run it: the shipped runbooks pass with exit 0; every broken fixture yields
 * exactly its expected `file:line:col: message` lines (declared in the fixture's `# expect:`
 * comments) and exit 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runQuell, type CliEnvironment } from '../support/cli';
import { REPO } from '../support/runbooks';

// lint needs no server; the address only satisfies config validation.
const env: CliEnvironment = { address: '127.0.0.1:1', namespace: 'default', taskQueue: 'unused', dataDir: path.join(REPO, '.data') };
const BROKEN = path.join(REPO, 'test', 'fixtures', 'broken-runbooks');

describe('quell lint', () => {
  test('the shipped runbooks are clean', async () => {
    const files = fs.readdirSync(path.join(REPO, 'runbooks')).filter((name) => name.endsWith('.yaml')).map((name) => path.join('runbooks', name));
    expect(files).toHaveLength(3);
    const result = await runQuell(['lint', ...files.map((file) => path.join(REPO, file))], env);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toBe('3 runbooks OK');
  });

  test('each broken fixture is reported at its line and column, and lint exits 1', async () => {
    const fixtures = fs.readdirSync(BROKEN).filter((name) => name.endsWith('.yaml')).sort();
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
    const result = await runQuell(['lint', ...fixtures.map((name) => path.join(BROKEN, name))], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`quell: ${fixtures.length} errors in ${fixtures.length} runbooks`);

    const lines = result.stdout.split('\n');
    for (const name of fixtures) {
      const expectations = fs
        .readFileSync(path.join(BROKEN, name), 'utf8')
        .split('\n')
        .flatMap((line) => {
          const match = /^# expect: (\d+):(\d+): (.+)$/.exec(line);
          return match ? [{ position: `${match[1]}:${match[2]}`, text: match[3] }] : [];
        });
      expect(expectations.length).toBeGreaterThan(0);
      const reported = lines.filter((line) => line.startsWith(`${path.join(BROKEN, name)}:`));
      expect(reported.length).toBeGreaterThan(0);
      // Every expectation is met by a reported line, and no line is unexpected.
      for (const expectation of expectations) {
        expect(reported.filter((line) => line.includes(`${name}:${expectation.position}: `) && line.includes(expectation.text))).toHaveLength(1);
      }
      for (const line of reported) {
        expect(expectations.some((expectation) => line.includes(`${name}:${expectation.position}: `) && line.includes(expectation.text))).toBe(true);
      }
    }
  });

  test('--json gives file, line, col and message for tools', async () => {
    const file = path.join(BROKEN, 'unknown-action.yaml');
    const result = await runQuell(['lint', '--json', file], env);
    expect(result.code).toBe(1);
    const errors = JSON.parse(result.stdout) as Array<{ file: string; line: number; col: number; message: string }>;
    expect(errors).toEqual([{ file, line: 11, col: 13, message: expect.stringContaining('unknown action "credentials.revoek"') }]);
  });
});
