/**
 * Files stay small and single-purpose: no product source file over 400 lines (generated files,
 * such as the runbook JSON Schema, are not source). Tests are held to the same rule as they are
 * split during the layout redesign.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const MAX_LINES = 400;

it(`no product source file is over ${MAX_LINES} lines`, () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js', '*.mjs'], { cwd: REPO, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && !file.startsWith('test/'));
  expect(files.length).toBeGreaterThan(100);
  const tooLong = files
    .map((file) => ({ file, lines: readFileSync(path.join(REPO, file), 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_LINES);
  expect(tooLong).toEqual([]);
});
