/**
 * The evidence connectors' probes against real loopback endpoints (test/support/evidence-collection-rig.ts):
 * every configured store and source answers, broken settings fail their probes, and a store that is
 * not configured is refused.
 */
import path from 'node:path';
import { freePort } from '../../support/server-process';
import {
  UNLOCKED_BUCKET,
  buildEvidence,
  connectors,
  connectorsYaml,
  contextFor,
  loadConfig,
  newRun,
  probe,
  useEvidenceCollectionRig,
  work,
} from '../../support/evidence-collection-rig';

useEvidenceCollectionRig();

describe('connectors', () => {
  test('every configured store and source answers its probes', async () => {
    expect([...connectors.keys()].sort()).toEqual([
      'evidence-source:cloudtrail',
      'evidence-source:cloudwatch-logs',
      'evidence-source:file',
      'evidence-source:http',
      'evidence-store:local',
      'evidence-store:s3-object-lock',
    ]);
    for (const connector of connectors.values()) {
      const probes = await connector.check();
      expect({ id: connector.id, failing: probes.filter((p) => !p.ok) }).toEqual({ id: connector.id, failing: [] });
      expect(probes.length).toBeGreaterThan(0);
    }
  });

  test('probes fail for a bucket without Object Lock, a missing bucket, log group, path or endpoint', async () => {
    const closedPort = await freePort();
    const broken = loadConfig(
      connectorsYaml({ bucket: UNLOCKED_BUCKET, logGroup: '/quell/missing', filePaths: [path.join(work, 'no-such-dir')], httpUrl: `http://127.0.0.1:${closedPort}/` }),
    );
    expect(await probe('evidence-store:s3-object-lock', broken)).toEqual([
      expect.objectContaining({ name: 'bucket', ok: true }),
      expect.objectContaining({ name: 'object-lock', ok: false }),
    ]);
    const missingBucket = loadConfig(connectorsYaml({ bucket: 'quell-no-such-bucket' }));
    expect(await probe('evidence-store:s3-object-lock', missingBucket)).toEqual([
      { name: 'bucket', ok: false, detail: 'bucket quell-no-such-bucket does not exist' },
    ]);
    expect(await probe('evidence-source:cloudwatch-logs', broken)).toEqual([
      { name: 'log-group /quell/missing', ok: false, detail: 'log group /quell/missing does not exist' },
    ]);
    expect((await probe('evidence-source:file', broken))[0]).toMatchObject({ ok: false, detail: expect.stringContaining('ENOENT') });
    expect((await probe('evidence-source:http', broken))[0]).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
  });

  test('a store that is not configured is a readiness problem and a QuellNotConfigured failure', async () => {
    const localOnly = loadConfig(connectorsYaml().replace(/^ {4}s3-object-lock:.*\n/m, ''));
    const built = await buildEvidence(localOnly);
    try {
      const onlyLocal = built.action;
      expect(onlyLocal.needs('evidence.collect', { source: 'record', store: 's3-object-lock' }).problems).toEqual([
        'evidence store s3-object-lock is not configured (add evidence.stores.s3-object-lock to the connectors file)',
      ]);
      await expect(
        onlyLocal.perform('evidence.collect', { source: 'record', content: {}, store: 's3-object-lock' }, contextFor(newRun(), 'nc')),
      ).rejects.toMatchObject({ type: 'QuellNotConfigured', nonRetryable: true });
    } finally {
      built.close();
    }
  });
});
