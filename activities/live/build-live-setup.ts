/**
 * Assembles the worker's live setup from the connectors file: shared clients, each connector
 * family's connectors and handlers, the routers for provider-selected actions, and the access
 * report over every family's access probes. Without a connectors file nothing is live, and live
 * runs are refused (never simulated).
 */
import type { Logger } from 'pino';
import type { ActionName } from '../../common/actions';
import { createAwsClients } from '../aws/clients';
import { awsFamily } from '../aws/live';
import { nftablesFamily } from '../egress/nftables/live';
import { evidenceFamily } from '../evidence/live';
import { createAccessReportProvider } from '../identity/access-report';
import { identityFamily } from '../identity/live';
import { notifyFamily } from '../notify/live';
import { vendorFamily } from '../vendor/live';
import type { ConnectorsConfig } from './config-file';
import type { Connector, LiveActionProvider, LiveSetup } from './connector';
import type { AccessProbe, LiveFamily, SharedLive } from './contribution';
import { ByProviderRouter } from './router';

const FAMILIES: readonly LiveFamily[] = [awsFamily, nftablesFamily, evidenceFamily, identityFamily, vendorFamily, notifyFamily];

export function buildLiveSetup(config: ConnectorsConfig, options: { logger: Logger; dataDir: string }): LiveSetup {
  const shared: SharedLive = {
    logger: options.logger,
    dataDir: options.dataDir,
    ...(config.aws ? { aws: createAwsClients(config.aws) } : {}),
  };
  const connectors = new Map<string, Connector>();
  const providers: Partial<Record<ActionName, LiveActionProvider>> = {};
  const routers = new Map<ActionName, ByProviderRouter>();
  const probes: AccessProbe[] = [];

  for (const family of FAMILIES) {
    const contribution = family(config, shared);
    for (const connector of contribution.connectors) {
      if (connectors.has(connector.id)) throw new Error(`two connector families both define connector ${connector.id}`);
      connectors.set(connector.id, connector);
    }
    for (const { action, handler } of contribution.routed ?? []) {
      const router = routers.get(action) ?? new ByProviderRouter(action);
      routers.set(action, router.add(handler));
    }
    for (const [action, provider] of Object.entries(contribution.providers ?? {}) as [ActionName, LiveActionProvider][]) {
      if (providers[action]) throw new Error(`two connector families both provide ${action}`);
      providers[action] = provider;
    }
    probes.push(...(contribution.accessProbes ?? []));
  }
  for (const [action, router] of routers) {
    if (providers[action]) throw new Error(`${action} has both a whole-action provider and provider-routed handlers`);
    providers[action] = router;
  }
  if (config.access_report) providers['identity.access_report'] = createAccessReportProvider(config.access_report, probes);
  return { providers, connectors };
}
