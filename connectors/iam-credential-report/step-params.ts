/**
 * What a step may ask of the credential report: the whole report, or with `principal` only that
 * user's row. The report has no query language, so a `query` is refused rather than ignored.
 * Shared by the definition's pre-flight check and the live source.
 */
import type { CollectParams } from '../evidence-roles';

export function credentialReportProblems(params: Partial<CollectParams>): string[] {
  return params.query === undefined
    ? []
    : [`iam-credential-report: query "${params.query}" cannot be used (the report lists every IAM user; give principal to keep one user's row)`];
}
