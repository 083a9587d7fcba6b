/**
 * Opens the evidence stores of a connectors file outside the worker (the CLI, a compliance
 * export): builds each configured store connector as a worker would, and releases the AWS
 * clients they share on `close()`.
 */
import path from 'node:path';
import pino from 'pino';
import { awsClientsFor } from '../../connectors/aws/shared-clients';
import { destroyAwsClients } from '../../connectors/aws/clients';
import { valueAt } from '../../connectors/catalogue';
import type { ConnectorsConfig } from '../../connectors/connectors-file';
import type { ConnectorDefinition, SharedLive } from '../../connectors/definition';
import type { EvidenceStore } from '../../connectors/evidence-roles';
import { CONNECTORS } from '../../connectors/registry';
import { evidenceSystems, unusableSystems } from './systems';

export interface OpenedEvidenceStores {
  stores: EvidenceStore[];
  /** Connector id → why a configured store cannot be used. */
  unusable: ReadonlyMap<string, string>;
  close(): void;
}

/** The configured stores (none without an `evidence` section); call `close()` when done. */
export async function openEvidenceStores(
  config: ConnectorsConfig,
  dataDir: string,
  connectors: readonly ConnectorDefinition[] = CONNECTORS,
): Promise<OpenedEvidenceStores> {
  const systems = evidenceSystems(config, connectors).filter((system) => system.role === 'evidence-store');
  const memo = new Map<string, unknown>();
  const shared: SharedLive = {
    // Stores log nothing while reading back what they hold.
    logger: pino({ enabled: false }),
    dataDir,
    baseDir: path.dirname(config.file),
    settingsAt: (at) => valueAt(config, at),
    shared<T>(key: string, make: () => T): T {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as T;
    },
  };
  const stores: EvidenceStore[] = [];
  for (const system of systems.filter((s) => s.unusable === undefined)) {
    const live = (await system.definition.live()).build(system.settings as never, shared);
    stores.push(live.roles as EvidenceStore);
  }
  return {
    stores,
    unusable: unusableSystems(systems),
    // The only thing stores share is the AWS clients: created when a store needed them.
    close: () => {
      if (memo.size > 0) destroyAwsClients(awsClientsFor(shared));
    },
  };
}
