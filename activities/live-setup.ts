/**
 * Assembles a worker's live setup from the connectors file: every registered connector whose
 * section is present is loaded and built; routed actions get a router over the handlers the
 * built systems offer; whole actions (evidence, notify, vendor deletion, the access
 * report) are built over the systems that play their role. Without a connectors file nothing is
 * live, and live runs are refused (never simulated).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { ActionName } from '../common/actions';
import { isConfigured, valueAt } from '../connectors/catalogue';
import type { Connector } from '../connectors/connector';
import type { LiveAction, LiveSetup } from './action-performer';
import type { ConnectorsConfig } from '../connectors/connectors-file';
import type { ConnectorDefinition, LiveSystem, RoutedAction, SharedLive, SystemRole } from '../connectors/definition';
import { CONNECTORS } from '../connectors/registry';
import { buildEvidenceAction } from './evidence/build';
import { createAccessReportAction, type SystemAccessProbe } from './access-report/report';
import { buildNotifyAction } from './notify/build';
import type { ApproversSetup } from './approvers/resolve';
import { ActionRouter } from './route-action';
import { buildDeletionAction } from './data-deletion/build';
import { buildVendorRequestAction } from './vendor-request/action';

export interface LiveSetupOptions {
  logger: Logger;
  dataDir: string;
  /** The registry by default; tests add fixtures. */
  connectors?: readonly ConnectorDefinition[];
  /** The approvers file, for `notify` steps addressed to approver groups. */
  approvers?: ApproversSetup;
}

/** A system the setup built, with the definition it came from. */
export interface BuiltSystem {
  definition: ConnectorDefinition;
  live: LiveSystem;
}

export async function buildLiveSetup(config: ConnectorsConfig, options: LiveSetupOptions): Promise<LiveSetup> {
  const definitions = options.connectors ?? CONNECTORS;
  const memo = new Map<string, unknown>();
  const shared: SharedLive = {
    logger: options.logger,
    dataDir: options.dataDir,
    baseDir: path.dirname(config.file),
    settingsAt: (at) => valueAt(config, at),
    shared<T>(key: string, make: () => T): T {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as T;
    },
  };
  const connectors = new Map<string, Connector>();
  const actions: Partial<Record<ActionName, LiveAction>> = {};
  const routers = new Map<RoutedAction, ActionRouter>();
  const probes: SystemAccessProbe[] = [];
  const built: BuiltSystem[] = [];
  const addConnector = (connector: Connector): void => {
    if (connectors.has(connector.id)) throw new Error(`two connectors both have the id ${connector.id}`);
    connectors.set(connector.id, connector);
  };
  const routerFor = (action: RoutedAction): ActionRouter => {
    const router = routers.get(action) ?? new ActionRouter(action, definitions);
    routers.set(action, router);
    return router;
  };

  for (const definition of definitions.filter((d) => isConfigured(d, config))) {
    const module = await definition.live();
    const system = module.build(valueAt(config, definition.settings.path) as never, shared);
    addConnector(system.connector);
    // A section listing several systems (`vendors`) builds one connector per entry.
    for (const extra of system.extraConnectors ?? []) addConnector(extra);
    built.push({ definition, live: system });
    for (const [action, handler] of Object.entries(system.handlers ?? {}) as [RoutedAction, NonNullable<LiveSystem['handlers']>[RoutedAction]][]) {
      if (handler) routerFor(action).add(definition.id, system.connector.id, handler as never);
    }
    if (system.accessProbe) probes.push({ system: definition.id, connector: system.connector.id, lookup: system.accessProbe.lookup.bind(system.accessProbe) });
  }

  /** The role objects of the built systems that play `role`, by system id. */
  const playing = (role: SystemRole): ReadonlyMap<string, unknown> =>
    new Map(built.filter((b) => b.definition.roles?.[role] !== undefined).map((b) => [b.definition.id, b.live.roles]));
  const notify = buildNotifyAction(config, playing('notify-channel'), shared, options.approvers);
  if (notify) actions.notify = notify;
  const deletion = buildDeletionAction(config, playing('deletion-channel'), shared);
  if (deletion) actions['vendor.request_deletion'] = deletion;
  const vendorRequest = buildVendorRequestAction(config, playing('deletion-channel'), shared);
  if (vendorRequest) actions['vendor.request'] = vendorRequest;
  const evidence = buildEvidenceAction(config, playing('evidence-store'), playing('evidence-source'), shared, definitions);
  if (evidence) actions['evidence.collect'] = evidence.action;
  for (const connector of evidence?.unusable ?? []) addConnector(connector);

  for (const [action, router] of routers) {
    if (actions[action]) throw new Error(`${action} has both a whole action and handlers routed by system`);
    actions[action] = router;
  }
  if (config.access_report) actions['identity.access_report'] = createAccessReportAction(config.access_report, probes);
  return { actions, connectors, file: config };
}
