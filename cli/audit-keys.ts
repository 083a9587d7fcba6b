/**
 * The dossier keys as the audit commands read them: QUELL_AUDIT_SIGNING_KEY and
 * QUELL_AUDIT_PUBLIC_KEY, or the files a flag names instead, each read once. An unusable file is
 * a CliFailure naming it.
 */
import { auditKeyFiles, readAuditKeys, type AuditKeyFiles, type AuditKeys } from '../reports/audit/key-files';
import { SigningKeyError } from '../reports/audit/signing';
import type { CliContext } from './context';
import { CliFailure } from './failure';

/** `replace` stands in for the environment's files entirely (a flag names the one key to use). */
export function cliAuditKeys(ctx: CliContext, replace?: AuditKeyFiles, exitCode?: number): AuditKeys {
  try {
    return readAuditKeys(replace ?? auditKeyFiles(ctx.env));
  } catch (error) {
    if (error instanceof SigningKeyError) throw new CliFailure(error.message, exitCode);
    throw error;
  }
}
