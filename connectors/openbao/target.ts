/**
 * What an OpenBao `principal` (or `key_id`) names. OpenBao has no "user" to revoke: a person holds
 * tokens (each known by its accessor, which can look the token up and revoke it but cannot
 * authenticate) and leases (dynamic secrets, and the tokens of every login, under a path prefix).
 *
 *   `<accessor>` or `accessor:<accessor>`   one token and every child token it created
 *   `lease-prefix:<path>`                   every lease under the path, e.g.
 *                                           `auth/userpass/login/alice` (every userpass login of
 *                                           alice) or `database/creds/alice-rw`
 *   `entity:<entity id>`                    every token bound to that identity entity
 *
 * A prefix must have at least two segments: `auth` or `database` alone would end every session
 * or secret of the whole server, which no single offboarding step should be able to do.
 */
export type OpenBaoTarget =
  | { kind: 'accessor'; accessor: string }
  | { kind: 'lease-prefix'; prefix: string }
  | { kind: 'entity'; entityId: string };

/** OpenBao accessors: 24 base62 characters, plus `.<namespace id>` inside a namespace. */
const ACCESSOR = /^[A-Za-z0-9]{24}(\.[A-Za-z0-9]+)?$/;
const SAFE_SEGMENT = /^[A-Za-z0-9_@+=,.-]+$/;

export const OPENBAO_TARGET_FORMS =
  'a token accessor, accessor:<accessor>, lease-prefix:<path with at least two segments> or entity:<entity id>';

/** Parses a value, or returns why it is not an OpenBao target. */
export function parseOpenBaoTarget(value: string): { target: OpenBaoTarget } | { problem: string } {
  const trimmed = value.trim();
  if (trimmed.startsWith('accessor:')) {
    const accessor = trimmed.slice('accessor:'.length).trim();
    return accessor ? { target: { kind: 'accessor', accessor } } : { problem: 'accessor: names no accessor' };
  }
  if (trimmed.startsWith('lease-prefix:')) {
    const segments = trimmed.slice('lease-prefix:'.length).split('/').filter(Boolean);
    if (segments.length < 2) return { problem: `lease prefix "${segments.join('/')}" is too broad: give at least two path segments` };
    if (segments.some((segment) => segment === '.' || segment === '..' || !SAFE_SEGMENT.test(segment))) {
      return { problem: `lease prefix "${segments.join('/')}" has a segment OpenBao paths do not use` };
    }
    return { target: { kind: 'lease-prefix', prefix: segments.join('/') } };
  }
  if (trimmed.startsWith('entity:')) {
    const entityId = trimmed.slice('entity:'.length).trim();
    return entityId ? { target: { kind: 'entity', entityId } } : { problem: 'entity: names no entity id' };
  }
  if (ACCESSOR.test(trimmed)) return { target: { kind: 'accessor', accessor: trimmed } };
  return { problem: `"${trimmed}" is not ${OPENBAO_TARGET_FORMS}` };
}

/** A short label for messages and outputs. */
export function describeTarget(target: OpenBaoTarget): string {
  switch (target.kind) {
    case 'accessor':
      return `accessor ${target.accessor}`;
    case 'lease-prefix':
      return `leases under ${target.prefix}/`;
    case 'entity':
      return `tokens of entity ${target.entityId}`;
  }
}
