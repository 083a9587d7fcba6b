/**
 * Decides, from identity policy documents alone, whether they allow one action on one resource:
 * the fallback when IAM's own policy simulator cannot be asked (an emulator without it, or a
 * caller not allowed iam:SimulatePrincipalPolicy but allowed to read its own policies).
 *
 * It follows IAM's order: an explicit deny wins, then an allow, else the implicit deny. Wildcards
 * (`*`, `?`) work as in IAM, actions case-insensitively. A statement with a `Condition` cannot be
 * judged without the request's context, so a decision that hangs on one is `conditional`, never
 * guessed. Permission boundaries, service control policies and resource policies are not seen here.
 *
 * Pure: no I/O.
 */

export type PolicyDecision = 'allowed' | 'explicitDeny' | 'implicitDeny' | 'conditional';

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/** A policy document as IAM returns it: JSON, often URL-encoded. Unreadable text gives no statements. */
export function policyStatements(document: string): Statement[] {
  for (const text of [document, safeDecode(document)]) {
    try {
      const parsed = JSON.parse(text) as { Statement?: unknown };
      const statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
      return statements.filter((s): s is Statement => s !== null && typeof s === 'object');
    } catch {
      // try the decoded form next
    }
  }
  return [];
}

/** What the statements of every document say about `action` (e.g. `iam:UpdateAccessKey`) on `resource`. */
export function evaluatePolicies(documents: readonly string[], action: string, resource: string): PolicyDecision {
  let allowed = false;
  let hangsOnCondition = false;
  for (const statement of documents.flatMap(policyStatements)) {
    if (!appliesTo(statement, action, resource)) continue;
    const conditional = statement.Condition !== undefined && statement.Condition !== null && Object.keys(statement.Condition as object).length > 0;
    if (statement.Effect === 'Deny') {
      if (!conditional) return 'explicitDeny';
      hangsOnCondition = true;
    } else if (statement.Effect === 'Allow') {
      if (conditional) hangsOnCondition = true;
      else allowed = true;
    }
  }
  if (hangsOnCondition) return 'conditional';
  return allowed ? 'allowed' : 'implicitDeny';
}

function appliesTo(statement: Statement, action: string, resource: string): boolean {
  const actionMatches =
    statement.Action !== undefined
      ? list(statement.Action).some((pattern) => wildcard(pattern, action, true))
      : statement.NotAction !== undefined && !list(statement.NotAction).some((pattern) => wildcard(pattern, action, true));
  if (!actionMatches) return false;
  if (statement.Resource !== undefined) return list(statement.Resource).some((pattern) => wildcard(pattern, resource, false));
  if (statement.NotResource !== undefined) return !list(statement.NotResource).some((pattern) => wildcard(pattern, resource, false));
  return false;
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
