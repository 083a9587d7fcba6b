/**
 * Keeps the inputs a runbook marks `sensitive` out of a dossier: the input itself reads
 * `[redacted]`, and because an input can travel on (a template copies it into an action's
 * parameters, an action echoes it in its output), every string anywhere in the dossier has each
 * sensitive value replaced too. Values shorter than four characters are not hunted elsewhere:
 * replacing `1` or `on` in every text would garble the record and protect nothing.
 */
import type { Runbook } from '../../runbooks/schema';

export const REDACTED = '[redacted]';
const SHORTEST_HUNTED = 4;

export interface Redaction {
  /** The inputs with sensitive ones replaced. */
  inputs: Record<string, unknown>;
  redactedInputs: string[];
  /** Deep copy of a value with every sensitive value inside its strings replaced. */
  scrub<T>(value: T): T;
}

export function redactionFor(runbook: Runbook | undefined, inputs: Record<string, unknown>): Redaction {
  const declared = (runbook?.inputs ?? {}) as Record<string, { sensitive?: boolean }>;
  const redactedInputs = Object.keys(declared).filter((name) => declared[name]?.sensitive === true && Object.hasOwn(inputs, name)).sort();
  const hunted = new Set<string>();
  for (const name of redactedInputs) {
    for (const value of [inputs[name]].flat()) {
      const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
      if (text !== undefined && text.length >= SHORTEST_HUNTED) hunted.add(text);
    }
  }
  // Longest first, so a value that contains another is replaced whole.
  const values = [...hunted].sort((a, b) => b.length - a.length);
  const scrubText = (text: string) => values.reduce((current, value) => current.split(value).join(REDACTED), text);
  const scrub = <T>(value: T): T => scrubDeep(value, scrubText) as T;
  const shown: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inputs)) shown[name] = redactedInputs.includes(name) ? REDACTED : scrub(value);
  return { inputs: shown, redactedInputs, scrub };
}

function scrubDeep(value: unknown, scrubText: (text: string) => string): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrubText));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[scrubText(key)] = scrubDeep(item, scrubText);
    return copy;
  }
  return value;
}
