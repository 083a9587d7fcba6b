/**
 * How readiness findings are worded: what each action is called in a sentence ("the key revoke
 * would have failed: …"), what it would have touched, and how a permission no system could judge
 * read-only is marked, so the CLI can show it as unknown rather than as passed or failed.
 *
 * Pure.
 */
import type { ActionName } from '../../common/actions';
import type { ReadinessFinding } from '../../common/drill-state';

/** Starts the detail of every finding whose permission could not be checked without acting. */
export const NOT_CHECKABLE = 'permission not checkable read-only';

const ACTION_PHRASES: Record<ActionName, string> = {
  'credentials.revoke': 'the key revoke',
  'sessions.revoke': 'the session revoke',
  'credentials.deactivate': 'the key deactivation',
  'credentials.reactivate': 'the key reactivation',
  'credentials.list': 'the key listing',
  'access.deny_all': 'the deny-all policy',
  'access.restore': 'the access restore',
  'mfa.deactivate': 'the MFA deactivation',
  'egress.block': 'the egress block',
  'egress.unblock': 'the egress unblock',
  'evidence.collect': 'the evidence collection',
  'vendor.request_deletion': 'the deletion request',
  'vendor.request': 'the vendor request',
  'identity.deprovision': 'the deprovisioning',
  'identity.access_report': 'the access report',
  notify: 'the notification',
};

/** "the key revoke", or the action's name for an action this version does not know. */
export function actionPhrase(action: string): string {
  return (ACTION_PHRASES as Record<string, string>)[action] ?? `the ${action} action`;
}

/** What a step's parameters say it would touch, when known before the run. */
export function targetOf(params: Record<string, unknown>): string | undefined {
  for (const key of ['principal', 'user', 'vendor', 'target', 'rule_id', 'source']) {
    const value = params[key];
    if (typeof value === 'string' && value !== '') return key === 'source' ? `evidence source ${value}` : value;
  }
  if (Array.isArray(params.cidrs) && params.cidrs.length > 0) return params.cidrs.filter((c) => typeof c === 'string').join(', ');
  return undefined;
}

/** Whether a finding says a permission could not be judged without acting (neither passed nor failed). */
export function isNotCheckable(finding: Pick<ReadinessFinding, 'check' | 'detail' | 'ok'>): boolean {
  return !finding.ok && finding.check === 'permission' && finding.detail.startsWith(NOT_CHECKABLE);
}
