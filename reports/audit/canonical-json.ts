/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for hashing and signing the compliance
 * dossier: the same value always gives the same bytes, whatever order its keys were built in.
 *
 * The serialisation itself is the `canonicalize` package (by one of the RFC's authors). It quietly
 * turns some values into something else (undefined in an array becomes null, a function or a cycle
 * gives nonsense or a stack overflow), and a hash over a silently changed value proves nothing, so
 * every value is checked first and refused with the path of the first part JCS cannot represent.
 */
import canonicalize from 'canonicalize';

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(
    /** Where the value sits, as `$.entries[2].data.count`. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem} cannot be represented in canonical JSON (RFC 8785)`);
  }
}

/**
 * The RFC 8785 form of `value` as a string; throws CanonicalJsonError naming the offending path,
 * which starts at `rootName` (e.g. `entries[3]` when the caller serialises one dossier entry).
 */
export function canonicalJson(value: unknown, rootName = '$'): string {
  checkRepresentable(value, rootName, []);
  const text = canonicalize(value);
  // Unreachable after the check; kept so a library change cannot hand back undefined unnoticed.
  if (text === undefined) throw new CanonicalJsonError(rootName, 'this value');
  return text;
}

/** The same thing the library will serialise: a toJSON() result stands in for its object. */
function serialisedForm(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  return value;
}

// A lone surrogate is not Unicode text; I-JSON (which RFC 8785 requires) forbids it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkRepresentable(raw: unknown, path: string, ancestors: object[]): void {
  const value = serialisedForm(raw);
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(path, 'a string with a lone UTF-16 surrogate');
      return;
    case 'boolean':
      return;
    case 'number':
      if (Number.isNaN(value)) throw new CanonicalJsonError(path, 'NaN');
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, value > 0 ? 'Infinity' : '-Infinity');
      return;
    case 'bigint':
      throw new CanonicalJsonError(path, 'a BigInt');
    case 'undefined':
      throw new CanonicalJsonError(path, 'undefined');
    case 'function':
      throw new CanonicalJsonError(path, 'a function');
    case 'symbol':
      throw new CanonicalJsonError(path, 'a symbol');
  }
  if (value === null) return;
  const object = value as object;
  if (ancestors.includes(object)) throw new CanonicalJsonError(path, 'a cycle (this object contains itself)');
  const inside = [...ancestors, object];
  if (Array.isArray(object)) {
    object.forEach((item, index) => checkRepresentable(item, `${path}[${index}]`, inside));
    return;
  }
  for (const [key, member] of Object.entries(object)) {
    checkRepresentable(key, `${path} key ${JSON.stringify(key)}`, inside);
    // A property set to undefined is absent in JSON, as JSON.stringify and the library treat it.
    if (member === undefined) continue;
    checkRepresentable(member, memberPath(path, key), inside);
  }
}

function memberPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
