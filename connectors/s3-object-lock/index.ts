/**
 * An S3 bucket with Object Lock as an evidence store: `evidence.collect` with
 * `store: s3-object-lock` keeps every copy and custody entry as a locked object version that
 * nobody can delete or shorten before its retention ends. Uses the shared `aws` section.
 */
import { defineConnector } from '../definition';
import { S3_STORE_CONNECTOR } from './connector-id';
import { S3ObjectLockSettings } from './settings';

export const s3ObjectLock = defineConnector({
  id: S3_STORE_CONNECTOR,
  title: 'Amazon S3 Object Lock',
  settings: { path: ['evidence', 'stores', 's3-object-lock'], schema: S3ObjectLockSettings, secrets: [], requires: [['aws']] },
  roles: { 'evidence-store': 'locked object versions (COMPLIANCE mode by default) uploaded with their sha256 checksum; custody entries are conditional writes' },
  live: () => import('./live'),
});
