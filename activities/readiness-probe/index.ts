/**
 * The drill's readiness probe: for each action the drill's tabletop run will simulate, would it
 * have worked live on this worker? Asked read-only, never by acting: the connectors file says
 * whether the action is configured (../configured-needs.ts, as the live pre-flight does), each
 * connector's health probes say whether it is reachable and takes its credentials, and its
 * `permissionProbe` says whether those credentials may do what the step does to its target. A
 * connector whose health probes write something (a probe file) is asked only for permissions; one
 * with no permission probe is reported as "permission not checkable read-only", never as passed.
 *
 * Health probes run once per connector; permission probes once per step, since steps differ in
 * target. Nothing here throws for a connector's answer: every outcome is a finding.
 */
import type { DrillReadinessReport, ReadinessFinding } from '../../common/drill-state';
import type { Connector, ConnectorProbe } from '../../connectors/connector';
import type { LiveSetup } from '../action-performer';
import type { LiveReadinessRequest, LiveRequirement } from '../action-request';
import type { ApproversConfig } from '../../config/approvers-file';
import { approvalProblems } from '../approvers/readiness';
import { configuredNeeds } from '../configured-needs';
import { configuredFinding, configurationFinding, connectorFindings, permissionFindings, probeErrorFinding, type FindingSubject } from './findings';
import { targetOf } from './wording';

/**
 * @param approvers the worker's approvers file (undefined: none), so the report also says whether
 *   the gates could have been enforced live.
 */
export function createDrillReadinessProbe(setup: LiveSetup, approvers?: ApproversConfig) {
  /** Read-only; safe to retry (it changes nothing). Resolves with findings, whatever the connectors answer. */
  return async function probeDrillReadiness(request: LiveReadinessRequest): Promise<DrillReadinessReport> {
    const gates = approvalProblems(request, approvers).map(
      ({ stepId, action, problem }): ReadinessFinding => ({ stepId, action, check: 'approvers', ok: false, detail: `the live run would have been refused: ${problem}` }),
    );
    return { probedAt: new Date().toISOString(), findings: [...gates, ...(await probeReadiness(request, setup))] };
  };
}

export async function probeReadiness(request: LiveReadinessRequest, setup: LiveSetup): Promise<ReadinessFinding[]> {
  const health = new Map<string, Promise<ConnectorProbe[] | undefined>>();
  const healthOf = (connector: Connector): Promise<ConnectorProbe[] | undefined> => {
    let probes = health.get(connector.id);
    if (!probes) {
      probes = connector.checkWrites ? Promise.resolve(undefined) : connector.check();
      health.set(connector.id, probes);
    }
    return probes;
  };
  const findings: ReadinessFinding[] = [];
  // One step at a time: a drill's probe should not hit the systems with a burst of calls.
  for (const requirement of distinct(request.requirements)) {
    const { action, params, stepId } = requirement;
    const target = targetOf(params);
    const subject: FindingSubject = { stepId, action, ...(target ? { target } : {}) };
    if (!setup.file) {
      findings.push(configurationFinding(subject, `no live connector is configured for ${action} (this worker has no connectors file)`));
      continue;
    }
    const needs = configuredNeeds(action, params, setup.file);
    findings.push(...needs.problems.map((problem) => configurationFinding(subject, problem)));
    if (needs.problems.length === 0 && needs.connectors.length > 0) findings.push(configuredFinding(subject, needs.connectors));
    for (const id of needs.connectors) {
      const connector = setup.connectors.get(id);
      if (!connector) {
        findings.push(configurationFinding(subject, `connector ${id} is configured but not built on this worker`));
        continue;
      }
      try {
        findings.push(...connectorFindings(subject, id, await healthOf(connector)));
        const checks = connector.permissionProbe ? await connector.permissionProbe({ action, params }) : undefined;
        findings.push(...permissionFindings(subject, id, checks));
      } catch (error) {
        findings.push(probeErrorFinding(subject, id, error));
      }
    }
  }
  return findings;
}

/** A step listed twice with the same action and parameters is probed once. */
function distinct(requirements: readonly LiveRequirement[]): LiveRequirement[] {
  const seen = new Set<string>();
  return requirements.filter((requirement) => {
    const key = JSON.stringify([requirement.stepId, requirement.action, requirement.params]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
