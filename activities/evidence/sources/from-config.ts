/**
 * The evidence sources the connectors file configures. `record` is always available (it reads
 * nothing outside the run); a source that needs AWS without an `aws` section is reported with the
 * reason instead of being built.
 */
import path from 'node:path';
import type { AwsClients } from '../../aws/clients';
import type { Resolved } from '../../live/config-file';
import type { EvidenceConfig } from '../../live/config-schema';
import { CloudTrailSource } from './cloudtrail';
import { CloudWatchLogsSource } from './cloudwatch-logs';
import { FileSource } from './file-source';
import { HttpSource } from './http-source';
import { PathAllowlist } from './path-allowlist';
import { RecordSource } from './record-source';
import type { EvidenceSource, SourceKind } from './source';

export interface ConfiguredSources {
  sources: Map<SourceKind, EvidenceSource>;
  /** Connector id → why the configured source cannot be used. */
  unusable: Map<string, string>;
}

const NO_AWS = 'the connectors file has no `aws` section (region, credentials)';

/** Builds (without I/O) each configured source, or records why it cannot be used. */
export function createEvidenceSources(evidence: Resolved<EvidenceConfig>, options: { aws?: AwsClients; baseDir: string }): ConfiguredSources {
  const sources = new Map<SourceKind, EvidenceSource>([['record', new RecordSource()]]);
  const unusable = new Map<string, string>();
  const { aws } = options;
  const configured = evidence.sources;
  if (configured['cloudwatch-logs']) {
    if (aws) sources.set('cloudwatch-logs', new CloudWatchLogsSource(aws.logs, configured['cloudwatch-logs'].log_groups));
    else unusable.set('evidence-source:cloudwatch-logs', NO_AWS);
  }
  if (configured.cloudtrail) {
    if (aws) sources.set('cloudtrail', new CloudTrailSource(aws.cloudtrail));
    else unusable.set('evidence-source:cloudtrail', NO_AWS);
  }
  if (configured.file) sources.set('file', new FileSource(new PathAllowlist(configured.file.paths, path.resolve(options.baseDir))));
  if (configured.http) sources.set('http', new HttpSource(configured.http));
  return { sources, unusable };
}
