/**
 * The inline deny policies Quell attaches to IAM users and roles, and how to tell them apart from
 * anything else: `access.deny_all` writes QuellDenyAll (deny everything, no condition);
 * `sessions.revoke` writes quell-revoke-older-sessions (./session-policy). `access.restore` may
 * remove a policy only when its name is one of these AND every statement in it is exactly what
 * Quell writes (its statement id carries a step token): a policy an administrator wrote under one
 * of these names, or edited afterwards, is somebody else's and stays.
 */
import { SESSION_REVOCATION_POLICY, SESSION_REVOCATION_SID_PREFIX } from './session-policy';

/** The inline policy name Quell reserves for the unconditional deny. */
export const DENY_ALL_POLICY = 'QuellDenyAll';

const DENY_ALL_SID_PREFIX = 'QuellDenyAll';
/** Step tokens are hex (../aws/idempotency-token); anything else in a statement id is not Quell's. */
const TOKEN = /^[0-9a-f]{8,64}$/;

/** The deny-all document (JSON text) for the step with `token`. */
export function denyAllDocument(token: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: `${DENY_ALL_SID_PREFIX}${token}`, Effect: 'Deny', Action: '*', Resource: '*' }],
  });
}

interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Action?: unknown;
  Resource?: unknown;
  Condition?: unknown;
  [other: string]: unknown;
}

/** The statements of a document as IAM returns it (URL-encoded JSON); undefined when it is not a policy. */
function statementsOf(document: string): Statement[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const statement = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(statement) ? statement : statement !== undefined ? [statement] : [];
  return list.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item)) ? (list as Statement[]) : undefined;
}

function isEverything(value: unknown): boolean {
  return value === '*' || (Array.isArray(value) && value.length === 1 && value[0] === '*');
}

/** The step token in a statement id with `prefix`, or undefined when the id is not one Quell writes. */
function tokenOf(statement: Statement, prefix: string): string | undefined {
  if (typeof statement.Sid !== 'string' || !statement.Sid.startsWith(prefix)) return undefined;
  const token = statement.Sid.slice(prefix.length);
  return TOKEN.test(token) ? token : undefined;
}

/** Deny, every action, every resource, and no key other than `allowed` (no NotAction, no Principal…). */
function isBareDeny(statement: Statement, allowed: readonly string[]): boolean {
  const keys = Object.keys(statement);
  return statement.Effect === 'Deny' && isEverything(statement.Action) && isEverything(statement.Resource) && keys.every((key) => allowed.includes(key));
}

/**
 * The token of the step that wrote a deny-all document, or undefined when the document is not
 * exactly one Quell deny-all statement (a look-alike without Quell's statement id does not count).
 */
export function denyAllToken(document: string): string | undefined {
  const statements = statementsOf(document);
  if (statements?.length !== 1) return undefined;
  const [statement] = statements;
  return isBareDeny(statement, ['Sid', 'Effect', 'Action', 'Resource']) ? tokenOf(statement, DENY_ALL_SID_PREFIX) : undefined;
}

/** True when the document is exactly one session revocation as ./session-policy writes it. */
export function isQuellSessionRevocation(document: string): boolean {
  const statements = statementsOf(document);
  if (statements?.length !== 1) return false;
  const [statement] = statements;
  if (!isBareDeny(statement, ['Sid', 'Effect', 'Action', 'Resource', 'Condition']) || tokenOf(statement, SESSION_REVOCATION_SID_PREFIX) === undefined) return false;
  const condition = statement.Condition as Record<string, unknown> | undefined;
  if (condition === null || typeof condition !== 'object' || Object.keys(condition).join() !== 'DateLessThan') return false;
  const dateLessThan = condition.DateLessThan as Record<string, unknown> | undefined;
  if (dateLessThan === null || typeof dateLessThan !== 'object' || Object.keys(dateLessThan).join() !== 'aws:TokenIssueTime') return false;
  const cutoff = dateLessThan['aws:TokenIssueTime'];
  return typeof cutoff === 'string' && !Number.isNaN(Date.parse(cutoff));
}

/** Every policy name Quell writes, with the test that says a document under it is really Quell's. */
export const QUELL_DENY_POLICIES: ReadonlyArray<{ name: string; isQuells(document: string): boolean }> = [
  { name: DENY_ALL_POLICY, isQuells: (document) => denyAllToken(document) !== undefined },
  { name: SESSION_REVOCATION_POLICY, isQuells: isQuellSessionRevocation },
];
