/**
 * The connectors file (QUELL_CONNECTORS_FILE): which outside systems this deployment may act on,
 * where they are, and *where* their secrets live (`{ env: NAME }` / `{ file: PATH }`), never the
 * secrets themselves. Every section is optional; an absent section means "not configured", and a
 * live run that needs it is refused before its first step.
 *
 * The schema is derived from the registry: each connector places its settings schema at its
 * path (`nftables`, `evidence.sources.cloudtrail`), and the two action-level settings list only
 * systems that play the role (`access_report.systems`, `evidence.default_store`).
 */
import { z } from 'zod';
import type { EntryLimit } from '../config/yaml-config-file';
import type { AwsConfig } from './aws/settings';
import { evidenceStoreNames, systemsInRole } from './catalogue';
import type { ConnectorDefinition } from './definition';
import type { EvidenceConfig } from './evidence-settings';
import type { GithubConfig } from './github/settings';
import type { NftablesConfig } from './nftables/settings';
import type { OpenBaoConfig } from './openbao/settings';
import { CONNECTORS } from './registry';
import type { ScimConfig } from './scim/settings';
import type { SlackConfig } from './slack/settings';
import type { SmtpConfig } from './smtp/settings';
import type { VendorsConfig } from './vendor-http/settings';

export type { AwsConfig } from './aws/settings';
export type { EvidenceConfig } from './evidence-settings';

/** A schema and where in the file it goes. */
interface Placement {
  path: readonly string[];
  schema: z.ZodType;
  owner: string;
}

/** A node of the file's tree: a settings schema at a leaf, nested keys otherwise. */
type Node = { leaf: Placement } | { children: Map<string, Node> };

export function accessReportSection(connectors: readonly ConnectorDefinition[] = CONNECTORS) {
  const systems = systemsInRole('access-report', connectors);
  return z.strictObject({
    /** Systems asked for the person's remaining access, in report order. */
    systems: z.array(z.enum(systems.length > 0 ? (systems as [string, ...string[]]) : ['(none)'])).min(1),
  });
}

function placements(connectors: readonly ConnectorDefinition[]): Placement[] {
  const placed: Placement[] = [];
  for (const connector of connectors) {
    const same = placed.find((p) => p.path.join('.') === connector.settings.path.join('.'));
    // Systems sharing a section (AWS IAM and security groups share `aws`) share its schema object.
    if (same && same.schema === connector.settings.schema) continue;
    if (same) throw new Error(`connectors ${same.owner} and ${connector.id} both define section ${connector.settings.path.join('.')}`);
    placed.push({ path: connector.settings.path, schema: connector.settings.schema, owner: connector.id });
  }
  const stores = evidenceStoreNames(connectors);
  if (stores.length > 0) {
    // Store used when a step names none.
    placed.push({ path: ['evidence', 'default_store'], schema: z.enum(stores as [string, ...string[]]), owner: 'evidence.collect' });
  }
  placed.push({ path: ['access_report'], schema: accessReportSection(connectors), owner: 'identity.access_report' });
  return placed;
}

function insert(root: Map<string, Node>, placement: Placement): void {
  let level = root;
  placement.path.forEach((key, index) => {
    const last = index === placement.path.length - 1;
    const existing = level.get(key);
    if (last) {
      if (existing) throw new Error(`section ${placement.path.join('.')} (${placement.owner}) overlaps another section`);
      level.set(key, { leaf: placement });
      return;
    }
    if (existing && 'leaf' in existing) throw new Error(`section ${placement.path.join('.')} (${placement.owner}) lies inside ${existing.leaf.owner}'s section`);
    const node = existing ?? { children: new Map<string, Node>() };
    level.set(key, node);
    level = node.children;
  });
}

/** Nested levels (`evidence.stores`) default to empty, so `evidence: {}` stays valid. */
function toSchema(children: Map<string, Node>, depth: number): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, node] of children) {
    if ('leaf' in node) shape[key] = node.leaf.schema.optional();
    else {
      const nested = toSchema(node.children, depth + 1);
      shape[key] = depth === 0 ? nested.optional() : nested.default({});
    }
  }
  return z.strictObject(shape);
}

/** The whole file's schema for `connectors` (the registry by default). */
export function connectorsFileSchema(connectors: readonly ConnectorDefinition[] = CONNECTORS): z.ZodObject {
  const root = new Map<string, Node>();
  for (const placement of placements(connectors)) insert(root, placement);
  const sections = toSchema(root, 0);
  return z.strictObject({ version: z.literal(1, { message: 'must be 1 (the connectors file format version)' }) }).extend(sections.shape);
}

/**
 * The collections of the file and their limit: each is refused at its first entry past it, before
 * the schema (whose work, and doctor's probes, grow with the number of entries) sees the file.
 */
export function connectorsEntryLimits(connectors: readonly ConnectorDefinition[] = CONNECTORS): EntryLimit[] {
  const limits = new Map<string, EntryLimit>();
  for (const connector of connectors) {
    for (const relative of connector.settings.listLimits ?? []) {
      const path = [...connector.settings.path, ...relative];
      limits.set(path.join('\u0000'), { path, limit: 'connectorEntries' });
    }
  }
  limits.set('access_report\u0000systems', { path: ['access_report', 'systems'], limit: 'connectorEntries' });
  return [...limits.values()];
}

/**
 * The parsed file as TypeScript sees the sections of Quell's own connectors (a test checks that
 * these keys are exactly the derived schema's). Other sections are reached with `valueAt`.
 */
export interface ConnectorsFile {
  version: 1;
  aws?: AwsConfig;
  nftables?: NftablesConfig;
  openbao?: OpenBaoConfig;
  github?: GithubConfig;
  scim?: ScimConfig;
  smtp?: SmtpConfig;
  slack?: SlackConfig;
  evidence?: EvidenceConfig;
  vendors?: VendorsConfig;
  access_report?: AccessReportConfig;
}

export type AccessReportConfig = z.output<ReturnType<typeof accessReportSection>>;
