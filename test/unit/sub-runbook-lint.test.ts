/**
 * What `quell lint` says about `runbook:` steps, at file:line:col: a runbook that does not exist
 * (with the nearest id), a chain that comes back to itself, inputs the child does not declare or
 * needs; children are found among the runbooks linted together and beside the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatRunbookError, lintFiles } from '../../runbooks/load';

let dir: string;

const runbook = (id: string, steps: string, inputs = '') => `id: ${id}\nversion: 1\ntitle: ${id}\nseverity: low\n${inputs}steps:\n${steps}`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-sub-lint-'));
  fs.writeFileSync(path.join(dir, 'a.yaml'), runbook('a', '  - id: to-b\n    runbook: { id: b }\n'));
  fs.writeFileSync(path.join(dir, 'b.yaml'), runbook('b', '  - id: to-c\n    runbook: { id: c }\n'));
  fs.writeFileSync(path.join(dir, 'c.yaml'), runbook('c', '  - id: back-to-a\n    runbook: { id: a }\n'));
  fs.writeFileSync(path.join(dir, 'leaf.yaml'), runbook('leaf', '  - { id: tell, action: notify, with: { message: hi } }\n', 'inputs:\n  host: { type: string, required: true }\n'));
  fs.writeFileSync(path.join(dir, 'caller.yaml'), runbook('caller', '  - id: typo\n    runbook: { id: leef }\n  - id: wrong-inputs\n    runbook: { id: leaf, inputs: { hots: x } }\n  - id: fine\n    runbook: { id: leaf, inputs: { host: x } }\n'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a missing child and wrong inputs, found beside the linted file', async () => {
  const { errors } = await lintFiles([path.join(dir, 'caller.yaml')]);
  expect(errors.map((error) => formatRunbookError(error).replace(`${dir}${path.sep}`, ''))).toEqual([
    'caller.yaml:7:20: runbook "leef" does not exist (did you mean "leaf"?); runbooks: a, b, c, caller, leaf',
    'caller.yaml:9:14: runbook "leaf" needs input host; give it under inputs',
    'caller.yaml:9:36: runbook "leaf" has no input "hots" (did you mean "host"?); its inputs: host',
  ]);
});

test('a chain that comes back to where it started is refused in each runbook of it', async () => {
  const { errors } = await lintFiles([path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml'), path.join(dir, 'c.yaml')]);
  expect(errors.map((error) => formatRunbookError(error).replace(`${dir}${path.sep}`, ''))).toEqual([
    'a.yaml:7:20: starting runbook "b" would recurse: a → b → c → a (a runbook may not start itself, directly or through others)',
    'b.yaml:7:20: starting runbook "c" would recurse: b → c → a → b (a runbook may not start itself, directly or through others)',
    'c.yaml:7:20: starting runbook "a" would recurse: c → a → b → c (a runbook may not start itself, directly or through others)',
  ]);
});
