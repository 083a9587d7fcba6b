/**
 * Checks the inputs a parent run gives a child runbook (a `runbook:` step) against the child's
 * declarations, exactly as a start from the CLI or Slack would, and returns them coerced. An
 * activity rather than workflow code: input patterns run in the linear-time regular expression
 * engine, which the workflow sandbox should not load for every run; the answer is in the history.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { formatInputProblems, validateRunInputs } from '../../runbooks/inputs';
import type { Runbook } from '../../runbooks/schema';

export interface ChildInputsRequest {
  runbook: Runbook;
  inputs: Record<string, unknown>;
}

export function createCheckChildInputsActivity() {
  return async function checkChildInputs(request: ChildInputsRequest): Promise<Record<string, unknown>> {
    const validated = validateRunInputs(request.runbook, request.inputs);
    if (!validated.ok) {
      throw ApplicationFailure.nonRetryable(`inputs of runbook ${request.runbook.id}: ${formatInputProblems(validated.problems)}`, 'QuellInvalidInput');
    }
    return validated.values;
  };
}
