/**
 * Questions about the registry that everything else asks: which systems serve an action, which
 * definition has an id, where a system's settings live. Pure functions over a connector list, so
 * a test can ask them of the registry plus a fixture.
 */
import type { ActionName } from '../common/actions';
import { CREDENTIAL_ADVICE } from '../config/http-url';
import type { ConnectorDefinition, RoutedAction, SystemRole } from './definition';
import { ROUTED_ACTIONS } from './definition';
import { CONNECTORS } from './registry';

export function isRoutedAction(action: ActionName | string): action is RoutedAction {
  return (ROUTED_ACTIONS as readonly string[]).includes(action);
}

/** The ids of the systems that perform `action` when a step names them in `with.provider`. */
export function systemsServing(action: RoutedAction, connectors: readonly ConnectorDefinition[] = CONNECTORS): string[] {
  return connectors.filter((c) => c.routed?.[action] !== undefined).map((c) => c.id);
}

/** The ids of the systems that take part in an action in `role`. */
export function systemsInRole(role: SystemRole, connectors: readonly ConnectorDefinition[] = CONNECTORS): string[] {
  return connectors.filter((c) => c.roles?.[role] !== undefined).map((c) => c.id);
}

let registryById: ReadonlyMap<string, ConnectorDefinition> | undefined;

/** A Map, so an id from a runbook (`constructor`, `__proto__`) finds nothing it should not. */
export function connectorsById(connectors: readonly ConnectorDefinition[] = CONNECTORS): ReadonlyMap<string, ConnectorDefinition> {
  if (connectors === CONNECTORS && registryById) return registryById;
  const byId = new Map<string, ConnectorDefinition>();
  for (const connector of connectors) {
    if (byId.has(connector.id)) throw new Error(`two connectors have the id ${connector.id}`);
    byId.set(connector.id, connector);
  }
  if (connectors === CONNECTORS) registryById = byId;
  return byId;
}

/** `nftables`, `evidence.sources.cloudtrail`: how messages name a settings section. */
export function sectionName(connector: ConnectorDefinition): string {
  return connector.settings.path.join('.');
}

/** The value at `path` in a parsed connectors file, or undefined (own properties only). */
export function valueAt(file: unknown, path: readonly string[]): unknown {
  let value: unknown = file;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Where the credential of the connectors-file field at `path` goes instead of a URL: the advice
 * of the connector whose section holds the field (the deepest one), or the generic advice.
 */
export function credentialAdviceAt(path: readonly (string | number)[], connectors: readonly ConnectorDefinition[] = CONNECTORS): string {
  let best: ConnectorDefinition | undefined;
  for (const connector of connectors) {
    const section = connector.settings.path;
    const inside = section.length <= path.length && section.every((key, index) => path[index] === key);
    if (inside && connector.settings.credentialAdvice && (!best || section.length > best.settings.path.length)) best = connector;
  }
  return best?.settings.credentialAdvice ?? CREDENTIAL_ADVICE.anywhere;
}

/** Whether the connectors file configures `connector` (its section and the ones it requires). */
export function isConfigured(connector: ConnectorDefinition, file: unknown): boolean {
  return [connector.settings.path, ...(connector.settings.requires ?? [])].every((path) => valueAt(file, path) !== undefined);
}

/** Store names a step (or `default_store`) may use: the last key of each store's settings path. */
export function evidenceStoreNames(connectors: readonly ConnectorDefinition[] = CONNECTORS): string[] {
  return connectors.filter((c) => c.roles?.['evidence-store'] !== undefined).map((c) => c.settings.path[c.settings.path.length - 1]);
}

/** Source names read through a connector (`record` reads the run itself and needs none). */
export function evidenceSourceNames(connectors: readonly ConnectorDefinition[] = CONNECTORS): string[] {
  return connectors.filter((c) => c.roles?.['evidence-source'] !== undefined).map((c) => c.settings.path[c.settings.path.length - 1]);
}
