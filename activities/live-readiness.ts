/**
 * Checks, before the first step of a live run, that this worker can perform every action the
 * runbook uses: a live action exists, every connector it needs is configured and, on the worker,
 * answers its health probes. A run that cannot finish is refused up front instead of stopping
 * half-way (or, worse, being simulated).
 */
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../common/errors';
import type { LiveReadinessRequest, ReadinessProblem } from './action-request';

export type { ReadinessProblem } from './action-request';
import type { ApproversConfig } from '../config/approvers-file';
import { APPROVAL_REQUIREMENT, approvalProblems } from './approvers/readiness';
import type { ConnectorProbe } from '../connectors/connector';
import type { LiveSetup } from './action-performer';
import { configuredNeeds, type ConfiguredFile } from './configured-needs';


/**
 * Problems visible from configuration alone (no clients, no network): the pre-flight before a run
 * is started and the first half of the worker's check. `file` undefined: no connectors file.
 */
export function configurationProblems(request: LiveReadinessRequest, file: ConfiguredFile | undefined): ReadinessProblem[] {
  const problems: ReadinessProblem[] = [];
  for (const { action, stepId, params } of request.requirements) {
    if (!file) {
      problems.push({ stepId, action, problem: `no live connector is configured for ${action}` });
      continue;
    }
    for (const problem of configuredNeeds(action, params, file).problems) problems.push({ stepId, action, problem });
  }
  return dedupe(problems);
}

/** Configuration problems plus failing health probes of the connectors the run needs. */
export async function readinessProblems(request: LiveReadinessRequest, setup: LiveSetup): Promise<ReadinessProblem[]> {
  const problems = configurationProblems(request, setup.file);
  const users = new Map<string, { stepId: string; action: string }>();
  for (const { action, stepId, params } of request.requirements) {
    for (const id of setup.file ? configuredNeeds(action, params, setup.file).connectors : []) {
      if (!users.has(id)) users.set(id, { stepId, action });
    }
  }
  const probed = await Promise.all(
    [...users.entries()].map(async ([id, user]) => {
      const connector = setup.connectors.get(id);
      const probes: ConnectorProbe[] = connector ? await connector.check() : [{ name: 'built', ok: false, detail: 'configured but not built on this worker' }];
      return { id, user, probes };
    }),
  );
  for (const { id, user, probes } of probed) {
    for (const probe of probes.filter((p) => !p.ok)) {
      problems.push({ ...user, problem: `connector ${id} is failing: ${probe.name}: ${probe.detail}` });
    }
  }
  return dedupe(problems);
}

/**
 * One sentence per distinct problem, naming the steps it affects, so a runbook that uses one
 * missing connector in five steps reads as one problem rather than five.
 */
export function describeReadinessProblems(problems: readonly ReadinessProblem[]): string {
  const stepsByProblem = new Map<string, string[]>();
  for (const { stepId, problem } of problems) {
    const steps = stepsByProblem.get(problem) ?? [];
    if (!steps.includes(stepId)) steps.push(stepId);
    stepsByProblem.set(problem, steps);
  }
  const sentences = [...stepsByProblem.entries()].map(
    ([problem, steps]) => `${problem} (${steps.length === 1 ? 'step' : 'steps'} ${steps.join(', ')})`,
  );
  const approvals = problems.some((p) => p.action === APPROVAL_REQUIREMENT);
  const connectors = problems.some((p) => p.action !== APPROVAL_REQUIREMENT);
  const fix = [
    ...(connectors ? ['the connectors file (QUELL_CONNECTORS_FILE; `quell doctor` checks it)'] : []),
    ...(approvals ? ['the approvers file (QUELL_APPROVERS_FILE)'] : []),
  ];
  return `live run refused: ${sentences.join('; ')}. Fix ${fix.join(' and ')}, or run the runbook as a tabletop exercise (--tabletop).`;
}

/**
 * @param approvers the worker's approvers file; undefined when none is configured (then a runbook
 *   with approval gates cannot run live).
 */
export function createLiveReadinessActivity(setup: LiveSetup, approvers: ApproversConfig | undefined) {
  return async function checkLiveReadiness(request: LiveReadinessRequest): Promise<{ ready: true }> {
    const problems = [...(await readinessProblems(request, setup)), ...approvalProblems(request, approvers)];
    if (problems.length > 0) {
      throw ApplicationFailure.nonRetryable(describeReadinessProblems(problems), ErrorType.NotConfigured, { problems });
    }
    return { ready: true };
  };
}

function dedupe(problems: ReadinessProblem[]): ReadinessProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.stepId}\u0000${p.action}\u0000${p.problem}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
