/**
 * The machinery of the Update requests' checks (./messages.ts): a request is a plain object of
 * known fields, each checked in order, and no other keys. Plain TypeScript, no schema library: the
 * workflow sandbox evaluates every module it imports again for each run the worker caches, so the
 * checks must cost next to nothing to load.
 *
 * A refusal lists issues shaped as zod's are (`code`, `path`, `message`, worded as zod words them),
 * so callers and people see the same refusals as when these checks were zod schemas.
 *
 * Workflow-safe: no imports.
 */

export type RequestIssueCode = 'invalid_type' | 'invalid_value' | 'too_small' | 'too_big' | 'unrecognized_keys' | 'custom';

export interface RequestIssue {
  code: RequestIssueCode;
  /** Where in the request, from its top: `['payload', 'proof', 'url']`; empty for the request as a whole. */
  path: Array<string | number>;
  message: string;
}

export type RequestParse<T> = { success: true; data: T } | { success: false; error: { issues: RequestIssue[] } };

/** Checks one kind of request. Never throws, whatever it is given. */
export interface RequestSchema<T> {
  /** The request as the run reads it (some fields trimmed), or every problem found. */
  safeParse(raw: unknown): RequestParse<T>;
}

/** What a field's check found: the value as parsed, and its problems (paths relative to the field). */
export interface FieldResult {
  value: unknown;
  issues: RequestIssue[];
}

export interface Field {
  check(value: unknown): FieldResult;
  /** An optional field may be absent or undefined; it is then not checked. */
  optional?: boolean;
}

/**
 * A request of exactly these fields, checked in the order given; keys that are not fields are
 * refused (named in one issue, after the fields' own). Nothing is copied from the request but the
 * fields, so a `__proto__` key can neither reach the result nor change it.
 */
export function requestSchema<T>(fields: { [K in keyof T]-?: Field }): RequestSchema<T> {
  const names = Object.keys(fields) as Array<keyof T & string>;
  const known: ReadonlySet<string> = new Set(names);
  return {
    safeParse(raw) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        return { success: false, error: { issues: [{ code: 'invalid_type', path: [], message: invalidTypeMessage('object', raw) }] } };
      }
      const request = raw as Record<string, unknown>;
      const data: Record<string, unknown> = {};
      const issues: RequestIssue[] = [];
      for (const name of names) {
        const field: Field = fields[name];
        const present = name in request;
        const value = request[name];
        if (field.optional && value === undefined) {
          if (present) data[name] = undefined;
          continue;
        }
        const result = field.check(value);
        for (const issue of result.issues) issues.push({ ...issue, path: [name, ...issue.path] });
        data[name] = result.value;
      }
      const stray: string[] = [];
      // for…in, as JSON gives no inherited keys: own keys in order, `__proto__` included.
      for (const key in request) if (!known.has(key)) stray.push(key);
      if (stray.length > 0) {
        issues.push({ code: 'unrecognized_keys', path: [], message: `Unrecognized key${stray.length > 1 ? 's' : ''}: ${stray.map((key) => `"${key}"`).join(', ')}` });
      }
      return issues.length > 0 ? { success: false, error: { issues } } : { success: true, data: data as T };
    },
  };
}

/** A field that must be a string; `then` checks (and may reshape) the string. */
export function stringField(then: (text: string) => FieldResult = accept, typeMessage?: string): Field['check'] {
  return (value) => (typeof value === 'string' ? then(value) : refuse(value, 'invalid_type', typeMessage ?? invalidTypeMessage('string', value)));
}

/** A field that must be one of `values`. */
export function oneOfField(values: readonly string[]): Field['check'] {
  const message = `Invalid option: expected one of ${values.map((value) => `"${value}"`).join('|')}`;
  return (value) => (typeof value === 'string' && values.includes(value) ? accept(value) : refuse(value, 'invalid_value', message));
}

export function accept(value: unknown): FieldResult {
  return { value, issues: [] };
}

export function refuse(value: unknown, code: RequestIssueCode, message: string, path: Array<string | number> = []): FieldResult {
  return { value, issues: [{ code, path, message }] };
}

/** Length in code points (a surrogate pair counts once), as zod measures a string against its limits. */
export function codePoints(text: string): number {
  let count = text.length;
  for (let index = 0; index < text.length - 1; index += 1) {
    if ((text.charCodeAt(index) & 0xfc00) === 0xd800 && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      count -= 1;
      index += 1;
    }
  }
  return count;
}

/** zod's wording of a value of the wrong type, e.g. "Invalid input: expected string, received number". */
function invalidTypeMessage(expected: string, value: unknown): string {
  return `Invalid input: expected ${expected}, received ${typeName(value)}`;
}

function typeName(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    // As zod names it: an instance of a class by its constructor's name.
    const constructor = Object.getPrototypeOf(value) !== Object.prototype && 'constructor' in value ? (value as { constructor?: { name?: unknown } }).constructor : undefined;
    if (constructor) return String(constructor.name);
  }
  return typeof value;
}
