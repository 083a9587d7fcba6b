/**
 * Turns zod issues into messages an on-call engineer can act on: what is wrong, what is allowed,
 * and what was found ("severity must be one of low, medium, high, critical; got "urgent""), plus
 * where in the document to point (the unknown key itself, the mapping missing a key, or the bad
 * value).
 *
 * Used by the loader (schema issues) and by semantics.ts (action `with` values), so both speak
 * the same way. Workflow-safe: zod and common/ only.
 */
import { z } from 'zod';
import { ACTION_NAMES } from '../../common/actions';
import { didYouMean } from '../../common/suggest';
import { redactUrlCredentials } from '../../common/url-credentials';

/** A path into the YAML document: mapping keys and sequence indexes. */
export type DocumentPath = (string | number)[];

/**
 * A problem at a place in the document. `at: 'key'` points at a mapping key rather than its value
 * (unknown keys); `offset` is a character offset inside a string value (template errors).
 */
export interface DocumentProblem {
  path: DocumentPath;
  message: string;
  at?: 'key';
  offset?: number;
  /** Another place worth showing, e.g. `{ note: 'first used', path }` for a duplicate id. */
  seeAlso?: { note: string; path: DocumentPath };
}

type Issue = z.core.$ZodIssue;

/** Reads `root` along `path`; undefined when the path leaves the data. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The schema governing `path` inside `schema`, if it can be followed without guessing. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType = schema;
  for (const segment of path) {
    current = unwrap(current);
    if (current instanceof z.ZodObject && typeof segment === 'string') {
      const field: z.ZodType | undefined = (current.shape as Record<string, z.ZodType>)[segment];
      if (field === undefined) return undefined;
      current = field;
    } else if (current instanceof z.ZodArray && typeof segment === 'number') {
      current = current.element as z.ZodType;
    } else if (current instanceof z.ZodRecord) {
      current = current.valueType as z.ZodType;
    } else {
      return undefined;
    }
  }
  return unwrap(current);
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The keys a strict object at `path` accepts, for "allowed keys: ..." hints. */
export function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const target = schemaAt(schema, path);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

/** `cidrs[0]` for ['with', 'cidrs', 0]: the nearest key name plus any indexes after it. */
export function label(path: readonly PropertyKey[]): string {
  let end = path.length;
  let indexes = '';
  while (end > 0 && typeof path[end - 1] === 'number') {
    indexes = `[${String(path[end - 1])}]${indexes}`;
    end -= 1;
  }
  return end === 0 ? `item${indexes}` : `${String(path[end - 1])}${indexes}`;
}

/** A short rendering of a found value for "got ..." (strings quoted, long ones cut). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') {
    // Redact before cutting: a cut can fall before the "@" and hide the URL shape from redaction.
    const safe = redactUrlCredentials(value);
    return JSON.stringify(safe.length > 60 ? `${safe.slice(0, 57)}...` : safe);
  }
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value pairs)',
  record: 'a mapping (key: value pairs)',
};

const quoteList = (values: readonly unknown[]): string => values.map((value) => String(value)).join(', ');

function explainOne(issue: Issue, root: unknown, schema: z.ZodType, base: DocumentPath): DocumentProblem[] {
  const path: DocumentPath = [...base, ...(issue.path as DocumentPath)];
  const relative = issue.path as DocumentPath;
  const value = valueAt(root, relative);
  const name = label(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(schema, relative);
      return issue.keys.map((key) => ({
        path: [...path, key],
        at: 'key' as const,
        message: `unknown key "${key}"${didYouMean(key, allowed)}${allowed.length > 0 ? `; allowed keys here: ${allowed.join(', ')}` : ''}`,
      }));
    }
    case 'invalid_type': {
      if (value === undefined && relative.length > 0) {
        // A missing key has no node of its own: point at the mapping that should contain it.
        return [{ path: path.slice(0, -1), message: `missing required key "${String(path[path.length - 1])}"` }];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return [{ path, message: `${name} must be ${expected}, got ${describeValue(value)}` }];
    }
    case 'invalid_value': {
      const found = describeValue(value);
      if (path[path.length - 1] === 'action' && issue.values.every((v) => (ACTION_NAMES as readonly unknown[]).includes(v))) {
        return [{ path, message: `unknown action ${found}; known actions: ${quoteList(ACTION_NAMES)}${typeof value === 'string' ? didYouMean(value, ACTION_NAMES) : ''}` }];
      }
      const candidates = issue.values.map(String);
      const hint = typeof value === 'string' ? didYouMean(value, candidates) : '';
      return [{ path, message: `${name} must be one of ${quoteList(issue.values)}; got ${found}${hint}` }];
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string' && minimum === 1) return [{ path, message: `${name} must not be empty` }];
      if (issue.origin === 'array') {
        const noun = name === 'parallel' ? 'branch' : 'item';
        return [{ path, message: `${name} needs at least ${minimum} ${noun}${minimum === 1 ? '' : noun === 'branch' ? 'es' : 's'}` }];
      }
      return [{ path, message: `${name} must be at least ${minimum}, got ${describeValue(value)}` }];
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'string') {
        return [{ path, message: `${name} must have at most ${maximum} ${issue.origin === 'array' ? 'items' : 'characters'}` }];
      }
      return [{ path, message: `${name} must be at most ${maximum}, got ${describeValue(value)}` }];
    }
    case 'invalid_format': {
      // Our schemas give formats a human message; zod's default ("Invalid string: ...") is not one.
      // Catalogue messages read "must be ..." and need the field name in front.
      const what = issue.message.startsWith('Invalid')
        ? `${name} has the wrong format`
        : issue.message.startsWith('must ')
          ? `${name} ${issue.message}`
          : issue.message;
      return [{ path, message: `${what}; got ${describeValue(value)}` }];
    }
    case 'invalid_key': {
      const key = path[path.length - 1];
      const reason = issue.issues[0]?.message ?? 'invalid key';
      return [{ path, at: 'key', message: `${reason}; got "${String(key)}"` }];
    }
    case 'invalid_union':
      return [{ path, message: `${name} does not match any allowed form` }];
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * Explains zod issues from `schema.safeParse(root)`. `base` is where `root` sits in the document,
 * so paths in the result are document paths.
 */
export function explainIssues(issues: readonly Issue[], root: unknown, schema: z.ZodType, base: DocumentPath = []): DocumentProblem[] {
  return issues.flatMap((issue) => explainOne(issue, root, schema, base));
}
