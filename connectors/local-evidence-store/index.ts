/**
 * A folder on the worker's host as an evidence store: `evidence.collect` with `store: local`
 * keeps read-only copies and custody entries there. Unlike S3 Object Lock, the folder's owner
 * (or root) can still remove them.
 */
import { defineConnector } from '../definition';
import { LOCAL_STORE_CONNECTOR } from './connector-id';
import { LocalEvidenceStoreSettings } from './settings';

export const localEvidenceStore = defineConnector({
  id: LOCAL_STORE_CONNECTOR,
  title: 'Local evidence folder',
  settings: { path: ['evidence', 'stores', 'local'], schema: LocalEvidenceStoreSettings, secrets: [] },
  roles: { 'evidence-store': 'read-only files in `dir`, flushed to disk before they are renamed into place; custody entries are published with link(2)' },
  live: () => import('./live'),
});
