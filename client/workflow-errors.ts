/**
 * SDK errors from a Query or an Update turned into what a person can act on: refused (with the
 * workflow's own reason), already finished, or unknown id. Runs and drills say it in their words.
 */
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { QuellClientError } from './errors';

export interface WorkflowWords {
  /** "run" or "drill". */
  noun: string;
  /** What a finished one no longer takes: "decisions", "controls". */
  takesNoMore: string;
}

export async function withWorkflowErrors<T>(workflowId: string, words: WorkflowWords, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const reason = error.cause instanceof Error ? error.cause.message : error.message;
      throw new QuellClientError('refused', reason, { cause: error });
    }
    // A closed workflow answers updates with a not-found style error: check for it first. An
    // Update that arrives as the workflow closes is aborted with a not-found error too.
    if (error instanceof Error && /workflow execution already completed|update was aborted by closing workflow/i.test(error.message)) {
      throw new QuellClientError('refused', `${words.noun} ${workflowId} has finished; it takes no more ${words.takesNoMore}`, { cause: error });
    }
    if (error instanceof WorkflowNotFoundError || (error instanceof ServiceError && /not found/i.test(error.message))) {
      throw new QuellClientError('not-found', `no ${words.noun} ${workflowId}`, { cause: error });
    }
    throw error;
  }
}
