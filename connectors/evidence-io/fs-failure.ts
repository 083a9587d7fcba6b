/**
 * Classifies file-system errors of the evidence connectors like remote failures: a missing path
 * or a refused permission will not heal by retrying; a full disk or an I/O error may.
 */
import type { ApplicationFailure } from '@temporalio/common';
import { authFailure, invalidFailure, isClassified, notFoundFailure, unavailableFailure, type FailureSite } from '../failures';

export function classifyFsError(site: FailureSite, error: unknown): ApplicationFailure {
  if (isClassified(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = `${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`;
  switch (code) {
    case 'ENOENT':
      return notFoundFailure(site, detail, error);
    case 'EACCES':
    case 'EPERM':
      return authFailure(site, `permission denied (${detail})`, error);
    case 'EROFS':
    case 'EISDIR':
    case 'ENOTDIR':
    case 'ELOOP':
      return invalidFailure(site, detail, error);
    default:
      return unavailableFailure(site, detail, error);
  }
}
