/**
 * Reads the connectors file: YAML → zod (strict: a misspelt key is an error) → secret references
 * resolved into {@link Secret}s. Every problem is reported with file:line:col, secrets included
 * ("environment variable SCIM_TOKEN is not set" points at the reference), and nothing is half
 * loaded: either the whole file is usable or the caller gets the full list of problems.
 */
import path from 'node:path';
import { setOwn } from '../common/own';
import type { DocumentPath } from '../config/yaml/explain-issues';
import { ConfigProblems, formatConfigFileError, parseConfigText, readConfigFile, type ConfigFileError } from '../config/yaml-config-file';
import { credentialAdviceAt } from './catalogue';
import { connectorsEntryLimits, connectorsFileSchema, type ConnectorsFile } from './connectors-file-schema';
import { Secret, isSecretRef, resolveSecret, type Resolved, type SecretRef } from '../config/secret';

export type { Resolved } from '../config/secret';


export type ConnectorsConfig = Resolved<ConnectorsFile> & {
  /** Absolute path of the file, for messages. */
  readonly file: string;
};

export type ConnectorsFileError = ConfigFileError;

export type ConnectorsLoadResult = { ok: true; config: ConnectorsConfig } | { ok: false; errors: ConnectorsFileError[] };

export const formatConnectorsError = formatConfigFileError;

/** Thrown by {@link loadConnectorsConfigOrThrow}; its message lists every problem. */
export class ConnectorsConfigError extends Error {
  override readonly name = 'ConnectorsConfigError';
  constructor(readonly errors: ConnectorsFileError[]) {
    super(`invalid connectors file:\n${errors.map((e) => `  ${formatConnectorsError(e)}`).join('\n')}`);
  }
}

export interface LoadOptions {
  /**
   * false: check the references' shape but do not read the values (each becomes an empty
   * placeholder). For the CLI, which checks what a run needs without holding the worker's secrets.
   */
  resolveSecrets?: boolean;
}

export function loadConnectorsFile(file: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): ConnectorsLoadResult {
  const read = readConfigFile(file, 'connectors file');
  return read.ok ? loadConnectorsText(read.text, read.file, env, options) : read;
}

export function loadConnectorsText(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): ConnectorsLoadResult {
  const parsed = parseConfigText(text, file, derived().schema, {
    what: 'connectors file',
    entryLimits: derived().entryLimits,
    credentialAdvice: (at) => credentialAdviceAt(at),
  });
  if (!parsed.ok) return parsed;
  const problems = new ConfigProblems(file, parsed.locator);
  const resolved = resolveSecrets(parsed.data, [], (where, ref) => {
    if (options.resolveSecrets === false) return new Secret('', 'env' in ref ? `env:${ref.env}` : `file:${ref.file}`);
    try {
      return resolveSecret(ref, env, path.dirname(file));
    } catch (error) {
      problems.add(where, `${where.join('.')}: ${(error as Error).message}`);
      return undefined;
    }
  });
  if (!problems.empty) return { ok: false, errors: problems.errors() };
  return { ok: true, config: { ...(resolved as Resolved<ConnectorsFile>), file } };
}

export function loadConnectorsConfigOrThrow(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): ConnectorsConfig {
  const result = loadConnectorsFile(file, env, options);
  if (!result.ok) throw new ConnectorsConfigError(result.errors);
  return result.config;
}

function resolveSecrets(
  value: unknown,
  where: DocumentPath,
  resolve: (where: DocumentPath, ref: SecretRef) => Secret | undefined,
): unknown {
  if (Array.isArray(value)) return value.map((item, index) => resolveSecrets(item, [...where, index], resolve));
  if (value !== null && typeof value === 'object') {
    if (isSecretRef(value)) return resolve(where, value);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(result, key, resolveSecrets(item, [...where, key], resolve));
    return result;
  }
  return value;
}

let registryDerived: { schema: ReturnType<typeof connectorsFileSchema>; entryLimits: ReturnType<typeof connectorsEntryLimits> } | undefined;

/** The registry's connectors-file schema and entry limits, derived once per process. */
function derived(): NonNullable<typeof registryDerived> {
  registryDerived ??= { schema: connectorsFileSchema(), entryLimits: connectorsEntryLimits() };
  return registryDerived;
}
