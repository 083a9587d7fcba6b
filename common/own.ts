/**
 * Safe lookups of keys people chose. A plain object answers `record["constructor"]` or
 * `"toString" in record` from Object.prototype, and assigning `record["__proto__"]` changes the
 * object's prototype instead of adding a key; every lookup of a user-chosen key goes through here
 * (or through a Map) so such names are just names.
 *
 * Workflow-safe: pure functions.
 */

/** Whether `key` is an own property of `record` (never one inherited from Object.prototype). */
export function hasOwnKey(record: object, key: PropertyKey): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** `record[key]` when `key` is an own property, else undefined. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return hasOwnKey(record, key) ? record[key] : undefined;
}

/** An empty record with no prototype: `__proto__`, `constructor` and friends are ordinary keys. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Sets `record[key] = value` as an own, enumerable property, even for `__proto__`. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
