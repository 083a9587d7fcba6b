/**
 * The live `evidence.collect` action as a worker builds it (buildLiveSetup over the evidence
 * connectors of the registry), over AWS clients the test owns and destroys on `close()`.
 * CloudTrail can be pointed at the LookupEvents stub (moto has no LookupEvents), and any other
 * evidence connector, by id in `endpoints`, at a stub of its own (GuardDuty's findings).
 */
import { buildLiveSetup } from '../../activities/live-setup';
import { destroyAwsClients, type AwsClients } from '../../connectors/aws/clients';
import { CLOUDTRAIL_CONNECTOR } from '../../connectors/cloudtrail/connector-id';
import type { LiveAction, LiveSetup } from '../../activities/action-performer';
import type { ConnectorsConfig } from '../../connectors/connectors-file';
import type { ConnectorDefinition, SharedLive } from '../../connectors/definition';
import { CONNECTORS } from '../../connectors/registry';
import { runLogger } from './temporal';

export interface EvidenceSetup {
  setup: LiveSetup;
  action: LiveAction;
  close(): void;
}

export async function buildEvidenceSetup(
  config: ConnectorsConfig,
  options: { dataDir: string; cloudtrailEndpoint?: string; endpoints?: Readonly<Record<string, string>> },
): Promise<EvidenceSetup> {
  const owned: unknown[] = [];
  const definitions = CONNECTORS.filter((d) => d.roles?.['evidence-store'] !== undefined || d.roles?.['evidence-source'] !== undefined).map(
    (definition): ConnectorDefinition => {
      const endpoint = definition.id === CLOUDTRAIL_CONNECTOR ? options.cloudtrailEndpoint : options.endpoints?.[definition.id];
      return {
        ...definition,
        live: async () => {
          const module = await definition.live();
          return { build: (settings, shared) => module.build(settings, owning(shared, owned, endpoint)) };
        },
      };
    },
  );
  const setup = await buildLiveSetup(config, { logger: runLogger('logger'), dataDir: options.dataDir, connectors: definitions });
  const action = setup.actions['evidence.collect'];
  if (!action) throw new Error('the connectors file builds no evidence.collect');
  // Evidence connectors share nothing but AWS clients.
  return { setup, action, close: () => owned.splice(0).forEach((clients) => destroyAwsClients(clients as AwsClients)) };
}

/** `shared` whose shared values are remembered in `owned`; with `endpoint`, its AWS clients go there. */
function owning(shared: SharedLive, owned: unknown[], endpoint: string | undefined): SharedLive {
  return {
    ...shared,
    settingsAt: (at) => {
      const value = shared.settingsAt(at);
      return endpoint !== undefined && at.join('.') === 'aws' ? { ...(value as object), endpoint } : value;
    },
    shared: <T>(key: string, make: () => T): T =>
      shared.shared(endpoint === undefined ? key : `${key}@${endpoint}`, () => {
        const value = make();
        owned.push(value);
        return value;
      }),
  };
}
