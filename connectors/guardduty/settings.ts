/** The connectors file's `evidence.sources.guardduty` section: nothing to set beyond `aws`. */
import { z } from 'zod';

export const GuardDutySettings = z.strictObject({});

export type GuardDutyConfig = z.output<typeof GuardDutySettings>;
