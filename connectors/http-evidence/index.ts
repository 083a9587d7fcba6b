/**
 * An HTTP endpoint as an evidence source: `evidence.collect` with `source: http` stores the body
 * of a GET (JSON or NDJSON) that is given the step's query, principal and window.
 */
import { defineConnector } from '../definition';
import { HTTP_EVIDENCE_CONNECTOR } from './connector-id';
import { HttpEvidenceSettings } from './settings';
import { CREDENTIAL_ADVICE } from '../../config/http-url';

export const httpEvidence = defineConnector({
  id: HTTP_EVIDENCE_CONNECTOR,
  title: 'HTTP evidence endpoint',
  settings: { path: ['evidence', 'sources', 'http'], schema: HttpEvidenceSettings, secrets: ['token'], credentialAdvice: CREDENTIAL_ADVICE.bearerToken },
  roles: { 'evidence-source': 'the body of a GET with `query`, `principal`, `since` and `until` as query parameters, stored as it streams in' },
  live: () => import('./live'),
});
