/** The live half of the `http` evidence source. Building does no I/O. */
import type { Resolved } from '../../config/secret';
import type { LiveModule, LiveSystem } from '../definition';
import { probingConnector } from '../evidence-io/probing';
import type { EvidenceSource } from '../evidence-roles';
import { HTTP_EVIDENCE_CONNECTOR } from './connector-id';
import type { HttpEvidenceConfig } from './settings';
import { HttpSource } from './source';

export const build: LiveModule<Resolved<HttpEvidenceConfig>>['build'] = (settings): LiveSystem<EvidenceSource> => {
  const source = new HttpSource(settings);
  return {
    connector: probingConnector(HTTP_EVIDENCE_CONNECTOR, `evidence source: ${source.description}`, () => source.check()),
    roles: source,
  };
};
