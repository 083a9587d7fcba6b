/**
 * The evidence stores the connectors file configures, built once per process (the worker's
 * family, and `quell evidence verify`). A store that cannot work with this file (S3 without an
 * `aws` section) is reported with the reason instead of being built.
 */
import path from 'node:path';
import type { AwsClients } from '../../aws/clients';
import type { Resolved } from '../../live/config-file';
import type { EvidenceConfig } from '../../live/config-schema';
import { LocalEvidenceStore } from './local-store';
import { S3ObjectLockStore } from './s3-object-lock-store';
import type { EvidenceStore, StoreKind } from './store';

export interface ConfiguredStores {
  stores: Map<StoreKind, EvidenceStore>;
  /** Connector id → why the configured store cannot be used. */
  unusable: Map<string, string>;
}

/** Builds (without I/O) each configured store, or records why it cannot be used. */
export function createEvidenceStores(
  evidence: Resolved<EvidenceConfig>,
  /** `baseDir`: the connectors file's folder; `spoolDir`: private scratch space for S3 uploads. */
  options: { aws?: AwsClients; spoolDir: string; baseDir: string },
): ConfiguredStores {
  const stores = new Map<StoreKind, EvidenceStore>();
  const unusable = new Map<string, string>();
  const s3 = evidence.stores['s3-object-lock'];
  if (s3) {
    if (options.aws) stores.set('s3-object-lock', new S3ObjectLockStore(options.aws.s3, s3, options.spoolDir));
    else unusable.set('evidence-store:s3-object-lock', 'the connectors file has no `aws` section (region, credentials)');
  }
  const local = evidence.stores.local;
  // A relative folder is relative to the connectors file, as secret file paths are.
  if (local) stores.set('local', new LocalEvidenceStore(path.resolve(options.baseDir, local.dir)));
  return { stores, unusable };
}
