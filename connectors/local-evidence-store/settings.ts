/** The connectors file's `evidence.stores.local` section. */
import { z } from 'zod';
import { configText } from '../../config/config-text';

export const LocalEvidenceStoreSettings = z.strictObject({
  /** The folder copies and custody logs are kept in; relative to the connectors file's folder. */
  dir: configText(),
});

export type LocalEvidenceStoreConfig = z.output<typeof LocalEvidenceStoreSettings>;
