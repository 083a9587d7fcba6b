/**
 * Identities and people. An identity is `<via>:<id>` (`slack:U0ALICE`, `cli:alice`); the approvers
 * file maps identities to people, and every rule about "the same person" compares people.
 *
 * Workflow-safe: pure functions.
 */

/** The comparable form of an identity: surface and id, trimmed and case-insensitive. */
export function identityKey(via: string, id: string): string {
  return `${via.trim().toLowerCase()}:${id.trim().toLowerCase()}`;
}

/** Same person? Names are compared trimmed and case-insensitively (Slack ids, e-mail-like names). */
export function samePerson(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
