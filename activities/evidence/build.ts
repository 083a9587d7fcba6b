/**
 * Builds the live `evidence.collect` action over the systems that play the 'evidence-store' and
 * 'evidence-source' roles (connectors/s3-object-lock, local-evidence-store, cloudwatch-logs,
 * cloudtrail, file-evidence, http-evidence), plus the `record` source, which is part of the
 * action. Nothing to build without an `evidence` section: a live run that collects evidence is
 * then refused by the readiness check.
 */
import type { Connector } from '../../connectors/connector';
import type { LiveAction } from '../action-performer';
import type { ConnectorsConfig } from '../../connectors/connectors-file';
import type { ConnectorDefinition, SharedLive } from '../../connectors/definition';
import { probingConnector } from '../../connectors/evidence-io/probing';
import type { EvidenceSource, EvidenceStore } from '../../connectors/evidence-roles';
import { CONNECTORS } from '../../connectors/registry';
import { EvidenceCollectAction } from './collect-action';
import { evidenceNeeds } from './needs';
import { RecordSource } from './record-source';
import { evidenceSystems, unusableSystems } from './systems';

export interface EvidenceAction {
  action: LiveAction;
  /**
   * Stores and sources whose section is present but that cannot be built (S3 without `aws`):
   * connectors whose probe says why, so `quell doctor` shows them.
   */
  unusable: Connector[];
}

/**
 * @param stores the role objects of the built systems that play 'evidence-store', by system id
 * @param sources the same for 'evidence-source'
 */
export function buildEvidenceAction(
  config: ConnectorsConfig,
  stores: ReadonlyMap<string, unknown>,
  sources: ReadonlyMap<string, unknown>,
  shared: SharedLive,
  connectors: readonly ConnectorDefinition[] = CONNECTORS,
): EvidenceAction | undefined {
  const evidence = config.evidence;
  if (!evidence) return undefined;
  const unusable = unusableSystems(evidenceSystems(config, connectors));
  // Each connector's live build says what its role object is (see connectors/evidence-roles).
  const storeObjects = [...stores.values()] as EvidenceStore[];
  const sourceObjects = [new RecordSource(), ...sources.values()] as EvidenceSource[];
  const action = new EvidenceCollectAction({
    stores: new Map(storeObjects.map((store) => [store.kind, store])),
    sources: new Map(sourceObjects.map((source) => [source.kind, source])),
    unusable,
    ...(evidence.default_store ? { defaultStore: evidence.default_store } : {}),
    logger: shared.logger.child({ action: 'evidence.collect' }),
    needs: (params) => evidenceNeeds(params, config, connectors),
  });
  return {
    action,
    unusable: [...unusable].map(([id, reason]) => probingConnector(id, 'evidence (not usable)', async () => [{ name: 'configuration', ok: false, detail: reason }])),
  };
}
