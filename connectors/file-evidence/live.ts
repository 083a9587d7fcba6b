/** The live half of the `file` evidence source. Building does no I/O beyond resolving the allowed entries. */
import type { LiveModule, LiveSystem } from '../definition';
import { probingConnector } from '../evidence-io/probing';
import type { EvidenceSource } from '../evidence-roles';
import { FILE_EVIDENCE_CONNECTOR } from './connector-id';
import { allowlistOf } from './requests';
import type { FileEvidenceConfig } from './settings';
import { FileSource } from './source';

export const build: LiveModule<FileEvidenceConfig>['build'] = (settings, shared): LiveSystem<EvidenceSource> => {
  const source = new FileSource(allowlistOf(settings.paths, shared.baseDir));
  return {
    connector: probingConnector(FILE_EVIDENCE_CONNECTOR, `evidence source: ${source.description}`, () => source.check()),
    roles: source,
  };
};
