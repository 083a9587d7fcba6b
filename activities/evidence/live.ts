/**
 * The evidence family: `evidence.collect` with chain of custody, from the connectors file's
 * `evidence` section. Connectors: `evidence-store:s3-object-lock` and `evidence-store:local`
 * (where copies and custody logs are kept), `evidence-source:<name>` for cloudwatch-logs,
 * cloudtrail, file and http (`record` reads nothing outside the run and needs none).
 */
import path from 'node:path';
import type { Connector, ConnectorProbe } from '../live/connector';
import type { LiveFamily } from '../live/contribution';
import { EvidenceCollectProvider } from './collect-provider';
import { createEvidenceSources } from './sources/from-config';
import { createEvidenceStores } from './stores/from-config';

/** Scratch folder (under the worker's data folder) for artifacts on their way to S3. */
export function evidenceSpoolDir(dataDir: string): string {
  return path.join(dataDir, 'evidence-spool');
}

/**
 * Builds the evidence connectors and the `evidence.collect` provider from the `evidence` section
 * (nothing when it is absent). Building does no I/O; connectors probe only when checked.
 */
export const evidenceFamily: LiveFamily = (config, shared) => {
  const evidence = config.evidence;
  if (!evidence) return { connectors: [] };
  const baseDir = path.dirname(config.file);
  const { stores, unusable: unusableStores } = createEvidenceStores(evidence, { aws: shared.aws, spoolDir: evidenceSpoolDir(shared.dataDir), baseDir });
  const { sources, unusable: unusableSources } = createEvidenceSources(evidence, { aws: shared.aws, baseDir });
  const unusable = new Map([...unusableStores, ...unusableSources]);

  const connectors: Connector[] = [
    ...[...stores.values()].map((store) => probing(`evidence-store:${store.kind}`, `evidence store ${store.location}`, () => store.check())),
    ...[...sources.values()].flatMap((source) =>
      source.connector ? [probing(source.connector, `evidence source: ${source.description}`, () => source.check())] : [],
    ),
    ...[...unusable].map(([id, reason]) => probing(id, 'evidence (not usable)', async () => [{ name: 'configuration', ok: false, detail: reason }])),
  ];
  const provider = new EvidenceCollectProvider({
    stores,
    sources,
    unusable,
    ...(evidence.default_store ? { defaultStore: evidence.default_store } : {}),
    logger: shared.logger.child({ family: 'evidence' }),
  });
  return { connectors, providers: { 'evidence.collect': provider } };
};

/** A connector whose check never rejects: an unexpected error becomes a failing probe. */
function probing(id: string, description: string, check: () => Promise<ConnectorProbe[]>): Connector {
  return {
    id,
    description,
    async check() {
      try {
        return await check();
      } catch (error) {
        return [{ name: 'check', ok: false, detail: error instanceof Error ? error.message : String(error) }];
      }
    },
  };
}
