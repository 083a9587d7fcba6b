/**
 * A failure the CLI reports as one line on stderr with the given exit code (no stack trace).
 * Kept apart from the CLI context so pure parsing code can refuse without loading a Temporal client.
 */

/** README "CLI": 1 refused or failed, 2 usage or configuration error (what was typed is wrong). */
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  constructor(
    message: string,
    readonly exitCode = EXIT_REFUSED,
  ) {
    super(message);
  }
}

/** What was typed cannot be used: exit code 2, the message names the flag or argument. */
export function usageFailure(message: string): CliFailure {
  return new CliFailure(message, EXIT_USAGE);
}
