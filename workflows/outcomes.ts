/**
 * How a step tells the interpreter that the run cannot go on. Workflow-safe.
 */

/** The step failed (after its retries) and its on_error is `fail`. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(
    readonly stepId: string,
    message: string,
    readonly errorType?: string,
  ) {
    super(message);
  }
}

/** An approval gate said no (or timed out with on_timeout: reject): the run ends as rejected. */
export class RunRejected extends Error {
  override readonly name = 'RunRejected';
  constructor(
    readonly stepId: string,
    readonly reason: string,
  ) {
    super(`step ${stepId} rejected: ${reason}`);
  }
}

/**
 * An `end` step completed the run early with a named outcome (`false-positive`): the run ends
 * `completed`, later steps are skipped and nothing is compensated.
 */
export class RunEnded extends Error {
  override readonly name = 'RunEnded';
  constructor(
    readonly stepId: string,
    readonly outcome: string,
  ) {
    super(`run ended by step ${stepId}: ${outcome}`);
  }
}

/** The message and type of whatever an awaited activity or template threw. */
export function describeError(error: unknown): { message: string; type?: string } {
  let current: unknown = error;
  // Activity failures wrap the real cause; the innermost message is the useful one, except that a
  // classified Quell failure (connector, operation, type) is more useful than the raw library
  // error it keeps as its own cause.
  while (current instanceof Error && current.cause instanceof Error && !isQuellTyped(current)) current = current.cause;
  if (current instanceof Error) {
    const type = (current as { type?: unknown }).type;
    return { message: current.message, ...(typeof type === 'string' ? { type } : {}) };
  }
  return { message: String(error) };
}

function isQuellTyped(error: Error): boolean {
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith('Quell');
}
