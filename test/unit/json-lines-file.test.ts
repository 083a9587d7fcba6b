/**
 * The storage under the effect journal and the delivery log: a missing file reads as empty, a
 * torn last line (a crash mid-write) is skipped on read and does not swallow the next entry, and
 * check-then-append work for one key from one process never interleaves. The index: rebuilt from
 * the file by a new object (a restarted worker), it sees lines other writers append, takes a
 * half-written line only once it is whole, starts over when the file is replaced, and after the
 * first build reads only the bytes appended since.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonLinesFile, type LineIndexer, type LinePosition } from '../../activities/json-lines-file';

interface Keyed {
  key: string;
  n?: number;
  pad?: string;
}

/** Keeps every position of a key, so tests can check order and count. */
const allPositions: LineIndexer<Keyed, LinePosition[]> = {
  keyOf: (entry) => entry.key,
  fold: (kept, _entry, at) => [...(kept ?? []), at],
};

const open = (filePath: string) => new JsonLinesFile<Keyed, LinePosition[]>(filePath, allPositions);

let dir: string;
let filePath: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-jsonl-'));
  filePath = path.join(dir, 'log.jsonl');
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function entriesOf(file: JsonLinesFile<Keyed, LinePosition[]>, key: string): Promise<Keyed[]> {
  return Promise.all(((await file.lookup(key)) ?? []).map((at) => file.read(key, at)));
}

test('a missing file reads as empty; append creates its folder', async () => {
  const file = open(path.join(dir, 'deep', 'log.jsonl'));
  expect(await file.readAll()).toEqual([]);
  expect(await file.lookup('a')).toBeUndefined();
  const { at, kept } = await file.append({ key: 'a', n: 1 });
  expect(fs.readFileSync(file.filePath, 'utf8')).toBe('{"key":"a","n":1}\n');
  expect(at).toEqual({ offset: 0, length: 17 });
  expect(kept).toEqual([at]);
});

test('a torn last line is skipped, and the next entry starts on a line of its own', async () => {
  fs.writeFileSync(filePath, '{"key":"a","n":1}\n{"key":"b","half');
  const file = open(filePath);
  expect(await file.readAll()).toEqual([{ key: 'a', n: 1 }]);
  expect(await file.lookup('b')).toBeUndefined();
  await file.append({ key: 'c', n: 3 });
  expect(await file.readAll()).toEqual([
    { key: 'a', n: 1 },
    { key: 'c', n: 3 },
  ]);
  expect(fs.readFileSync(filePath, 'utf8')).toBe('{"key":"a","n":1}\n{"key":"b","half\n{"key":"c","n":3}\n');
  expect(await entriesOf(file, 'c')).toEqual([{ key: 'c', n: 3 }]);
  expect(await file.lookup('b')).toBeUndefined();
});

test('a last line that is whole JSON but lost its newline counts, as it always did, and is not merged with the next', async () => {
  fs.writeFileSync(filePath, '{"key":"a","n":1}\n{"key":"b","n":2}');
  const file = open(filePath);
  expect(await entriesOf(file, 'b')).toEqual([{ key: 'b', n: 2 }]);
  await file.append({ key: 'c', n: 3 });
  expect(fs.readFileSync(filePath, 'utf8')).toBe('{"key":"a","n":1}\n{"key":"b","n":2}\n{"key":"c","n":3}\n');
  expect(await entriesOf(file, 'b')).toEqual([{ key: 'b', n: 2 }]);
  expect(await entriesOf(file, 'c')).toEqual([{ key: 'c', n: 3 }]);
});

test('check-then-append work for one key does not interleave', async () => {
  const file = open(filePath);
  const appendOnce = (key: string) =>
    file.exclusive(key, async () => {
      if (await file.lookup(key)) return false;
      await file.append({ key });
      return true;
    });
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => appendOnce(`k${i % 5}`)));
  expect(results.filter(Boolean)).toHaveLength(5);
  expect((await file.readAll()).map((entry) => entry.key).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
});

test('a new object (a restarted worker) rebuilds the index from the file', async () => {
  const first = open(filePath);
  for (let n = 0; n < 50; n += 1) await first.append({ key: `k${n % 10}`, n });
  const reopened = open(filePath);
  expect((await entriesOf(reopened, 'k3')).map((entry) => entry.n)).toEqual([3, 13, 23, 33, 43]);
  expect(await reopened.lookup('k10')).toBeUndefined();
});

test('lines appended by another writer are seen; a half-written one only once it is whole', async () => {
  const mine = open(filePath);
  const theirs = open(filePath);
  await mine.append({ key: 'a', n: 1 });
  await theirs.append({ key: 'b', n: 2 });
  expect(await entriesOf(mine, 'b')).toEqual([{ key: 'b', n: 2 }]);

  // Another process in the middle of its write: the reader must neither take nor skip it.
  fs.appendFileSync(filePath, '{"key":"c",');
  expect(await mine.lookup('c')).toBeUndefined();
  fs.appendFileSync(filePath, '"n":3}\n');
  expect(await entriesOf(mine, 'c')).toEqual([{ key: 'c', n: 3 }]);

  // Order is the file's: both objects agree which line of a key came first.
  await theirs.append({ key: 'a', n: 4 });
  await mine.append({ key: 'a', n: 5 });
  expect((await entriesOf(mine, 'a')).map((entry) => entry.n)).toEqual([1, 4, 5]);
  expect((await entriesOf(theirs, 'a')).map((entry) => entry.n)).toEqual([1, 4, 5]);
});

test('after the first build a lookup reads only the bytes appended since', async () => {
  const pad = 'x'.repeat(200);
  fs.writeFileSync(filePath, Array.from({ length: 2_000 }, (_, n) => `${JSON.stringify({ key: `k${n}`, n, pad })}\n`).join(''));
  const file = open(filePath);
  expect(await file.lookup('k1999')).toHaveLength(1);

  const probe = await fs.promises.open(filePath, 'r');
  const handleClass = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const bytesAsked: number[] = [];
  const read = handleClass.read;
  jest.spyOn(handleClass, 'read').mockImplementation(function (this: unknown, ...args: unknown[]) {
    if (typeof args[2] === 'number') bytesAsked.push(args[2]);
    return read.apply(this, args);
  });

  const line = `${JSON.stringify({ key: 'new', n: 2_000, pad })}\n`;
  fs.appendFileSync(filePath, line);
  expect(await file.lookup('new')).toHaveLength(1);
  expect(await file.lookup('k5')).toHaveLength(1);
  expect(bytesAsked.reduce((sum, bytes) => sum + bytes, 0)).toBe(Buffer.byteLength(line));
});

test('a replaced or shortened file is read again from the start', async () => {
  const file = open(filePath);
  await file.append({ key: 'a', n: 1 });
  await file.append({ key: 'b', n: 2 });
  expect(await file.lookup('a')).toHaveLength(1);

  fs.rmSync(filePath);
  expect(await file.lookup('a')).toBeUndefined();
  fs.writeFileSync(filePath, '{"key":"c","n":3}\n');
  expect(await file.lookup('a')).toBeUndefined();
  expect(await entriesOf(file, 'c')).toEqual([{ key: 'c', n: 3 }]);

  fs.truncateSync(filePath, 0);
  fs.appendFileSync(filePath, '{"key":"d"}\n');
  expect(await file.lookup('c')).toBeUndefined();
  expect(await entriesOf(file, 'd')).toEqual([{ key: 'd' }]);
});

test('a position that no longer holds its key is refused, not misread', async () => {
  const file = open(filePath);
  const { at } = await file.append({ key: 'a', n: 1 });
  fs.writeFileSync(filePath, '{"key":"z","n":9}\n');
  await expect(file.read('a', at)).rejects.toThrow(/no longer holds it/);
});

test('concurrent appends of many keys are all durable, whole and indexed at their own positions', async () => {
  const file = open(filePath);
  const results = await Promise.all(Array.from({ length: 200 }, (_, n) => file.append({ key: `k${n}`, n })));
  expect(new Set(results.map(({ at }) => at.offset)).size).toBe(200);
  const lines = fs.readFileSync(filePath, 'utf8').split('\n');
  expect(lines.at(-1)).toBe('');
  expect(lines.slice(0, -1).map((line) => (JSON.parse(line) as Keyed).n).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
    Array.from({ length: 200 }, (_, n) => n),
  );
  for (const [n, { at }] of results.entries()) expect(await file.read(`k${n}`, at)).toEqual({ key: `k${n}`, n });
});

test('a line longer than one read is read whole', async () => {
  const big = { key: 'big', pad: 'é'.repeat(700_000) };
  fs.writeFileSync(filePath, `${JSON.stringify({ key: 'a' })}\n${JSON.stringify(big)}\n${JSON.stringify({ key: 'b' })}\n`);
  const file = open(filePath);
  expect(await entriesOf(file, 'big')).toEqual([big]);
  expect(await entriesOf(file, 'b')).toEqual([{ key: 'b' }]);
});
