/**
 * Reads the approvers file: YAML → zod (strict) → cross-checks (every group member is a defined
 * person, no identity belongs to two people, Slack user groups only when Slack is configured).
 * Problems are reported all at once as file:line:col, like the connectors file, and nothing is
 * half loaded.
 */
import { durationMs } from '../common/duration';
import { identityKey } from '../common/identity';
import { hasOwnKey } from '../common/own';
import { didYouMean } from '../common/suggest';
import type { DocumentPath } from './yaml/explain-issues';
import { ConfigProblems, formatConfigFileError, parseConfigText, readConfigFile, type ConfigFileError } from './yaml-config-file';
import { APPROVERS_ENTRY_LIMITS, ApproversFileSchema, type ApproversFile } from './approvers-schema';
import { IDENTITY_SURFACES } from '../common/identity';

export interface ApproversConfig {
  /** Absolute path of the file, for messages. */
  readonly file: string;
  readonly people: ApproversFile['people'];
  readonly groups: ApproversFile['groups'];
  readonly membershipCacheMs: number;
  readonly membershipRefreshMs: number;
  /** Whether any group lists Slack user groups (then the Slack bot token is needed). */
  readonly usesSlackUsergroups: boolean;
}

export type ApproversFileError = ConfigFileError;

export type ApproversLoadResult = { ok: true; config: ApproversConfig } | { ok: false; errors: ApproversFileError[] };

export const formatApproversError = formatConfigFileError;

/** Thrown by {@link loadApproversConfigOrThrow}; its message lists every problem. */
export class ApproversConfigError extends Error {
  override readonly name = 'ApproversConfigError';
  constructor(readonly errors: ApproversFileError[]) {
    super(`invalid approvers file:\n${errors.map((e) => `  ${formatApproversError(e)}`).join('\n')}`);
  }
}

export interface ApproversLoadOptions {
  /**
   * Whether this process can ask Slack (a bot token is configured). false: groups that list Slack
   * user groups are errors, because their members could never be resolved. Undefined: not checked
   * (the CLI only reads the file to see which groups exist).
   */
  slackConfigured?: boolean;
}

export function loadApproversFile(file: string, options: ApproversLoadOptions = {}): ApproversLoadResult {
  const read = readConfigFile(file, 'approvers file');
  return read.ok ? loadApproversText(read.text, read.file, options) : read;
}

export function loadApproversText(text: string, file: string, options: ApproversLoadOptions = {}): ApproversLoadResult {
  const parsed = parseConfigText(text, file, ApproversFileSchema, {
    what: 'approvers file',
    entryLimits: APPROVERS_ENTRY_LIMITS,
    credentialAdvice: () => 'the approvers file names people and groups and holds no secrets',
  });
  if (!parsed.ok) return parsed;
  const problems = new ConfigProblems(file, parsed.locator);
  const report = (where: DocumentPath, message: string | (() => string)) => problems.add(where, message);
  const data = parsed.data;
  const personNames = Object.keys(data.people);

  // One identity, one person: otherwise "who decided" would have two answers.
  const owners = new Map<string, string>();
  for (const [person, entry] of Object.entries(data.people)) {
    for (const via of IDENTITY_SURFACES) {
      const id = entry[via];
      if (id === undefined) continue;
      const key = identityKey(via, id);
      const owner = owners.get(key);
      if (owner !== undefined) report(['people', person, via], `${via}:${id} is already ${owner}'s identity; an identity belongs to one person`);
      else owners.set(key, person);
    }
  }
  for (const [group, entry] of Object.entries(data.groups)) {
    entry.people.forEach((person, index) => {
      if (!hasOwnKey(data.people, person)) {
        report(['groups', group, 'people', index], () => `person "${person}" is not defined under people${didYouMean(person, personNames)}`);
      }
    });
  }
  const usesSlackUsergroups = Object.values(data.groups).some((entry) => entry.slack_usergroups.length > 0);
  if (usesSlackUsergroups && options.slackConfigured === false) {
    for (const [group, entry] of Object.entries(data.groups)) {
      if (entry.slack_usergroups.length === 0) continue;
      report(
        ['groups', group, 'slack_usergroups'],
        'Slack user groups are read with the Slack bot token, and none is configured: add a `slack:` section to the connectors file (QUELL_CONNECTORS_FILE)',
      );
    }
  }
  if (!problems.empty) return { ok: false, errors: problems.errors() };
  return {
    ok: true,
    config: {
      file,
      people: data.people,
      groups: data.groups,
      membershipCacheMs: durationMs(data.membership_cache),
      membershipRefreshMs: durationMs(data.membership_refresh),
      usesSlackUsergroups,
    },
  };
}

export function loadApproversConfigOrThrow(file: string, options: ApproversLoadOptions = {}): ApproversConfig {
  const result = loadApproversFile(file, options);
  if (!result.ok) throw new ApproversConfigError(result.errors);
  return result.config;
}
