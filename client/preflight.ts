/**
 * The one pre-flight check before a live run is started, for every surface (CLI and Slack): from
 * the connectors and approvers files alone — secrets not read, no client built, nothing asked
 * over the network — does this runbook, with these inputs, have every connector and approver
 * group it needs? A "no" is recorded on the run as its refusal; the worker checks again when the
 * run starts, with health probes.
 */
import { approvalProblems } from '../activities/approvers/readiness';
import { loadApproversConfigOrThrow } from '../config/approvers-file';
import { configurationProblems, describeReadinessProblems } from '../activities/live-readiness';
import { loadConnectorsConfigOrThrow } from '../connectors/connectors-file';
import { validateRunInputs } from '../runbooks/inputs';
import type { Runbook } from '../runbooks/schema';
import { requiredActions } from '../workflows/required-actions';

export interface PreflightFiles {
  /** Absolute path of the connectors file; undefined: none (every live action is refused). */
  connectorsFile?: string;
  /** Absolute path of the approvers file; undefined: gates cannot run live. */
  approversFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** The refusal for a live run of `runbook` with `inputs`, or undefined when it may go ahead. */
export type LivePreflight = (runbook: Runbook, inputs: Record<string, unknown>) => string | undefined;

/**
 * Reads both files once. @throws ConnectorsConfigError / ApproversConfigError naming every
 * problem with file:line:col.
 */
export function createLivePreflight(files: PreflightFiles): LivePreflight {
  const connectors = files.connectorsFile ? loadConnectorsConfigOrThrow(files.connectorsFile, files.env ?? process.env, { resolveSecrets: false }) : undefined;
  const approvers = files.approversFile ? loadApproversConfigOrThrow(files.approversFile) : undefined;
  return (runbook, inputs) => {
    const validated = validateRunInputs(runbook, inputs);
    const required = requiredActions(runbook, { inputs: validated.ok ? validated.values : {}, run: {} });
    const problems = [...configurationProblems(required, connectors), ...approvalProblems(required, approvers)];
    return problems.length > 0 ? describeReadinessProblems(problems) : undefined;
  };
}
