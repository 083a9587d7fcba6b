/**
 * A step output as an auditor reads it in a dossier: one bounded line (`key=value, key=[3 items]`)
 * rather than the raw data, which can be large (an access report) and is kept in the history and
 * the evidence store anyway.
 */

/** Longest summary line; longer ones end with an ellipsis. */
export const SUMMARY_LIMIT = 400;
const VALUE_LIMIT = 80;

export function summariseOutput(output: unknown): string | undefined {
  if (output === undefined || output === null) return undefined;
  if (typeof output !== 'object' || Array.isArray(output)) return clip(describe(output), SUMMARY_LIMIT);
  const parts = Object.entries(output as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${describe(value)}`);
  return parts.length === 0 ? undefined : clip(parts.join(', '), SUMMARY_LIMIT);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return clip(value, VALUE_LIMIT);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const simple = value.every((item) => typeof item === 'string' || typeof item === 'number');
    if (simple && value.length <= 5) return clip(`[${value.join(', ')}]`, VALUE_LIMIT);
    return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    return clip(`{${keys.join(', ')}}`, VALUE_LIMIT);
  }
  return typeof value;
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
