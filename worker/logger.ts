/**
 * The process logger (pino, JSON lines) and the bridge that routes Temporal SDK logs into it.
 *
 * Secrets are removed three times: by key (pino `redact`, e.g. `*.token`), by value (every secret
 * the connectors file loaded) and by shape (any substring of the output that looks like a Slack
 * token or an AWS secret key, wherever it appears, including the message). The second net matters because incident data ends up in log fields nobody thought of
 * as secret.
 */
import pino, { Logger, DestinationStream } from 'pino';
import { DefaultLogger, LogEntry, LogLevel, Runtime } from '@temporalio/worker';
import { scrubSecrets } from '../config/secret';
import type { QuellConfig } from '../config/environment';

/** Replacement text for anything masked. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are never logged. `*.x` matches one level down, so the top-level key is
 * listed as well.
 */
export const REDACT_PATHS: readonly string[] = [
  'token', '*.token',
  'apiKey', '*.apiKey',
  'password', '*.password',
  'secret', '*.secret',
  'authorization', '*.authorization',
  'headers.authorization', '*.headers.authorization',
  'response_url', '*.response_url',
];

/**
 * Secret shapes masked in every logged string: Slack bot/user/app tokens, and 40-character
 * base64 strings with mixed case and a digit (AWS secret access keys). Requiring both cases keeps
 * hex digests (git SHAs, sha1) visible; AWS access key *ids* (AKIA…) are identifiers, not secrets,
 * and stay visible because audit trails need them.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
];

/** Returns `text` with every secret-looking substring replaced by {@link REDACTED}. */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const pattern of SECRET_PATTERNS) masked = masked.replace(pattern, REDACTED);
  return masked;
}

/**
 * Creates the process logger at `config.logLevel`, writing JSON lines to `destination`
 * (stdout by default).
 */
export function createLogger(config: Pick<QuellConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    hooks: {
      // Masking the finished JSON line covers the message, nested fields, serialized errors and
      // child bindings alike. The patterns never span JSON punctuation and the replacement needs
      // no escaping, so the line stays valid JSON.
      // Values loaded from the connectors file are scrubbed by value first, whatever their shape.
      streamWrite: (line) => maskSecrets(scrubSecrets(line)),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

const SDK_LEVEL_BY_PINO: Readonly<Record<string, LogLevel>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

let runtimeInstalled = false;

/**
 * Installs the Temporal Runtime with a logger that forwards SDK, workflow (`log` from
 * @temporalio/workflow), activity and native Core logs to `logger`, at the logger's level.
 *
 * Must run before any Worker or NativeConnection is created. Idempotent: later calls in the same
 * module instance return false and change nothing (Runtime.install itself throws when repeated).
 *
 * Signal handling is left to the entry point (`shutdownSignals: []`): worker/main.ts stops the
 * worker and then the embedded server in that order, which the SDK's own handler cannot know.
 *
 * @returns true when this call installed the runtime.
 */
export function installTemporalRuntime(logger: Logger): boolean {
  if (runtimeInstalled) return false;
  if (Runtime._instance !== undefined) {
    // Something already created a default runtime (a Worker or NativeConnection made too early).
    logger.warn('Temporal Runtime was already instantiated; SDK logs will not go through pino');
    runtimeInstalled = true;
    return false;
  }
  const level = SDK_LEVEL_BY_PINO[logger.level] ?? 'INFO';
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(level, (entry: LogEntry) => routeToPino(sdkLogger, entry)),
    telemetryOptions: {
      logging: { filter: { core: level === 'TRACE' || level === 'DEBUG' ? level : 'WARN', other: 'ERROR' }, forward: {} },
    },
    shutdownSignals: [],
  });
  runtimeInstalled = true;
  return true;
}

function routeToPino(logger: Logger, entry: LogEntry): void {
  const fields = entry.meta ?? {};
  switch (entry.level) {
    case 'TRACE':
      logger.trace(fields, entry.message);
      break;
    case 'DEBUG':
      logger.debug(fields, entry.message);
      break;
    case 'INFO':
      logger.info(fields, entry.message);
      break;
    case 'WARN':
      logger.warn(fields, entry.message);
      break;
    case 'ERROR':
      logger.error(fields, entry.message);
      break;
  }
}
