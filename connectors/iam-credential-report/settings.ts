/** The connectors file's `evidence.sources.iam-credential-report` section: nothing to set beyond `aws`. */
import { z } from 'zod';

export const IamCredentialReportSettings = z.strictObject({});

export type IamCredentialReportConfig = z.output<typeof IamCredentialReportSettings>;
