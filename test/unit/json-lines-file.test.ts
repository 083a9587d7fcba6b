/**
 * The storage under the effect journal and the delivery log: a missing file reads as empty, a
 * torn last line (a crash mid-write) is skipped on read and does not swallow the next entry, and
 * serialised read-then-append work from one process never interleaves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonLinesFile } from '../../activities/json-lines-file';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-jsonl-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a missing file reads as empty; append creates its folder', async () => {
  const file = new JsonLinesFile<{ n: number }>(path.join(dir, 'deep', 'log.jsonl'));
  expect(await file.readAll()).toEqual([]);
  await file.append({ n: 1 });
  expect(fs.readFileSync(file.filePath, 'utf8')).toBe('{"n":1}\n');
});

test('a torn last line is skipped, and the next entry starts on a line of its own', async () => {
  const filePath = path.join(dir, 'log.jsonl');
  fs.writeFileSync(filePath, '{"n":1}\n{"n":2,"half');
  const file = new JsonLinesFile<{ n: number }>(filePath);
  expect(await file.readAll()).toEqual([{ n: 1 }]);
  await file.append({ n: 3 });
  expect(await file.readAll()).toEqual([{ n: 1 }, { n: 3 }]);
  expect(fs.readFileSync(filePath, 'utf8')).toBe('{"n":1}\n{"n":2,"half\n{"n":3}\n');
});

test('serialised check-then-append work does not interleave', async () => {
  const file = new JsonLinesFile<{ key: string }>(path.join(dir, 'log.jsonl'));
  const appendOnce = (key: string) =>
    file.serialise(async () => {
      if ((await file.readAll()).some((entry) => entry.key === key)) return false;
      await file.append({ key });
      return true;
    });
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => appendOnce(`k${i % 5}`)));
  expect(results.filter(Boolean)).toHaveLength(5);
  expect((await file.readAll()).map((entry) => entry.key).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
});
