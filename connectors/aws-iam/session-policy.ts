/**
 * The inline policy that revokes the temporary credentials an IAM user or role has already been
 * issued: deny every action to requests signed with a session token issued before a cutoff
 * (`aws:TokenIssueTime`), the mechanism AWS documents for revoking temporary security credentials.
 * Requests signed with a user's long-term keys carry no token issue time, so the policy does not
 * touch them (that is credentials.revoke's job), and sessions issued after the cutoff work again.
 * access.restore removes it (./quell-policies).
 *
 * The statement id carries the idempotency token of the step that wrote it, so a repeat of that
 * step can recognise its own cutoff (see ./sessions-revoke).
 */

/** The inline policy name (on a user or a role) Quell reserves for the revocation. */
export const SESSION_REVOCATION_POLICY = 'quell-revoke-older-sessions';

/** Starts the statement id of every revocation Quell writes; the step's token follows it. */
export const SESSION_REVOCATION_SID_PREFIX = 'QuellRevokeOlderSessions';

export interface SessionRevocation {
  /** Sessions issued before this instant are denied (ISO 8601, whole seconds, UTC). */
  cutoff: string;
  /** Token of the step that wrote the policy; undefined when the statement was not written by Quell. */
  token?: string;
}

/**
 * A cutoff for "now", rounded up to the next whole second: IAM compares whole seconds, and rounding
 * down could spare a session issued in the same second just before the revocation.
 */
export function cutoffFor(now: Date): string {
  return new Date(Math.ceil(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The policy document (JSON text) denying everything to sessions issued before `revocation.cutoff`. */
export function sessionRevocationDocument(revocation: Required<SessionRevocation>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `${SESSION_REVOCATION_SID_PREFIX}${revocation.token}`,
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': revocation.cutoff } },
      },
    ],
  });
}

interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Action?: unknown;
  Resource?: unknown;
  Condition?: { DateLessThan?: Record<string, unknown> };
}

/**
 * Reads a revocation back from a policy document as IAM returns it (URL-encoded JSON). Returns
 * undefined when the document holds no deny-all statement with a token-issue-time cutoff.
 */
export function parseSessionRevocation(document: string): SessionRevocation | undefined {
  let parsed: { Statement?: Statement | Statement[] };
  try {
    parsed = JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document)) as typeof parsed;
  } catch {
    return undefined;
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  for (const statement of statements) {
    const cutoff = statement.Condition?.DateLessThan?.['aws:TokenIssueTime'];
    if (statement.Effect !== 'Deny' || !coversEverything(statement.Action) || !coversEverything(statement.Resource)) continue;
    if (typeof cutoff !== 'string' || Number.isNaN(Date.parse(cutoff))) continue;
    const sid = typeof statement.Sid === 'string' ? statement.Sid : '';
    const token = sid.startsWith(SESSION_REVOCATION_SID_PREFIX) ? sid.slice(SESSION_REVOCATION_SID_PREFIX.length) : undefined;
    return { cutoff, ...(token ? { token } : {}) };
  }
  return undefined;
}

function coversEverything(value: unknown): boolean {
  return value === '*' || (Array.isArray(value) && value.includes('*'));
}
