/** The connectors file's `evidence.sources.cloudwatch-logs` section. */
import { z } from 'zod';
import { configText } from '../../config/config-text';

export const CloudWatchLogsSettings = z.strictObject({
  /** Groups searched when a step names none (and probed by `quell doctor`). */
  log_groups: z.array(configText()).min(1),
});

export type CloudWatchLogsConfig = z.output<typeof CloudWatchLogsSettings>;
