/**
 * What runbook and scenario files share when they are loaded: their hash, and how they report
 * problems: one `file:line:col: message` per problem,
 * located in the YAML text, sorted by position with exact duplicates removed, and YAML syntax
 * errors explained in words a responder can act on.
 */
import { createHash } from 'node:crypto';
import type { YAMLError } from 'yaml';
import type { DocumentProblem } from '../config/yaml/explain-issues';
import type { Locator } from '../config/yaml/locate';

/** One problem in one file; line and col are 1-based. */
export interface RunbookError {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatRunbookError(error: RunbookError): string {
  return `${error.file}:${error.line}:${error.col}: ${error.message}`;
}

/** The YAML parser's complaints, for a file of `kind` ("runbook", "scenario"). */
export function yamlSyntaxMessage(kind: string): (error: YAMLError) => string {
  return (error) => {
    if (error.code === 'MULTIPLE_DOCS') return `a ${kind} file holds exactly one YAML document: remove the "---" separator or split the file`;
    if (error.code === 'BLOCK_AS_IMPLICIT_KEY') {
      // Almost always text like `message: Egress blocked: rule 7` that YAML reads as a nested key.
      return `YAML syntax: ${error.message} (if this is text containing ": ", put the whole value in quotes)`;
    }
    return `YAML syntax: ${error.message}`;
  };
}

/** Each problem at its line and column in `file`. */
export function locatedErrors(problems: DocumentProblem[], locator: Locator, file: string): RunbookError[] {
  return problems.map((problem) => {
    const { line, col } = locator.locate(problem.path, { at: problem.at, offset: problem.offset });
    let message = problem.message;
    if (problem.seeAlso) message += ` (${problem.seeAlso.note} at line ${locator.locate(problem.seeAlso.path).line})`;
    return { file, line, col, message };
  });
}

/** Sorted by position, exact duplicates removed: one problem, one line of output. */
export function tidyErrors(errors: RunbookError[]): RunbookError[] {
  const unique = new Map(errors.map((error) => [formatRunbookError(error), error]));
  return [...unique.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message));
}

/** Hex sha256 of exactly the bytes a file was read as (recorded with each run and drill). */
export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
