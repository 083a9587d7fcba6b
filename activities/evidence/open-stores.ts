/**
 * Opens the evidence stores of a connectors file outside the worker (the CLI, a compliance
 * export): builds the AWS clients they need and releases them on `close()`.
 */
import path from 'node:path';
import { createAwsClients, destroyAwsClients } from '../aws/clients';
import type { ConnectorsConfig } from '../live/config-file';
import { evidenceSpoolDir } from './live';
import { createEvidenceStores } from './stores/from-config';
import type { EvidenceStore } from './stores/store';

export interface OpenedEvidenceStores {
  stores: EvidenceStore[];
  /** Connector id → why a configured store cannot be used. */
  unusable: ReadonlyMap<string, string>;
  close(): void;
}

/** The configured stores (none without an `evidence` section); call `close()` when done. */
export function openEvidenceStores(config: ConnectorsConfig, dataDir: string): OpenedEvidenceStores {
  if (!config.evidence) return { stores: [], unusable: new Map(), close: () => undefined };
  const aws = config.aws ? createAwsClients(config.aws) : undefined;
  const { stores, unusable } = createEvidenceStores(config.evidence, {
    aws,
    spoolDir: evidenceSpoolDir(dataDir),
    baseDir: path.dirname(config.file),
  });
  return { stores: [...stores.values()], unusable, close: () => aws && destroyAwsClients(aws) };
}
