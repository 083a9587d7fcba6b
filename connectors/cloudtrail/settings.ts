/** The connectors file's `evidence.sources.cloudtrail` section: nothing to set beyond `aws`. */
import { z } from 'zod';

export const CloudTrailSettings = z.strictObject({});

export type CloudTrailConfig = z.output<typeof CloudTrailSettings>;
