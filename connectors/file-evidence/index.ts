/**
 * Files on the worker's host as an evidence source: `evidence.collect` with `source: file` copies
 * the files a step names in `paths`, only within the paths the connectors file allows.
 */
import { defineConnector } from '../definition';
import type { EvidenceConnectorNeeds } from '../evidence-roles';
import { FILE_EVIDENCE_CONNECTOR } from './connector-id';
import { allowlistOf, requestProblems } from './requests';
import { FileEvidenceSettings, type FileEvidenceConfig } from './settings';

const needs: EvidenceConnectorNeeds<FileEvidenceConfig> = (_action, params, settings, context) =>
  requestProblems(params, allowlistOf(settings.paths, context?.baseDir ?? '.'));

export const fileEvidence = defineConnector({
  id: FILE_EVIDENCE_CONNECTOR,
  title: 'Files on the worker host',
  settings: { path: ['evidence', 'sources', 'file'], schema: FileEvidenceSettings, secrets: [], listLimits: [['paths']] },
  roles: { 'evidence-source': 'files and globs in `paths`, only inside the allowed paths (symbolic links included), byte for byte' },
  needs,
  live: () => import('./live'),
});
