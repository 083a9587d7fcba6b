/** The live half of the local evidence store. Building does no I/O: the folder is made on first use. */
import path from 'node:path';
import type { LiveModule, LiveSystem } from '../definition';
import { probingConnector } from '../evidence-io/probing';
import type { EvidenceStore } from '../evidence-roles';
import { LOCAL_STORE_CONNECTOR } from './connector-id';
import { localStorePermissionProbe } from './permissions';
import type { LocalEvidenceStoreConfig } from './settings';
import { LocalEvidenceStore } from './store';

export const build: LiveModule<LocalEvidenceStoreConfig>['build'] = (settings, shared): LiveSystem<EvidenceStore> => {
  // A relative folder is relative to the connectors file, as secret file paths are.
  const store = new LocalEvidenceStore(path.resolve(shared.baseDir, settings.dir));
  return {
    connector: {
      ...probingConnector(LOCAL_STORE_CONNECTOR, `evidence store ${store.location}`, () => store.check()),
      // check() writes a probe file; read-only callers ask the permission probe instead.
      checkWrites: true,
      permissionProbe: localStorePermissionProbe(store.location),
    },
    roles: store,
  };
};
