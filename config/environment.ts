/**
 * Worker configuration, read from the environment exactly once and validated by one zod schema.
 *
 * Every problem is reported at once, each naming the variable, so a misconfigured deployment fails
 * on the first start with a message that says what to fix instead of a stack trace from deep inside
 * the SDK.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TLSConfig } from '@temporalio/client';

/**
 * The repository root: the nearest ancestor of this file holding a package.json. Walking up (rather
 * than `..`) keeps it right when the code runs compiled from dist/worker.
 */
export const REPO_ROOT: string = findRepoRoot(__dirname);

/** Loopback address the embedded dev server binds to; it is never exposed beyond this machine. */
export const EMBEDDED_SERVER_HOST = '127.0.0.1';

/** Default frontend port of the embedded dev server (the Temporal CLI's own default). */
export const DEFAULT_TEMPORAL_PORT = 7233;
/** Default Web UI port of the embedded dev server (the Temporal CLI's own default). */
export const DEFAULT_UI_PORT = 8233;
/** Default port of the codec endpoint the Web UI decodes payloads through (worker/codec-server.ts). */
export const DEFAULT_CODEC_PORT = 8234;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A pino log level name accepted by QUELL_LOG_LEVEL. */
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Thrown by {@link loadConfig}; the message lists every bad variable and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One entry per problem: the variable and what is wrong with it. */
  readonly problems: readonly { variable: string; message: string }[];

  constructor(problems: readonly { variable: string; message: string }[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.problems = problems;
  }
}

// An exported-but-empty variable (`FOO=` in a CI file) means "not set", not "set to nothing".
const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalString = z.preprocess(unsetIfEmpty, z.string().trim().optional());

const existingFile = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .trim()
    .refine((p) => isFile(p), { message: 'file does not exist or is not a regular file' })
    .optional(),
);

const port = (fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ message: 'must be a port number' })
      .int({ message: 'must be an integer port number' })
      .min(1, { message: 'must be between 1 and 65535' })
      .max(65535, { message: 'must be between 1 and 65535' })
      .default(fallback),
  );

const directory = (fallback: string) => z.preprocess(unsetIfEmpty, z.string().trim().default(fallback));

const envSchema = z
  .object({
    TEMPORAL_ADDRESS: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .trim()
        .regex(/^(?:\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+)(?::\d{1,5})?$/, {
          message: 'must be host:port (no scheme, no path), e.g. my-ns.a1b2c.tmprl.cloud:7233',
        })
        .optional(),
    ),
    TEMPORAL_NAMESPACE: z.preprocess(unsetIfEmpty, z.string().trim().min(1).default('default')),
    TEMPORAL_TLS_CERT: existingFile,
    TEMPORAL_TLS_KEY: existingFile,
    TEMPORAL_TLS_CA: existingFile,
    TEMPORAL_TLS_SERVER_NAME: optionalString,
    TEMPORAL_API_KEY: optionalString,
    TEMPORAL_CLI_PATH: optionalString,
    QUELL_TASK_QUEUE: z.preprocess(unsetIfEmpty, z.string().trim().min(1).default('quell')),
    QUELL_DATA_DIR: directory(path.join(REPO_ROOT, '.data')),
    QUELL_LOG_LEVEL: z.preprocess(
      (v) => (typeof v === 'string' ? unsetIfEmpty(v.toLowerCase()) : v),
      z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    ),
    QUELL_TEMPORAL_PORT: port(DEFAULT_TEMPORAL_PORT),
    QUELL_UI_PORT: port(DEFAULT_UI_PORT),
    QUELL_RUNBOOKS_DIR: directory(path.join(REPO_ROOT, 'runbooks')),
    QUELL_CONNECTORS_FILE: existingFile,
    QUELL_APPROVERS_FILE: existingFile,
    QUELL_PAYLOAD_KEYS_FILE: existingFile,
    QUELL_CODEC_HOST: z.preprocess(unsetIfEmpty, z.string().trim().default(EMBEDDED_SERVER_HOST)),
    QUELL_CODEC_PORT: port(DEFAULT_CODEC_PORT),
    QUELL_CODEC_ORIGINS: optionalString,
    QUELL_CODEC_TOKEN_FILE: existingFile,
    QUELL_TABLETOP_LATENCY_MS: z.preprocess(
      unsetIfEmpty,
      z.coerce
        .number({ message: 'must be a whole number of milliseconds' })
        .int({ message: 'must be a whole number of milliseconds' })
        .min(0, { message: 'must be ≥ 0' })
        .default(0),
    ),
  })
  .transform((env) => {
    const tlsRequested =
      env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_CA || env.TEMPORAL_TLS_SERVER_NAME || env.TEMPORAL_API_KEY;
    return {
      /** Remote Temporal frontend; undefined means "start the embedded dev server". */
      temporalAddress: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      /** Present when the connection must use TLS (files given, or an API key, which implies TLS). */
      tls: tlsRequested
        ? {
            certPath: absolute(env.TEMPORAL_TLS_CERT),
            keyPath: absolute(env.TEMPORAL_TLS_KEY),
            caPath: absolute(env.TEMPORAL_TLS_CA),
            serverName: env.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      apiKey: env.TEMPORAL_API_KEY,
      taskQueue: env.QUELL_TASK_QUEUE,
      dataDir: path.resolve(env.QUELL_DATA_DIR),
      logLevel: env.QUELL_LOG_LEVEL,
      /** Frontend port of the embedded dev server (ignored when TEMPORAL_ADDRESS is set). */
      temporalPort: env.QUELL_TEMPORAL_PORT,
      /** Web UI port of the embedded dev server (ignored when TEMPORAL_ADDRESS is set). */
      uiPort: env.QUELL_UI_PORT,
      runbooksDir: path.resolve(env.QUELL_RUNBOOKS_DIR),
      /** Live connectors (YAML); undefined: nothing is live and live runs are refused. */
      connectorsFile: absolute(env.QUELL_CONNECTORS_FILE),
      /** People and approver groups (YAML); undefined: the approval policy is open. */
      approversFile: absolute(env.QUELL_APPROVERS_FILE),
      /** AES-256 payload keys (YAML, config/codec/key-ring.ts); undefined: payloads are stored readable. */
      payloadKeysFile: absolute(env.QUELL_PAYLOAD_KEYS_FILE),
      /** The codec endpoint for the Web UI, started with the worker when payload keys are configured. */
      codecServer: {
        host: env.QUELL_CODEC_HOST,
        port: env.QUELL_CODEC_PORT,
        /** Comma-separated browser origins allowed to call it; default: the embedded Web UI's. */
        origins: env.QUELL_CODEC_ORIGINS,
        /** File holding the bearer token callers must send (or QUELL_CODEC_TOKEN, read at start). */
        tokenFile: absolute(env.QUELL_CODEC_TOKEN_FILE),
      },
      tabletopLatencyMs: env.QUELL_TABLETOP_LATENCY_MS,
      /** Explicit Temporal CLI binary for the embedded server; see worker/dev-server.ts. */
      temporalCliPath: absolute(env.TEMPORAL_CLI_PATH),
    };
  });

/** The validated worker configuration. */
export type QuellConfig = z.output<typeof envSchema>;

/**
 * Parses and validates the configuration from `env`.
 *
 * @throws ConfigError listing every invalid variable and why (never a partial config).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QuellConfig {
  const result = envSchema.safeParse(env);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => ({
        variable: issue.path.length > 0 ? String(issue.path[0]) : '(environment)',
        message: issue.message,
      }));
  // Cross-variable rules run on the raw values even when single fields failed, so one run reports
  // everything (a zod refinement on the object would be skipped after the first field error).
  problems.push(...crossVariableProblems(env));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

function crossVariableProblems(env: NodeJS.ProcessEnv): { variable: string; message: string }[] {
  const set = (name: string): boolean => unsetIfEmpty(env[name]) !== undefined;
  const problems: { variable: string; message: string }[] = [];
  if (set('TEMPORAL_TLS_CERT') !== set('TEMPORAL_TLS_KEY')) {
    problems.push({
      variable: set('TEMPORAL_TLS_CERT') ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT',
      message: 'mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (or neither)',
    });
  }
  if (set('TEMPORAL_ADDRESS')) return problems;
  // The embedded dev server speaks plaintext on loopback: TLS or an API key there is a mistake
  // (probably a forgotten TEMPORAL_ADDRESS), better caught here than as a handshake error.
  for (const name of ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY']) {
    if (set(name)) {
      problems.push({
        variable: name,
        message: 'is set but TEMPORAL_ADDRESS is not: the embedded dev server uses neither TLS nor API keys',
      });
    }
  }
  const temporalPort = String(unsetIfEmpty(env.QUELL_TEMPORAL_PORT) ?? DEFAULT_TEMPORAL_PORT).trim();
  const uiPort = String(unsetIfEmpty(env.QUELL_UI_PORT) ?? DEFAULT_UI_PORT).trim();
  if (Number(temporalPort) === Number(uiPort)) {
    problems.push({ variable: 'QUELL_UI_PORT', message: `must differ from QUELL_TEMPORAL_PORT (${temporalPort})` });
  }
  return problems;
}

/**
 * Connection options shared by the client (`Connection.connect`) and the worker
 * (`NativeConnection.connect`); the same object is valid for both in SDK 1.24.
 */
export interface TemporalConnectionOptions {
  address: string;
  /** TLS settings; `true` means TLS with the system trust store (what an API key needs). */
  tls?: TLSConfig | true;
  /** Sent as `Authorization: Bearer <key>` by the SDK. */
  apiKey?: string;
  /** Extra gRPC headers sent with every call. */
  metadata?: Record<string, string>;
}

/**
 * Builds the connection options for `config`. Without TEMPORAL_ADDRESS the address is the embedded
 * dev server's (`127.0.0.1:<QUELL_TEMPORAL_PORT>`); pass `address` to override it (e.g. when the
 * dev server picked its own port).
 *
 * Reads the TLS files synchronously: call it once at start-up, not per request.
 */
export function connectionOptions(config: QuellConfig, address?: string): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = {
    address: address ?? config.temporalAddress ?? `${EMBEDDED_SERVER_HOST}:${config.temporalPort}`,
  };
  if (config.tls) {
    const { certPath, keyPath, caPath, serverName } = config.tls;
    const tls: TLSConfig = {};
    if (certPath && keyPath) tls.clientCertPair = { crt: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) };
    if (caPath) tls.serverRootCACertificate = fs.readFileSync(caPath);
    if (serverName) tls.serverNameOverride = serverName;
    options.tls = Object.keys(tls).length > 0 ? tls : true;
  }
  if (config.apiKey) {
    options.apiKey = config.apiKey;
    // Temporal Cloud routes API-key calls on regional endpoints by this header; harmless elsewhere.
    options.metadata = { 'temporal-namespace': config.namespace };
  }
  return options;
}

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, '..');
    dir = parent;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function absolute(p: string | undefined): string | undefined {
  return p === undefined ? undefined : path.resolve(p);
}
