/** The connectors file's `evidence.sources.file` section. */
import { z } from 'zod';
import { configText } from '../../config/config-text';

export const FileEvidenceSettings = z.strictObject({
  /**
   * Files and globs (`**` allowed) the `file` source may read; paths outside are refused. A
   * relative entry is relative to the connectors file's folder.
   */
  paths: z.array(configText()).min(1),
});

export type FileEvidenceConfig = z.output<typeof FileEvidenceSettings>;
