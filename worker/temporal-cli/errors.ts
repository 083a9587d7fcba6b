/** The two failures a caller of the dev-server modules can catch by name. */

/** TEMPORAL_CLI_PATH was given but is unusable, or nothing at all was found. */
export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
  constructor(
    message: string,
    /** What was tried, in order, and why each failed. */
    readonly attempts: readonly string[],
  ) {
    super(attempts.length > 0 ? `${message}\nTried:\n${attempts.map((a) => `  - ${a}`).join('\n')}` : message);
  }
}

/** The server did not become ready (both attempts), or exited early. */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}
