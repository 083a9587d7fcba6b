/**
 * The live half of the S3 Object Lock evidence store. Building does no network I/O; it starts a
 * sweep of the spool folder in the background (./spool), so folders of attempts that a kill cut
 * off before an earlier restart do not pile up. The sweep never fails the build.
 */
import path from 'node:path';
import { awsClientsFor } from '../aws/shared-clients';
import type { LiveModule, LiveSystem } from '../definition';
import { probingConnector } from '../evidence-io/probing';
import type { EvidenceStore } from '../evidence-roles';
import { S3_STORE_CONNECTOR } from './connector-id';
import { s3StorePermissionProbe } from './permissions';
import type { S3ObjectLockConfig } from './settings';
import { Spool } from './spool';
import { S3ObjectLockStore } from './store';

/** Scratch folder (under the worker's data folder) for artifacts on their way to S3. */
export function evidenceSpoolDir(dataDir: string): string {
  return path.join(dataDir, 'evidence-spool');
}

export const build: LiveModule<S3ObjectLockConfig>['build'] = (settings, shared): LiveSystem<EvidenceStore> => {
  const spool = new Spool(evidenceSpoolDir(shared.dataDir), shared.logger.child({ connector: S3_STORE_CONNECTOR }));
  void spool.sweep();
  const { s3, iam } = awsClientsFor(shared);
  const store = new S3ObjectLockStore(s3, settings, spool);
  return {
    connector: {
      ...probingConnector(S3_STORE_CONNECTOR, `evidence store ${store.location}`, () => store.check()),
      permissionProbe: s3StorePermissionProbe(iam, settings.bucket, settings.prefix),
    },
    roles: store,
  };
};
