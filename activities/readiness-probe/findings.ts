/**
 * Turns what the read-only checks found into readiness findings, one sentence each, worded from
 * the step's point of view: "the key revoke would have failed: permission iam:UpdateAccessKey
 * missing on IAM user ci-deployer (…)". Passed checks of one kind are folded into one finding, so
 * a report lists problems one by one and successes briefly.
 *
 * Pure.
 */
import type { ReadinessFinding } from '../../common/drill-state';
import type { ConnectorProbe, PermissionCheck } from '../../connectors/connector';
import { actionPhrase, NOT_CHECKABLE } from './wording';

/** The step and action a finding is about, and what it would have touched. */
export interface FindingSubject {
  stepId: string;
  action: string;
  target?: string;
}

function finding(subject: FindingSubject, check: string, ok: boolean, detail: string, system?: string, target?: string): ReadinessFinding {
  const touched = target ?? subject.target;
  return { stepId: subject.stepId, action: subject.action, ...(system ? { system } : {}), ...(touched ? { target: touched } : {}), check, ok, detail };
}

const failed = (subject: FindingSubject, why: string) => `${actionPhrase(subject.action)} would have failed: ${why}`;

/** A problem visible from the configuration alone (no connector, a vendor without a channel…). */
export function configurationFinding(subject: FindingSubject, problem: string): ReadinessFinding {
  return finding(subject, 'configured', false, failed(subject, problem));
}

export function configuredFinding(subject: FindingSubject, connectors: readonly string[]): ReadinessFinding {
  return finding(subject, 'configured', true, `configured: connector${connectors.length === 1 ? '' : 's'} ${connectors.join(', ')}`);
}

/**
 * The connector's health probes (reachable, credentials accepted, what it checks of itself).
 * `undefined`: its probes write something, so a read-only probe did not run them.
 */
export function connectorFindings(subject: FindingSubject, system: string, probes: readonly ConnectorProbe[] | undefined): ReadinessFinding[] {
  if (probes === undefined) {
    return [finding(subject, 'connector', true, `connector ${system}: health probes skipped (they write); its permissions are checked below`, system)];
  }
  const failing = probes.filter((probe) => !probe.ok);
  if (failing.length === 0) {
    return [finding(subject, 'connector', true, `connector ${system} answers: ${probes.map((p) => `${p.name}: ${p.detail}`).join('; ')}`, system)];
  }
  return failing.map((probe) => finding(subject, 'connector', false, failed(subject, `connector ${system} ${probe.name}: ${probe.detail}`), system));
}

/**
 * The permission verdicts a connector gave for the step. `undefined`: the connector has no
 * read-only permission check at all.
 */
export function permissionFindings(subject: FindingSubject, system: string, checks: readonly PermissionCheck[] | undefined): ReadinessFinding[] {
  if (checks === undefined) {
    return [finding(subject, 'permission', false, `${NOT_CHECKABLE}: ${system} offers no way to ask what its credentials may do without acting`, system)];
  }
  const findings: ReadinessFinding[] = [];
  const on = (check: PermissionCheck) => (check.target ? ` on ${check.target}` : '');
  for (const check of checks) {
    if (check.verdict === 'missing') {
      findings.push(finding(subject, 'permission', false, failed(subject, `permission ${check.permission} missing${on(check)} (${check.detail})`), system, check.target));
    } else if (check.verdict === 'not-checkable') {
      findings.push(finding(subject, 'permission', false, `${NOT_CHECKABLE}: ${check.permission}${on(check)}: ${check.detail}`, system, check.target));
    }
  }
  const granted = checks.filter((check) => check.verdict === 'granted');
  const targets = [...new Set(granted.map((check) => check.target).filter((t): t is string => t !== undefined))];
  if (granted.length > 0) {
    const where = targets.length > 0 ? ` on ${targets.join(', ')}` : '';
    const why = [...new Set(granted.map((check) => check.detail))].join('; ');
    findings.push(finding(subject, 'permission', true, `permission${granted.length === 1 ? '' : 's'} ${granted.map((c) => c.permission).join(', ')} granted${where} (${why})`, system, targets.length === 1 ? targets[0] : undefined));
  }
  return findings;
}

/** The probe itself broke for one connector (a bug, not an answer): said as such, never as a pass. */
export function probeErrorFinding(subject: FindingSubject, system: string, error: unknown): ReadinessFinding {
  return finding(subject, 'probe', false, `the readiness probe of ${system} broke: ${error instanceof Error ? error.message : String(error)}`, system);
}
