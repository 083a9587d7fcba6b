/**
 * Checks of what was typed on the command line, made before anything is sent, so a refusal names
 * the flag or argument as the person typed it (`--as`, `<step>`) and exits with the usage code.
 * The rules are those of the run's own validators (workflows/messages.ts), which check again.
 */
import { identityProblem } from '../common/identity';
import { LIMITS, limitMessage } from '../common/limits';
import { excerpt, neutraliseForDisplay } from '../common/text-safety';
import { INCIDENT_ID_PATTERN, INCIDENT_ID_RULE } from '../workflows/ids';
import { freeTextProblem, payloadProblem, referenceProblem } from '../workflows/messages';
import { usageFailure } from './failure';

/** A name from --as, QUELL_USER or USER: one short line of visible text. */
export function checkedIdentity(source: string, value: string): string {
  const problem = identityProblem(value);
  if (problem) throw usageFailure(`${source} ${problem}`);
  return value.trim();
}

/** A run id, step id or event name given as an argument. */
export function checkedReference(argument: string, value: string): string {
  const problem = referenceProblem(value);
  if (problem) throw usageFailure(`${argument} ${problem}`);
  return value;
}

/** A reason or note: bounded, line breaks allowed, nothing else invisible. */
export function checkedFreeText(flag: string, value: string): string {
  const problem = freeTextProblem(value);
  if (problem) throw usageFailure(`${flag} ${problem}`);
  return value;
}

export function checkedIncident(value: string): string {
  if (!INCIDENT_ID_PATTERN.test(value)) {
    throw usageFailure(`--incident "${excerpt(value, 80)}" is not valid: ${INCIDENT_ID_RULE}`);
  }
  return value;
}

/** `--data`: a small JSON object with plain keys (the same rules the run applies). */
export function parsedEventData(text: string): Record<string, unknown> {
  // Bounded before parsing: the parse itself should not be the expensive part of a refusal.
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > LIMITS.eventPayloadBytes.value) throw usageFailure(`--data is too large: ${limitMessage('eventPayloadBytes', bytes)}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageFailure(`--data is not valid JSON: ${neutraliseForDisplay((error as Error).message)}`);
  }
  const problem = payloadProblem(value);
  if (problem) throw usageFailure(`--data${problem.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')} ${problem.message}`);
  return value as Record<string, unknown>;
}
