/**
 * The registry: every connector Quell has, one line each. Everything that lists systems is
 * derived from this list (see ./definition.ts); nothing else names them.
 */
import type { ConnectorDefinition } from './definition';
import { nftables } from './nftables';
// ── connector imports (one line per connector) ──
import { awsIam } from './aws-iam';
import { awsSg } from './aws-sg';
import { openbao } from './openbao';
import { github } from './github';
import { scim } from './scim';
import { smtp } from './smtp';
import { slack } from './slack';
import { vendorHttp } from './vendor-http';
import { s3ObjectLock } from './s3-object-lock';
import { localEvidenceStore } from './local-evidence-store';
import { cloudwatchLogs } from './cloudwatch-logs';
import { cloudtrail } from './cloudtrail';
import { fileEvidence } from './file-evidence';
import { httpEvidence } from './http-evidence';
import { iamCredentialReport } from './iam-credential-report';
import { guardduty } from './guardduty';

/** In README order. */
export const CONNECTORS: readonly ConnectorDefinition[] = [
  nftables,
  // ── connector entries (one line per connector) ──
  awsIam,
  awsSg,
  openbao,
  github,
  scim,
  smtp,
  slack,
  vendorHttp,
  s3ObjectLock,
  localEvidenceStore,
  cloudwatchLogs,
  cloudtrail,
  fileEvidence,
  httpEvidence,
  iamCredentialReport,
  guardduty,
];
