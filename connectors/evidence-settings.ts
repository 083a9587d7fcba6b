/**
 * The TypeScript shape of the connectors file's `evidence` section: the evidence store and
 * source connectors' settings under `stores:` and `sources:`, plus `default_store`. Files are
 * validated by the schema derived from the registry (./connectors-file-schema.ts); this one only
 * gives the evidence code its types. The `record` source reads nothing outside the run and has
 * no settings.
 */
import { z } from 'zod';
import { CloudTrailSettings } from './cloudtrail/settings';
import { CloudWatchLogsSettings } from './cloudwatch-logs/settings';
import { FileEvidenceSettings } from './file-evidence/settings';
import { GuardDutySettings } from './guardduty/settings';
import { HttpEvidenceSettings } from './http-evidence/settings';
import { IamCredentialReportSettings } from './iam-credential-report/settings';
import { LocalEvidenceStoreSettings } from './local-evidence-store/settings';
import { S3ObjectLockSettings } from './s3-object-lock/settings';

export const EvidenceSection = z.strictObject({
  stores: z
    .strictObject({
      's3-object-lock': S3ObjectLockSettings.optional(),
      local: LocalEvidenceStoreSettings.optional(),
    })
    .default({}),
  sources: z
    .strictObject({
      'cloudwatch-logs': CloudWatchLogsSettings.optional(),
      cloudtrail: CloudTrailSettings.optional(),
      file: FileEvidenceSettings.optional(),
      http: HttpEvidenceSettings.optional(),
      'iam-credential-report': IamCredentialReportSettings.optional(),
      guardduty: GuardDutySettings.optional(),
    })
    .default({}),
  /** Store used when a step names none. */
  default_store: z.string().optional(),
});

export type EvidenceConfig = z.output<typeof EvidenceSection>;
