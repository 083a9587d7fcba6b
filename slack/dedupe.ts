/**
 * Remembers interactions this process has already handled, so a replayed or retried request (the
 * same signed body sent again within Slack's five-minute window) is acknowledged and ignored.
 *
 * This is the first line only and per process: what must never happen twice is guarded by
 * Temporal itself (deterministic workflow ids for starts, update ids derived from the click for
 * decisions), which holds across restarts and several app instances.
 */
export class RecentKeys {
  readonly #seen = new Map<string, number>();

  constructor(
    /** Longer than Slack's replay window (5 minutes), so a replay inside it is always caught. */
    private readonly ttlMs = 10 * 60_000,
    private readonly max = 20_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time `key` is offered within the TTL; false for a repeat. */
  first(key: string): boolean {
    const now = this.now();
    const seenAt = this.#seen.get(key);
    if (seenAt !== undefined && now - seenAt < this.ttlMs) return false;
    this.#seen.delete(key);
    this.#seen.set(key, now);
    this.prune(now);
    return true;
  }

  private prune(now: number): void {
    // Map keeps insertion order, so the oldest entries come first.
    for (const [key, at] of this.#seen) {
      if (this.#seen.size <= this.max && now - at < this.ttlMs) break;
      this.#seen.delete(key);
    }
  }
}

/**
 * The Temporal update id of a click: the same click (user and Slack's action_ts) always maps to
 * the same id, so a replay is recognised by Temporal as the update it already applied.
 */
export function clickUpdateId(userId: string, actionTs: string): string {
  return `slack:${userId}:${actionTs}`;
}
