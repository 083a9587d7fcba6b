/**
 * The check `quell start` makes before a live run exists, for runs started from Slack: a missing
 * connector or approver group is said on the form, where ticking "tabletop" is one click away,
 * instead of as a run that fails before its first step. Configuration only: the worker still
 * probes the connectors when the run starts.
 */
import pino from 'pino';
import { loadApproversConfigOrThrow } from '../activities/approvers/approvers-file';
import { approvalProblems } from '../activities/approvers/readiness';
import { loadLiveSetup } from '../activities/build-deps';
import { configurationProblems, describeReadinessProblems } from '../activities/live-readiness';
import { validateRunInputs } from '../runbooks/inputs';
import type { Runbook } from '../runbooks/schema';
import { requiredActions } from '../workflows/required-actions';

export interface LiveRefusalConfig {
  connectorsFile?: string;
  approversFile?: string;
  dataDir: string;
}

/**
 * Reads both files once (no secret values: only what is configured matters here). They were
 * already validated by the worker, so a problem here is a bug rather than a typo.
 */
export function liveRefusalCheck(config: LiveRefusalConfig): (runbook: Runbook, inputs: Record<string, unknown>) => string | undefined {
  const setup = loadLiveSetup(config, pino({ level: 'silent' }), { resolveSecrets: false });
  const approvers = config.approversFile ? loadApproversConfigOrThrow(config.approversFile) : undefined;
  return (runbook, inputs) => {
    const validated = validateRunInputs(runbook, inputs);
    const required = requiredActions(runbook, { inputs: validated.ok ? validated.values : {}, run: {} });
    const problems = [...configurationProblems(required, setup), ...approvalProblems(required, approvers)];
    return problems.length > 0 ? describeReadinessProblems(problems) : undefined;
  };
}
