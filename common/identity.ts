/**
 * Identities and people. An identity is `<via>:<id>` (`slack:U0ALICE`, `cli:alice`); the approvers
 * file maps identities to people, and every rule about "the same person" compares people.
 *
 * Workflow-safe: pure functions.
 */
import { isBlank, shownTextProblem } from './text-safety';

/** The comparable form of an identity: surface and id, trimmed and case-insensitive. */
export function identityKey(via: string, id: string): string {
  return `${via.trim().toLowerCase()}:${id.trim().toLowerCase()}`;
}

/** Same person? Names are compared trimmed and case-insensitively (Slack ids, e-mail-like names). */
export function samePerson(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Why `identity` cannot name who acts, or undefined when it can. An identity is written into
 * audit lines, Slack messages and search attributes, so it must be one short line of visible
 * text: a line break in it could fake an audit line, a bidi override could make it read as
 * someone else. The text reads after the name of the field: "--as contains U+000A ...".
 */
export function identityProblem(identity: string): string | undefined {
  if (isBlank(identity)) return 'is empty: say who is acting';
  return shownTextProblem(identity, 'identityLength');
}

/** The surfaces a person can act from; an identity is `<via>:<id>`, e.g. `slack:U0ALICE`. */
export const IDENTITY_SURFACES = ['slack', 'cli', 'api'] as const;
export type IdentitySurface = (typeof IDENTITY_SURFACES)[number];
