/** The one error type client/ throws at surfaces (CLI, Slack). */

export type QuellErrorCode = 'already-exists' | 'not-found' | 'refused' | 'invalid-input';

/** An error a person can act on; `code` lets surfaces pick an exit code or a reply style. */
export class QuellClientError extends Error {
  override readonly name = 'QuellClientError';
  constructor(
    readonly code: QuellErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
