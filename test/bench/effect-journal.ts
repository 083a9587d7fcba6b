/**
 * `npm run bench` (or `npm run bench -- effect-journal`): the tabletop effect journal, before and
 * after its index, side by side in one run on the same disk. Reported, never asserted.
 *
 * An "action" is what the tabletop provider does with the journal for each step
 * (activities/tabletop/provider.ts): `find(key)`, then `recordOnce(record)` with a new key, which
 * appends one line and fsyncs it.
 *
 * 1. Time per action, one at a time, on a journal already holding 1k, 10k and 50k records, plus
 *    what the new journal pays once to build its index (the first lookup after a worker starts)
 *    and the heap that index holds.
 * 2. Throughput of bursts of N concurrent actions (distinct keys, as N runs each doing a step),
 *    repeated for BENCH_MIN_MS; the journal grows as it goes, as a worker's does.
 *
 * The "baseline" below is a faithful copy of the journal as it was before the index (whole file
 * re-read and parsed on each lookup, one write and fsync per append, every append serialised); it
 * lives only here so the comparison runs on the same machine in the same process.
 *
 * Environment: BENCH_SIZES (default 1000,10000,50000), BENCH_CONCURRENCY (200),
 * BENCH_CONCURRENT_SIZES (1000,10000), BENCH_MIN_MS (time per measurement, default 1500),
 * BENCH_DIR (where the journals are written; default the OS temp folder, which must be a real
 * disk for the fsyncs to mean anything).
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileEffectJournal } from '../../activities/effects/file-journal';
import type { EffectJournal, EffectRecord } from '../../activities/effects/effect-journal';
import { parseAllLines } from '../support/json-lines-baseline';

const SIZES = numbers(process.env.BENCH_SIZES ?? '1000,10000,50000');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const CONCURRENT_SIZES = numbers(process.env.BENCH_CONCURRENT_SIZES ?? '1000,10000');
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 1500);
const MIN_ACTIONS = 5;
const MAX_ACTIONS = 2_000;

// ---------------------------------------------------------------------------------------------
// BASELINE: the journal before the index, copied from activities/json-lines-file.ts and
// activities/effects/file-journal.ts as they were. Do not "improve" it: it is the yardstick.
// ---------------------------------------------------------------------------------------------

class BaselineJsonLinesFile<T> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly filePath: string) {}

  async readAll(): Promise<T[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parseAllLines<T>(text);
  }

  async append(entry: T): Promise<void> {
    await fsp.mkdir(path.dirname(this.filePath), { recursive: true });
    const handle = await fsp.open(this.filePath, 'a+');
    try {
      const { size } = await handle.stat();
      let separator = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) separator = '\n';
      }
      await handle.appendFile(`${separator}${JSON.stringify(entry)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  serialise<R>(work: () => Promise<R>): Promise<R> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

class BaselineFileEffectJournal implements EffectJournal {
  private readonly file: BaselineJsonLinesFile<EffectRecord>;

  constructor(readonly filePath: string) {
    this.file = new BaselineJsonLinesFile(filePath);
  }

  async recordOnce(record: EffectRecord): Promise<{ record: EffectRecord; alreadyRecorded: boolean }> {
    return this.file.serialise(async () => {
      const existing = (await this.file.readAll()).find((entry) => entry.idempotencyKey === record.idempotencyKey);
      if (existing) return { record: existing, alreadyRecorded: true };
      await this.file.append(record);
      return { record, alreadyRecorded: false };
    });
  }

  async find(idempotencyKey: string): Promise<EffectRecord | undefined> {
    return (await this.file.readAll()).find((entry) => entry.idempotencyKey === idempotencyKey);
  }

  async list(filter: { workflowId?: string } = {}): Promise<EffectRecord[]> {
    const all = await this.file.readAll();
    return filter.workflowId ? all.filter((entry) => entry.workflowId === filter.workflowId) : all;
  }
}

// ------------------------------------------- end of baseline ----------------------------------

type Variant = 'baseline' | 'indexed';

const open = (variant: Variant, filePath: string): EffectJournal =>
  variant === 'baseline' ? new BaselineFileEffectJournal(filePath) : new FileEffectJournal(filePath);

let serial = 0;

/** A record shaped like the tabletop provider's (egress.block), about 600 bytes as JSON. */
function record(): EffectRecord {
  serial += 1;
  const workflowId = `quell:credential-compromise:INC-2025-${String(serial).padStart(6, '0')}`;
  const idempotencyKey = `${workflowId}/${randomUUID()}/block-egress/action`;
  return {
    idempotencyKey,
    action: 'egress.block',
    mode: 'tabletop',
    workflowId,
    stepId: 'block-egress',
    params: { provider: 'nftables', target: 'host:web-01.internal', cidrs: ['203.0.113.0/24', '198.51.100.7/32'], ports: [443, 8443] },
    output: {
      provider: 'nftables',
      target: 'host:web-01.internal',
      rule_id: `quell-${idempotencyKey.slice(-20)}`,
      blocked: ['203.0.113.0/24', '198.51.100.7/32'],
      verified: true,
      simulated: true,
      would_do: ['nftables: add a reject rule for 203.0.113.0/24, 198.51.100.7/32 on ports 443, 8443 to host:web-01.internal'],
    },
    recordedAt: new Date().toISOString(),
  };
}

/** The journal's part of one tabletop action. */
async function action(journal: EffectJournal): Promise<void> {
  const entry = record();
  if (await journal.find(entry.idempotencyKey)) throw new Error('a fresh key was found');
  const { alreadyRecorded } = await journal.recordOnce(entry);
  if (alreadyRecorded) throw new Error('a fresh key was already recorded');
}

/** A journal file holding `size` records, as a long-lived worker's would. */
function journalOf(dir: string, name: string, size: number): string {
  const filePath = path.join(dir, `${name}.jsonl`);
  const lines: string[] = [];
  for (let i = 0; i < size; i += 1) lines.push(`${JSON.stringify(record())}\n`);
  fs.writeFileSync(filePath, lines.join(''));
  return filePath;
}

/** Sequential actions until MIN_MS has passed (at least MIN_ACTIONS): mean ms per action. */
async function perAction(journal: EffectJournal): Promise<{ ms: number; n: number }> {
  const start = performance.now();
  let n = 0;
  while (n < MIN_ACTIONS || (performance.now() - start < MIN_MS && n < MAX_ACTIONS)) {
    await action(journal);
    n += 1;
  }
  return { ms: (performance.now() - start) / n, n };
}

/**
 * Bursts of `n` concurrent actions until MIN_MS has passed (at least one burst): actions per
 * second over all bursts, and the latency of one action, queueing included.
 */
async function concurrent(journal: EffectJournal, n: number): Promise<{ perSecond: number; bursts: number; p50: number; p95: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  let bursts = 0;
  while (bursts === 0 || performance.now() - start < MIN_MS) {
    await Promise.all(
      Array.from({ length: n }, async () => {
        const began = performance.now();
        await action(journal);
        latencies.push(performance.now() - began);
      }),
    );
    bursts += 1;
  }
  const perSecond = (bursts * n * 1000) / (performance.now() - start);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  return { perSecond, bursts, p50: at(0.5), p95: at(0.95) };
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'quell-bench-journal-'));
  const gc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  process.stdout.write(`Effect journal: baseline (whole file re-read per lookup) vs indexed. Files in ${dir}.\n\n`);
  try {
    // Warm up both (JIT, file system caches), so the first row is not charged for it.
    for (const variant of ['baseline', 'indexed'] as const) {
      const journal = open(variant, journalOf(dir, `warm-up-${variant}`, 100));
      for (let i = 0; i < 100; i += 1) await action(journal);
    }

    const rows: Record<string, string>[] = [];
    for (const size of SIZES) {
      const oldFile = journalOf(dir, `baseline-${size}`, size);
      const newFile = journalOf(dir, `indexed-${size}`, size);
      const mb = (fs.statSync(oldFile).size / 1e6).toFixed(1);

      const before = await perAction(open('baseline', oldFile));

      const heapBefore = heapUsed();
      const indexed = open('indexed', newFile);
      const buildStart = performance.now();
      await indexed.find('no such key'); // the one full read, as on a worker's first action
      const buildMs = performance.now() - buildStart;
      const indexBytes = heapUsed() - heapBefore;
      const after = await perAction(indexed);

      rows.push({
        records: String(size),
        'file MB': mb,
        'baseline ms/action': `${before.ms.toFixed(2)} (n=${before.n})`,
        'indexed ms/action': `${after.ms.toFixed(2)} (n=${after.n})`,
        'speed-up': `${(before.ms / after.ms).toFixed(1)}×`,
        'index build ms (once)': buildMs.toFixed(0),
        ...(gc ? { 'index heap MB': (indexBytes / 1e6).toFixed(1) } : {}),
      });
    }
    process.stdout.write('1. One action at a time (find + recordOnce with a new key; one fsync each)\n');
    console.table(rows);

    const concurrentRows: Record<string, string>[] = [];
    for (const size of CONCURRENT_SIZES) {
      const results: Partial<Record<Variant, Awaited<ReturnType<typeof concurrent>>>> = {};
      for (const variant of ['baseline', 'indexed'] as const) {
        const journal = open(variant, journalOf(dir, `${variant}-concurrent-${size}`, size));
        await journal.find('no such key'); // as above: the indexed journal's build is not counted
        results[variant] = await concurrent(journal, CONCURRENCY);
      }
      const { baseline, indexed } = results as Record<Variant, Awaited<ReturnType<typeof concurrent>>>;
      concurrentRows.push({
        'records at start': String(size),
        'baseline actions/s': `${baseline.perSecond.toFixed(0)} (${baseline.bursts} burst${baseline.bursts === 1 ? '' : 's'})`,
        'indexed actions/s': `${indexed.perSecond.toFixed(0)} (${indexed.bursts} bursts)`,
        'throughput ×': `${(indexed.perSecond / baseline.perSecond).toFixed(0)}×`,
        'baseline p50/p95 ms': `${baseline.p50.toFixed(0)} / ${baseline.p95.toFixed(0)}`,
        'indexed p50/p95 ms': `${indexed.p50.toFixed(1)} / ${indexed.p95.toFixed(1)}`,
      });
    }
    process.stdout.write(`\n2. Bursts of ${CONCURRENCY} concurrent actions, distinct keys (latency = one action, queueing included)\n`);
    console.table(concurrentRows);
    if (!gc) process.stdout.write('(run node with --expose-gc to see the heap the index holds)\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function numbers(text: string): number[] {
  return text
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((value) => Number.isSafeInteger(value) && value >= 0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
