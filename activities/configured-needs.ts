/**
 * What one action needs, from the connectors file alone: which connectors must be configured and
 * healthy, and the problems visible from the step's parameters and the file. No client is built
 * and nothing goes over the network, so the same answer serves the pre-flight before a run is
 * started (client/) and the worker's readiness check, which then probes the connectors named.
 */
import type { ActionName } from '../common/actions';
import { connectorsById, isConfigured, isRoutedAction, systemsInRole, valueAt } from '../connectors/catalogue';
import type { ConnectorNeeds } from '../connectors/connector';
import type { ConnectorsConfig } from '../connectors/connectors-file';
import type { ConnectorDefinition, RoutedAction, SystemRole } from '../connectors/definition';
import { CONNECTORS } from '../connectors/registry';
import { deletionNeeds } from './data-deletion/needs';
import { VENDOR_REQUEST_NOUN, vendorNeeds } from './vendor-request/vendor-needs';
import { evidenceNeeds } from './evidence/needs';
import { notifyNeeds } from './notify/needs';
import { notConfiguredMessage, selectedSystem } from './route-action';

/** The parsed connectors file (secrets resolved, or placeholders when read without them). */
export type ConfiguredFile = ConnectorsConfig;

export function configuredNeeds(
  action: ActionName,
  params: Record<string, unknown>,
  file: ConfiguredFile,
  connectors: readonly ConnectorDefinition[] = CONNECTORS,
): ConnectorNeeds {
  if (isRoutedAction(action)) return routedNeeds(action, params, file, connectors);
  switch (action) {
    case 'evidence.collect':
      return evidenceNeeds(params, file as never, connectors);
    case 'notify':
      return playing('notify-channel', file, connectors) ? notifyNeeds(file, params) : notConfigured(action);
    case 'vendor.request_deletion':
      return playing('deletion-channel', file, connectors) ? deletionNeeds(file, params) : notConfigured(action);
    case 'vendor.request':
      return playing('deletion-channel', file, connectors) ? vendorNeeds(file, params, VENDOR_REQUEST_NOUN) : notConfigured(action);
    case 'identity.access_report':
      return accessReportNeeds(params, file, connectors);
  }
}

/** Whether any configured connector plays `role`. */
function playing(role: SystemRole, file: ConfiguredFile, connectors: readonly ConnectorDefinition[]): boolean {
  return connectors.some((c) => c.roles?.[role] !== undefined && isConfigured(c, file));
}

function notConfigured(action: ActionName): ConnectorNeeds {
  return { connectors: [], problems: [`no live connector is configured for ${action}`] };
}

function routedNeeds(action: RoutedAction, params: Record<string, unknown>, file: ConfiguredFile, connectors: readonly ConnectorDefinition[]): ConnectorNeeds {
  const serving = connectors.filter((c) => c.routed?.[action] !== undefined && isConfigured(c, file));
  const system = selectedSystem(params);
  // Not known before the run (it reads a step output): it must be one of the configured ones.
  if (system === undefined) {
    return serving.length > 0
      ? { connectors: serving.map((c) => c.id), problems: [] }
      : { connectors: [], problems: [`no live connector is configured for ${action}`] };
  }
  const definition = serving.find((c) => c.id === system);
  if (!definition) return { connectors: [], problems: [notConfiguredMessage(action, system, connectorsById(connectors))] };
  const settings = valueAt(file, definition.settings.path);
  return { connectors: [definition.id], problems: definition.needs?.(action, params, settings as never) ?? [] };
}

/** Every system asked (the step's `systems` or the file's), except those the step says have no account. */
function accessReportNeeds(params: Record<string, unknown>, file: ConfiguredFile, connectors: readonly ConnectorDefinition[]): ConnectorNeeds {
  if (!file.access_report) return { connectors: [], problems: ['no live connector is configured for identity.access_report'] };
  const identities = params.identities !== null && typeof params.identities === 'object' ? (params.identities as Record<string, unknown>) : {};
  const systems = Array.isArray(params.systems) ? (params.systems as string[]) : file.access_report.systems;
  const probing = new Set(systemsInRole('access-report', connectors.filter((c) => isConfigured(c, file))));
  const asked = systems.filter((system) => !Object.prototype.hasOwnProperty.call(identities, system) || identities[system] !== null);
  return {
    connectors: asked.filter((system) => probing.has(system)),
    problems: asked.filter((system) => !probing.has(system)).map((system) => `access report system ${system} has no configured connector`),
  };
}
