/**
 * `quell lint` on drill scenarios: the runbooks folder brings its drills/ with it and passes;
 * a broken scenario is reported as `file:line:col: message` with exit 1, in text and in --json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runQuell, type CliEnvironment } from '../support/cli';
import { REPO } from '../support/runbooks';

// lint needs no server; the address only satisfies config validation.
const env: CliEnvironment = { address: '127.0.0.1:1', namespace: 'default', taskQueue: 'unused', dataDir: path.join(REPO, '.data') };
const BROKEN = path.join(REPO, 'test', 'fixtures', 'broken-scenarios');

function expectedLines(name: string): string[] {
  return fs
    .readFileSync(path.join(BROKEN, name), 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = /^# expect: (\d+:\d+: .+)$/.exec(line);
      return match ? [`${path.join(BROKEN, name)}:${match[1]}`] : [];
    });
}

describe('quell lint on drill scenarios', () => {
  test('the runbooks folder lints its runbooks and its drills/ scenarios', async () => {
    const result = await runQuell(['lint', path.join(REPO, 'runbooks')], env);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '3 runbooks and 4 scenarios OK' });
  });

  test('with no arguments, the configured runbooks folder and its scenarios are linted', async () => {
    const result = await runQuell(['lint'], env);
    expect(result).toMatchObject({ code: 0, stderr: '3 runbooks and 4 scenarios OK' });
  });

  test('broken scenarios are reported at their line and column, and lint exits 1', async () => {
    const names = ['event-not-waited-for.drill.yaml', 'target-not-set-by-runbook.drill.yaml', 'misspelt-inject-kind.drill.yaml'];
    const result = await runQuell(['lint', ...names.map((name) => path.join(BROKEN, name))], env);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual(names.flatMap(expectedLines).sort());
    expect(result.stderr).toBe('quell: 3 errors in 3 scenarios');
  });

  test('--json gives file, line, col and message for tools', async () => {
    const file = path.join(BROKEN, 'unknown-runbook.drill.yaml');
    const result = await runQuell(['lint', '--json', file], env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual([{ file, line: 4, col: 10, message: expect.stringContaining('no runbook "credential-compromse"') }]);
  });

  test('runbooks and scenarios named together are counted apart', async () => {
    const result = await runQuell(['lint', path.join(REPO, 'runbooks', 'offboarding.yaml'), path.join(REPO, 'runbooks', 'drills', 'offboarding.drill.yaml')], env);
    expect(result).toMatchObject({ code: 0, stderr: '1 runbook and 1 scenario OK' });
  });
});
