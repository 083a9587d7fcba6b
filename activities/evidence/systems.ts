/**
 * The evidence stores and sources a connectors file configures, found through the registry: the
 * connectors that play the 'evidence-store' or 'evidence-source' role and whose section is present.
 * Pure: reads the parsed file only, so the pre-flight can ask it without building anything.
 */
import { valueAt } from '../../connectors/catalogue';
import type { ConnectorDefinition } from '../../connectors/definition';
import { CONNECTORS } from '../../connectors/registry';

export type EvidenceRole = 'evidence-store' | 'evidence-source';

export interface EvidenceSystem {
  role: EvidenceRole;
  /** As a step names it in `with.store` or `with.source`: the last key of its settings path. */
  name: string;
  definition: ConnectorDefinition;
  /** Its section of the file. */
  settings: unknown;
  /** Why it cannot be used although its section is present (a section it requires is missing). */
  unusable?: string;
}

/** What to add for a missing section a store or source needs, beyond its name. */
const SECTION_HINTS: Readonly<Record<string, string>> = { aws: ' (region, credentials)' };

/** The configured evidence stores and sources, in registry order. */
export function evidenceSystems(file: unknown, connectors: readonly ConnectorDefinition[] = CONNECTORS): EvidenceSystem[] {
  const systems: EvidenceSystem[] = [];
  for (const definition of connectors) {
    const role = evidenceRoleOf(definition);
    const settings = valueAt(file, definition.settings.path);
    if (role === undefined || settings === undefined) continue;
    const missing = (definition.settings.requires ?? []).find((required) => valueAt(file, required) === undefined);
    const section = missing?.join('.');
    systems.push({
      role,
      name: definition.settings.path.at(-1)!,
      definition,
      settings,
      ...(section !== undefined ? { unusable: `the connectors file has no \`${section}\` section${SECTION_HINTS[section] ?? ''}` } : {}),
    });
  }
  return systems;
}

export function evidenceRoleOf(definition: ConnectorDefinition): EvidenceRole | undefined {
  if (definition.roles?.['evidence-store'] !== undefined) return 'evidence-store';
  if (definition.roles?.['evidence-source'] !== undefined) return 'evidence-source';
  return undefined;
}

/** Connector id → why it cannot be used, for the configured systems that cannot. */
export function unusableSystems(systems: readonly EvidenceSystem[]): Map<string, string> {
  return new Map(systems.flatMap((system) => (system.unusable !== undefined ? [[system.definition.id, system.unusable] as const] : [])));
}
