/**
 * Evidence attempts cut off by a kill (test/support/evidence-collection-rig.ts: moto for S3
 * Object Lock, a temporary folder for the local store). A kill between the copies and the custody
 * entry is simulated by a store whose custody write never returns, injected into the action the
 * way the worker injects the real one: the attempt then stops exactly where a killed worker
 * would, with no clean-up. The retry of the same step must certify one copy and leave no second
 * one; copies never certified are listed by verification; spool folders of dead attempts go.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { EvidenceCollectAction } from '../../../activities/evidence/collect-action';
import { artifactsFolder, collectionTag, runFolder } from '../../../activities/evidence/custody/layout';
import { readCustodyLog } from '../../../activities/evidence/custody/log';
import { RecordSource } from '../../../activities/evidence/record-source';
import { verifyRunEvidence } from '../../../activities/evidence/verify';
import { EvidenceCollectWith } from '../../../common/actions';
import type { EvidenceSource, EvidenceStore, SourceKind } from '../../../connectors/evidence-roles';
import { allowlistOf } from '../../../connectors/file-evidence/requests';
import { FileSource } from '../../../connectors/file-evidence/source';
import { evidenceSpoolDir } from '../../../connectors/s3-object-lock/live';
import { STALE_AFTER_MS, Spool } from '../../../connectors/s3-object-lock/spool';
import { runQuell } from '../../support/cli';
import { eventually } from '../../support/eventually';
import {
  HTTP_TOKEN,
  allowed,
  buildEvidence,
  collect,
  connectorsYaml,
  contextFor,
  loadConfig,
  localRunDir,
  newRun,
  stores,
  useEvidenceCollectionRig,
  work,
} from '../../support/evidence-collection-rig';

useEvidenceCollectionRig();

const quiet = pino({ enabled: false });
const spoolDir = () => evidenceSpoolDir(path.join(work, 'worker-data'));

/** `store` as an attempt sees it when its worker dies just before the custody entry is written. */
function killedBeforeEntry(store: EvidenceStore, reached: () => void): EvidenceStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'createIfAbsent') {
        return () => {
          reached();
          return new Promise<never>(() => undefined);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Runs one attempt of the step that stops (for good) where its custody entry would be written. */
async function attemptKilledBeforeEntry(params: Record<string, unknown>, workflowId: string, key: string): Promise<void> {
  const kind = String(params.store);
  const sources = new Map<SourceKind, EvidenceSource>([
    ['record', new RecordSource()],
    ['file', new FileSource(allowlistOf([allowed], work))],
  ]);
  let reached!: () => void;
  const stopped = new Promise<void>((resolve) => (reached = resolve));
  const action = new EvidenceCollectAction({
    stores: new Map([[kind, killedBeforeEntry(stores.get(kind)!, reached)]]),
    sources,
    unusable: new Map(),
    logger: quiet,
    needs: () => ({ connectors: [], problems: [] }),
  });
  void action.perform('evidence.collect', EvidenceCollectWith.parse(params) as Record<string, unknown>, contextFor(workflowId, key));
  await stopped;
}

async function copiesOf(kind: string, workflowId: string) {
  return stores.get(kind)!.listCopies(artifactsFolder(runFolder(workflowId)));
}

describe('a retry after a kill between the copies and the custody entry', () => {
  test.each(['local', 's3-object-lock'])('certifies one copy in %s and leaves no second one nor the spool folder', async (kind) => {
    const workflowId = newRun();
    const key = `${workflowId}:collect:interrupted`;
    const params = { source: 'record', content: { confirmation: 'vendor deleted the data' }, label: 'confirmation', store: kind };
    await attemptKilledBeforeEntry(params, workflowId, key);
    const [leftover] = await copiesOf(kind, workflowId);

    // Before the retry the copy is accounted for, not silently ignored.
    const before = await verifyRunEvidence([stores.get(kind)!], workflowId);
    expect(before.status).toBe('no-evidence');
    expect(before.stores).toEqual([
      expect.objectContaining({ store: kind, entries: 0, removable: kind === 'local', uncertified: [expect.objectContaining({ object: leftover.key, stepId: 'collect' })] }),
    ]);
    expect(before.stores[0].uncertified[0].supersededBy).toBeUndefined();

    // The S3 store stages on disk: say the worker also died staging a second artifact of the step.
    const stepSpool = path.join(spoolDir(), collectionTag(key));
    if (kind === 's3-object-lock') {
      fs.mkdirSync(stepSpool, { recursive: true });
      fs.writeFileSync(path.join(stepSpool, 'dead.part'), 'half an artifact');
    }

    const retry = await collect(params, contextFor(workflowId, key));
    expect(retry.alreadyDone).toBe(false);

    const log = await readCustodyLog(stores.get(kind)!, runFolder(workflowId));
    expect(log.map((read) => read.entry?.idempotency_key)).toEqual([key]);
    const copies = await copiesOf(kind, workflowId);
    expect(copies).toHaveLength(1);
    expect(log[0].entry!.artifacts.map((artifact) => [artifact.object, artifact.version_id])).toEqual([[copies[0].key, copies[0].versionId]]);
    if (kind === 's3-object-lock') {
      // S3 cannot remove the first copy: it was read back, found identical and adopted.
      expect(copies[0]).toEqual(leftover);
    } else {
      // The local store removed it once the step's entry existed, and kept the fresh copy.
      expect(copies[0].key).not.toBe(leftover.key);
      expect(fs.readdirSync(path.join(localRunDir(workflowId), 'artifacts', 'collect'))).toHaveLength(1);
    }

    expect(await verifyRunEvidence([stores.get(kind)!], workflowId)).toMatchObject({ status: 'intact', stores: [{ entries: 1, artifacts: 1, uncertified: [] }] });
    if (kind === 's3-object-lock') expect(fs.existsSync(stepSpool)).toBe(false);
  });

  test.each(['local', 's3-object-lock'])('a copy whose bytes changed before the retry is superseded in %s, and verify says so', async (kind) => {
    const workflowId = newRun();
    const key = `${workflowId}:collect:changed`;
    const file = path.join(allowed, `interrupted-${kind}.log`);
    fs.writeFileSync(file, 'before the kill\n');
    const params = { source: 'file', paths: [file], store: kind };
    await attemptKilledBeforeEntry(params, workflowId, key);
    const [leftover] = await copiesOf(kind, workflowId);
    fs.appendFileSync(file, 'written after the kill\n');

    expect((await collect(params, contextFor(workflowId, key))).alreadyDone).toBe(false);
    const report = await verifyRunEvidence([stores.get(kind)!], workflowId);
    expect(report.status).toBe('intact');
    if (kind === 'local') {
      // Removable: gone once the step was certified.
      expect(report.stores[0].uncertified).toEqual([]);
      expect(await copiesOf(kind, workflowId)).toHaveLength(1);
    } else {
      // Locked: it stays, listed as superseded by the entry that certifies the step.
      expect(report.stores[0].uncertified).toEqual([
        expect.objectContaining({ object: leftover.key, versionId: leftover.versionId, stepId: 'collect', supersededBy: 0 }),
      ]);
    }
  });
});

test('quell evidence verify lists uncertified copies as not part of the chain', async () => {
  const workflowId = newRun();
  await collect({ source: 'record', content: { n: 1 }, store: 's3-object-lock' }, contextFor(workflowId, 'certified', 'kept'));
  await attemptKilledBeforeEntry({ source: 'record', content: { n: 2 }, store: 's3-object-lock' }, workflowId, 'never-retried');

  const connectorsFile = path.join(work, 'connectors-cli.yaml');
  fs.writeFileSync(connectorsFile, connectorsYaml());
  const result = await runQuell(['evidence', 'verify', workflowId], {
    address: '127.0.0.1:1',
    namespace: 'default',
    taskQueue: 'unused',
    dataDir: path.join(work, 'cli-data'),
    extra: { QUELL_CONNECTORS_FILE: connectorsFile, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', EVIDENCE_HTTP_TOKEN: HTTP_TOKEN },
  });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`evidence of ${workflowId}: intact`);
  expect(result.stdout).toContain('1 uncertified copy, not part of the chain (locked until their retention ends: they cannot be deleted)');
  expect(result.stdout).toMatch(/step collect: no entry certifies an attempt of this step/);
});

describe('the spool of the S3 store', () => {
  function plant(name: string, ageMs: number): string {
    const folder = path.join(spoolDir(), name);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'artifact.part'), 'left by an attempt');
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(path.join(folder, 'artifact.part'), then, then);
    fs.utimesSync(folder, then, then);
    return folder;
  }

  test('building the store (worker start) sweeps folders of dead attempts, not recent ones', async () => {
    const dead = plant('0123456789abcdef', STALE_AFTER_MS + 60_000);
    const legacy = plant('spool-Ab12Cd', 2 * STALE_AFTER_MS);
    const otherWorker = plant('fedcba9876543210', 60_000);
    const built = await buildEvidence(loadConfig(connectorsYaml()));
    try {
      await eventually('the stale spool folders to be swept', () => !fs.existsSync(dead) && !fs.existsSync(legacy));
      expect(fs.existsSync(otherWorker)).toBe(true);
    } finally {
      built.close();
      fs.rmSync(otherWorker, { recursive: true, force: true });
    }
  });

  test('a folder an attempt of this worker is staging in is never swept, whatever its age', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quell-spool-'));
    try {
      const spool = new Spool(dir, quiet);
      // What a cut-off attempt of the same step left: the step's next attempt clears it.
      fs.mkdirSync(path.join(dir, 'step1'));
      fs.writeFileSync(path.join(dir, 'step1', 'dead.part'), 'half');
      const body = new PassThrough();
      const staging = spool.stage('step1', body, () => undefined, { connector: 'test', operation: 'stage' });
      body.write('still streaming');
      await eventually('the staging file', () => fs.existsSync(path.join(dir, 'step1')) && fs.readdirSync(path.join(dir, 'step1')).some((name) => name !== 'dead.part'));
      expect(fs.readdirSync(path.join(dir, 'step1'))).not.toContain('dead.part');

      expect(await spool.sweep(Date.now() + 10 * STALE_AFTER_MS)).toEqual([]);
      expect(fs.existsSync(path.join(dir, 'step1'))).toBe(true);

      body.end(' and done');
      const staged = await staging;
      expect(fs.readFileSync(staged.file, 'utf8')).toBe('still streaming and done');
      await staged.release();
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
