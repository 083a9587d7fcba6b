/** The connectors file's `evidence.stores.s3-object-lock` section (credentials: the `aws` section). */
import { z } from 'zod';
import { configText } from '../../config/config-text';

export const S3ObjectLockSettings = z.strictObject({
  /** A bucket created with Object Lock enabled. */
  bucket: configText(),
  /** COMPLIANCE: nobody, root included, can shorten or remove the retention. */
  mode: z.enum(['COMPLIANCE', 'GOVERNANCE']).default('COMPLIANCE'),
  retention_days: z.int().min(1).max(36500).default(365),
  prefix: z.string().default('quell-evidence/'),
});

export type S3ObjectLockConfig = z.output<typeof S3ObjectLockSettings>;
