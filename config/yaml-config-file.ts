/**
 * The front half shared by Quell's YAML configuration files (connectors, approvers): read the
 * file, parse YAML, refuse URL credentials in any value, hold each collection to its entry limit,
 * validate with a strict zod schema, and turn every problem into file:line:col. What each file
 * checks beyond its schema stays with that file.
 *
 * Either file may be written carelessly or by someone hostile, and the worker, `quell doctor` and
 * `quell start` all read them before doing anything else. So reading never blocks (a FIFO is
 * refused) nor takes more than the size limit, parsing is linear (runbooks/parse-yaml.ts: nesting,
 * aliases, duplicate and prototype keys), and every message is free of URL credentials.
 */
import path from 'node:path';
import type { z } from 'zod';
import { LIMITS, limitMessage, type LimitName } from '../common/limits';
import { hasOwnKey } from '../common/own';
import { hasUrlCredentials, redactUrlCredentials, urlCredentialsRefusal } from '../common/url-credentials';
import { explainIssues, type DocumentPath } from './yaml/explain-issues';
import type { Locator } from './yaml/locate';
import { parseYaml, sizeProblem } from './yaml/parse-yaml';
import { readFileLimited } from './yaml/read-file-limited';

export interface ConfigFileError {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatConfigFileError(error: ConfigFileError): string {
  return `${error.file}:${error.line}:${error.col}: ${error.message}`;
}

/**
 * The file's text, or one error at 1:1 saying why it cannot be read: missing, not a regular file,
 * or larger than {@link LIMITS.configFileBytes} (refused from its size, never read whole).
 * `what`: "connectors file".
 */
export function readConfigFile(file: string, what: string): { ok: true; file: string; text: string } | { ok: false; errors: ConfigFileError[] } {
  const absolute = path.resolve(file);
  const read = readFileLimited(absolute, 'configFileBytes');
  if (!read.ok) return { ok: false, errors: [{ file: absolute, line: 1, col: 1, message: `cannot read ${what}: ${read.reason}` }] };
  return { ok: true, file: absolute, text: read.bytes.toString('utf8') };
}

/**
 * A collection of the file held to a limit from common/limits.ts. `path` leads from the document
 * root to the collection (a mapping or a list); `'*'` stands for every key of a mapping.
 */
export interface EntryLimit {
  path: readonly (string | '*')[];
  limit: LimitName;
}

export interface ParseConfigOptions {
  /** What the file is, for messages: "connectors file". */
  what: string;
  entryLimits?: readonly EntryLimit[];
  /** What to do instead of writing a credential into a URL at `path` (see {@link urlCredentialsRefusal}). */
  credentialAdvice: (path: DocumentPath) => string;
}

export type ParsedConfig<T> = { ok: true; data: T; locator: Locator } | { ok: false; errors: ConfigFileError[] };

/**
 * Marks a zod issue whose message reads after the field's dotted path ("must not contain ...",
 * "is too long: ..."): the path is put in front when the issue is explained, so the message
 * names the field (`vendors.acme.url must not contain credentials ...`).
 */
export const NAMES_FIELD = { namesField: true } as const;

/** A config error whose message is free of URL credentials. */
function configError(file: string, line: number, col: number, message: string): ConfigFileError {
  return { file, line, col, message: redactUrlCredentials(message) };
}

/** How many problems one load reports; the rest are counted (a hostile file can have millions). */
export const MAX_REPORTED_PROBLEMS = 50;

/**
 * The problems of one file, located, in line order, at most {@link MAX_REPORTED_PROBLEMS} of them
 * plus a note counting the rest. Locating and wording cost time, so problems past the cap are only
 * counted: reporting stays cheap however many entries are wrong.
 */
export class ConfigProblems {
  private readonly listed: ConfigFileError[] = [];
  private omitted = 0;
  private firstOmitted: ConfigFileError | undefined;

  constructor(
    private readonly file: string,
    private readonly locator: Locator,
  ) {}

  /** `message` may be a function, so suggestions are only computed for listed problems. */
  add(where: DocumentPath, message: string | (() => string), options: { at?: 'key' } = {}): void {
    if (this.listed.length >= MAX_REPORTED_PROBLEMS) {
      this.omitted += 1;
      if (this.firstOmitted) return;
    }
    const { line, col } = this.locator.locate(where, options.at ? { at: options.at } : {});
    const error = configError(this.file, line, col, typeof message === 'string' ? message : message());
    if (this.listed.length < MAX_REPORTED_PROBLEMS) this.listed.push(error);
    else this.firstOmitted = error;
  }

  /** True once further problems are only counted. */
  get full(): boolean {
    return this.listed.length >= MAX_REPORTED_PROBLEMS;
  }

  get empty(): boolean {
    return this.listed.length === 0;
  }

  errors(): ConfigFileError[] {
    const errors = [...this.listed].sort((a, b) => a.line - b.line || a.col - b.col);
    if (this.firstOmitted) {
      const { line, col } = this.firstOmitted;
      errors.push(configError(this.file, line, col, `${this.omitted} more ${this.omitted === 1 ? 'problem' : 'problems'} from here on are not listed: fix the ones above first`));
    }
    return errors;
  }
}

/**
 * YAML problems, else URL credentials, else entry limits, else schema problems, each located in
 * `text`; an empty file is `{}`.
 */
export function parseConfigText<S extends z.ZodType>(text: string, file: string, schema: S, options: ParseConfigOptions): ParsedConfig<z.infer<S>> {
  const tooLarge = sizeProblem(Buffer.byteLength(text, 'utf8'), 'configFileBytes');
  if (tooLarge) return { ok: false, errors: [configError(file, tooLarge.line, tooLarge.col, tooLarge.message)] };
  const parsed = parseYaml(text, { explain: (error) => `YAML: ${error.message.split('\n')[0]}` });
  if (!parsed.ok) return { ok: false, errors: parsed.problems.map((problem) => configError(file, problem.line, problem.col, problem.message)) };
  const { locator } = parsed;

  // Before anything else reads a value: a later message (an invalid e-mail, a resolved secret
  // path) could otherwise quote the credential, cut where redaction can no longer recognise it.
  const withCredentials = new ConfigProblems(file, locator);
  for (const found of credentialStrings(parsed.raw)) {
    withCredentials.add(found.path, `${fieldName(found.path)} ${urlCredentialsRefusal(options.credentialAdvice(found.path))}`, found);
  }
  if (!withCredentials.empty) return { ok: false, errors: withCredentials.errors() };

  const overLimit = new ConfigProblems(file, locator);
  for (const problem of entryLimitProblems(parsed.raw, options.entryLimits ?? [])) overLimit.add(problem.path, problem.message, problem);
  if (!overLimit.empty) return { ok: false, errors: overLimit.errors() };

  const result = schema.safeParse(parsed.raw ?? {});
  if (!result.success) {
    const problems = new ConfigProblems(file, locator);
    // Explained one by one so that past the cap an issue costs a count, not a message.
    for (const issue of result.error.issues) {
      const named = issue.code === 'custom' && issue.params?.namesField === true ? { ...issue, message: `${fieldName(issue.path)} ${issue.message}` } : issue;
      if (problems.full) {
        problems.add(named.path as DocumentPath, '');
        continue;
      }
      for (const problem of explainIssues([named], parsed.raw, schema)) problems.add(problem.path, problem.message, problem);
    }
    return { ok: false, errors: problems.errors() };
  }
  return { ok: true, data: result.data as z.infer<S>, locator };
}

function fieldName(where: readonly PropertyKey[]): string {
  return where.length === 0 ? 'the file' : where.map(String).join('.');
}

interface LimitProblem {
  path: DocumentPath;
  message: string;
  at?: 'key';
}

/**
 * Every collection past its limit, pointing at its first entry past the limit (so the file can
 * be cut there). One walk per limit over the parsed data: linear in the file.
 */
function entryLimitProblems(raw: unknown, limits: readonly EntryLimit[]): LimitProblem[] {
  const problems: LimitProblem[] = [];
  for (const { path: pattern, limit } of limits) {
    const visit = (value: unknown, where: DocumentPath, rest: readonly (string | '*')[]): void => {
      if (rest.length > 0) {
        if (!isRecord(value)) return;
        const [head, ...tail] = rest;
        if (head === '*') for (const key of Object.keys(value)) visit(value[key], [...where, key], tail);
        else if (hasOwnKey(value, head)) visit(value[head], [...where, head], tail);
        return;
      }
      const max = LIMITS[limit].value;
      const label = fieldName(where);
      if (Array.isArray(value) && value.length > max) {
        problems.push({ path: [...where, max], message: `${label} has too many entries: ${limitMessage(limit, value.length)}` });
      } else if (isRecord(value)) {
        const keys = Object.keys(value);
        if (keys.length > max) problems.push({ path: [...where, keys[max]], at: 'key', message: `${label} has too many entries: ${limitMessage(limit, keys.length)}` });
      }
    };
    visit(raw, [], pattern);
  }
  return problems;
}

/**
 * Every key and text value holding a URL with credentials, wherever it is: URL fields, but also a
 * secret's `file:` path or a name someone pasted a URL into. The parsed tree is depth-limited.
 */
function credentialStrings(raw: unknown): LimitProblem[] {
  const found: LimitProblem[] = [];
  const visit = (value: unknown, where: DocumentPath): void => {
    if (typeof value === 'string') {
      if (hasUrlCredentials(value)) found.push({ path: where, message: '' });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...where, index]));
    } else if (isRecord(value)) {
      for (const key of Object.keys(value)) {
        if (hasUrlCredentials(key)) found.push({ path: [...where, key], message: '', at: 'key' });
        else visit(value[key], [...where, key]);
      }
    }
  };
  visit(raw, []);
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
