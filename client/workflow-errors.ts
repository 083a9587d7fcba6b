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

/**
 * How often an Update is sent again after the server failed the workflow task that would have
 * taken it. The server answers FAILED_PRECONDITION "unexpected workflow task failure" only for
 * Updates it had not accepted (an accepted one is durable), so sending again cannot apply it twice;
 * it happens when other work (an activity result, a timer) lands while that task is being
 * completed, and the next task takes the Update.
 */
const UNACCEPTED_RETRY_DELAYS_MS = [200, 500, 1_000];

async function withUnacceptedRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = UNACCEPTED_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !(error instanceof Error && /unexpected workflow task failure/i.test(error.message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export async function withWorkflowErrors<T>(workflowId: string, words: WorkflowWords, call: () => Promise<T>): Promise<T> {
  try {
    return await withUnacceptedRetries(call);
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
