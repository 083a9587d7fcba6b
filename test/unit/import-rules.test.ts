/**
 * Import rules that hold today (the full per-folder boundary lint comes with the layout redesign):
 * nothing outside test/ imports from test/, so product code never depends on fakes or fixtures.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const IMPORT_OF_TEST = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:\.\.\/)+test\//;

it('nothing outside test/ imports test/', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js'], { cwd: REPO, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && !file.startsWith('test/'));
  expect(files.length).toBeGreaterThan(100);
  const offenders = files.filter((file) => IMPORT_OF_TEST.test(readFileSync(path.join(REPO, file), 'utf8')));
  expect(offenders).toEqual([]);
});

it('the rule recognises an import of test/ (control)', () => {
  expect(IMPORT_OF_TEST.test("import { x } from '../test/support/fake-slack-api';")).toBe(true);
  expect(IMPORT_OF_TEST.test("import { x } from '../../common/limits';")).toBe(false);
});
