/** The small logger interface the dev-server modules log through, and its stderr default. */

/** Minimal structured logger; a pino Logger fits. */
export interface DevServerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Default logger: plain lines on stderr, because stdout is reserved for `--ensure`'s answer. */
export const stderrLogger: DevServerLogger = {
  info: (_fields, message) => process.stderr.write(`[dev-server] ${message}\n`),
  warn: (fields, message) => process.stderr.write(`[dev-server] WARN ${message} ${JSON.stringify(fields)}\n`),
};
