/**
 * The custody log the evidence.collect action keeps, against real loopback stores
 * (test/support/evidence-collection-rig.ts): idempotency under retries and duplicates, concurrent
 * custody appends, and what verification reports for a damaged log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { runFolder } from '../../../activities/evidence/custody/layout';
import { readCustodyLog } from '../../../activities/evidence/custody/log';
import { verifyRunEvidence } from '../../../activities/evidence/verify';
import {
  BUCKET,
  allowed,
  aws,
  collect,
  collected,
  contextFor,
  localRunDir,
  newRun,
  stores,
  useEvidenceCollectionRig,
} from '../../support/evidence-collection-rig';

useEvidenceCollectionRig();

describe('idempotency and concurrency', () => {
  test('a retried collection with the same idempotency key adds no second entry or artifact', async () => {
    const workflowId = newRun();
    const log = path.join(allowed, 'retry.log');
    fs.writeFileSync(log, 'first attempt\n');
    const first = await collect({ source: 'file', paths: [log] }, contextFor(workflowId, 'retry-key'));
    fs.appendFileSync(log, 'changed before the retry\n');
    const retry = await collect({ source: 'file', paths: [log] }, contextFor(workflowId, 'retry-key'));

    expect(first.alreadyDone).toBe(false);
    expect(retry).toEqual({ output: first.output, alreadyDone: true });
    const custody = await readCustodyLog(stores.get('local')!, runFolder(workflowId));
    expect(custody.map((read) => read.entry?.idempotency_key)).toEqual(['retry-key']);
    expect(fs.readdirSync(path.join(localRunDir(workflowId), 'artifacts', 'collect'))).toHaveLength(1);
  });

  test.each(['local', 's3-object-lock'])('duplicates running at once into %s certify exactly one collection', async (store) => {
    const workflowId = newRun();
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => collect({ source: 'record', content: { n: 1 }, store }, contextFor(workflowId, 'duplicate-key'))),
    );
    expect(outcomes.filter((outcome) => !outcome.alreadyDone)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome.output))).size).toBe(1);
    const log = await readCustodyLog(stores.get(store)!, runFolder(workflowId));
    expect(log).toHaveLength(1);
    if (store === 'local') expect(fs.readdirSync(path.join(localRunDir(workflowId), 'artifacts', 'collect'))).toHaveLength(1);
  });

  test.each(['local', 's3-object-lock'])('eight steps appending at once into %s leave one linear, verifiable chain', async (store) => {
    const workflowId = newRun();
    const outputs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        collected({ source: 'record', content: { step: i }, label: `step-${i}`, store }, contextFor(workflowId, `key-${i}`, `step-${i}`)),
      ),
    );
    expect(outputs.map((output) => output.custody_index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const log = await readCustodyLog(stores.get(store)!, runFolder(workflowId));
    log.forEach((read, index) => {
      expect(read.entry!.index).toBe(index);
      expect(read.entry!.previous_hash).toBe(index === 0 ? '0'.repeat(64) : log[index - 1].entry!.hash);
    });
    const report = await verifyRunEvidence([stores.get(store)!], workflowId);
    expect(report).toMatchObject({ status: 'intact', stores: [{ store, entries: 8, artifacts: 8 }] });
  });
});

describe('verification of a damaged log', () => {
  async function threeEntries(store: string): Promise<string> {
    const workflowId = newRun();
    for (const i of [0, 1, 2]) await collect({ source: 'record', content: { i }, store }, contextFor(workflowId, `k-${i}`, `step-${i}`));
    return workflowId;
  }

  test('an entry edited in place is named, with the hash it should have', async () => {
    const workflowId = await threeEntries('local');
    const file = path.join(localRunDir(workflowId), 'custody', '00000001.json');
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, JSON.stringify({ ...entry, label: 'nothing to see here' }));

    const report = await verifyRunEvidence([...stores.values()], workflowId);
    expect(report).toMatchObject({ status: 'broken', broken: { store: 'local', entry: 1, kind: 'entry-altered', expected: entry.hash } });
  });

  test('a removed entry is reported as missing at its index', async () => {
    const workflowId = await threeEntries('local');
    fs.rmSync(path.join(localRunDir(workflowId), 'custody', '00000001.json'));
    const report = await verifyRunEvidence([...stores.values()], workflowId);
    expect(report.broken).toMatchObject({ store: 'local', entry: 1, kind: 'entry-missing', actual: '2' });
  });

  test('an S3 entry written over with a new version is caught even though the key still reads well', async () => {
    const workflowId = await threeEntries('s3-object-lock');
    const log = await readCustodyLog(stores.get('s3-object-lock')!, runFolder(workflowId));
    await aws.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `quell-evidence/${log[2].object.key}`, Body: await log[2].object.read(), ChecksumAlgorithm: 'SHA256' }),
    );
    const report = await verifyRunEvidence([stores.get('s3-object-lock')!], workflowId);
    expect(report.broken).toMatchObject({ store: 's3-object-lock', entry: 2, kind: 'entry-overwritten' });
  });

  test('a run without evidence is reported as such, not as intact', async () => {
    expect((await verifyRunEvidence([...stores.values()], 'quell:never-ran:INC-0')).status).toBe('no-evidence');
  });
});
