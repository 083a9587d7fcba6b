/**
 * The front half shared by Quell's YAML configuration files (connectors, approvers): read the
 * file, parse YAML, validate with a strict zod schema, and turn every problem into
 * file:line:col. What each file checks beyond its schema stays with that file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { explainIssues } from '../runbooks/explain-issues';
import { createLocator, type Locator } from '../runbooks/locate';

export interface ConfigFileError {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatConfigFileError(error: ConfigFileError): string {
  return `${error.file}:${error.line}:${error.col}: ${error.message}`;
}

/** The file's text, or one error at 1:1 saying why it cannot be read. `what`: "connectors file". */
export function readConfigFile(file: string, what: string): { ok: true; file: string; text: string } | { ok: false; errors: ConfigFileError[] } {
  const absolute = path.resolve(file);
  try {
    return { ok: true, file: absolute, text: fs.readFileSync(absolute, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, errors: [{ file: absolute, line: 1, col: 1, message: `cannot read ${what}: ${code === 'ENOENT' ? 'file not found' : String(code ?? error)}` }] };
  }
}

export type ParsedConfig<T> = { ok: true; data: T; locator: Locator } | { ok: false; errors: ConfigFileError[] };

/** YAML syntax errors, else schema problems, each located in `text`; an empty file is `{}`. */
export function parseConfigText<S extends z.ZodType>(text: string, file: string, schema: S): ParsedConfig<z.infer<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (line: number, col: number, message: string): ConfigFileError => ({ file, line, col, message });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return at(line, col, `YAML: ${e.message.split('\n')[0]}`);
      }),
    };
  }
  const locator = createLocator(doc, lineCounter, text);
  const raw: unknown = doc.toJS();
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      errors: explainIssues(parsed.error.issues, raw, schema).map((problem) => {
        const { line, col } = locator.locate(problem.path, { ...(problem.at ? { at: problem.at } : {}) });
        return at(line, col, problem.message);
      }),
    };
  }
  return { ok: true, data: parsed.data as z.infer<S>, locator };
}
