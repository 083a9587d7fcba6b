/**
 * A durable record of outgoing messages (e-mails, Slack posts, vendor requests), kept as JSON lines
 * under the worker's data folder. Mail servers and chat APIs cannot be asked "did you already get
 * this?" the way an idempotent HTTP API can, so the worker remembers it itself:
 *
 *   attempted  written (and fsync'd) just BEFORE each attempt sends; the first one's details (due
 *              date, request time) are what every later attempt reuses, so a retry sends the same
 *              text.
 *   refused    the attempt ended with a definite "no" from the remote side (a refused login, a 429,
 *              a Slack error code): nothing went out.
 *   delivered  written (and fsync'd) just AFTER the remote side accepted it; a retry that finds it
 *              reports "already done" and sends nothing.
 *
 * An `attempted` entry followed by neither means that attempt stopped somewhere in between (a
 * crash, a timeout, a lost answer): the message may or may not have gone out. Callers decide what
 * to do about that window (resend with the same Message-ID, look the message up in Slack…).
 *
 * Lookups go through an index in memory (per key: where its first `attempted` and first
 * `delivered` lines are, and whether its latest attempt is still open), built by reading the file
 * once and kept current by reading only what was appended since (see ../json-lines-file.ts), so a
 * post costs the same however many were made before. A restarted worker rebuilds the index from
 * what the old one wrote. The file is per data folder: workers that do not share one do not share
 * this record. Writes for one key are serialised within this object; if two processes sharing
 * the folder race on one key, the first line in the file wins for both.
 */
import { JsonLinesFile, type LinePosition } from '../json-lines-file';

export type DeliveryState = 'attempted' | 'refused' | 'delivered';

export interface DeliveryEntry {
  key: string;
  state: DeliveryState;
  /** ISO time the entry was written. */
  at: string;
  details: Record<string, unknown>;
}

export interface DeliveryStatus {
  /** The FIRST attempt for the key: its details are the plan every attempt follows. */
  attempted?: DeliveryEntry;
  delivered?: DeliveryEntry;
  /** The latest attempt neither delivered nor refused: the message may already be out. */
  outcomeUnknown: boolean;
}

/** What the index keeps per key. */
interface KeyState {
  attempted?: LinePosition;
  delivered?: LinePosition;
  /** The latest entry other than `delivered` is an `attempted`. */
  lastAttemptOpen: boolean;
}

export class DeliveryLog {
  private readonly file: JsonLinesFile<DeliveryEntry, KeyState>;

  constructor(readonly filePath: string) {
    this.file = new JsonLinesFile<DeliveryEntry, KeyState>(filePath, { keyOf: (entry) => entry.key, fold: foldEntry });
  }

  /** What is known about `key` so far. */
  async status(key: string): Promise<DeliveryStatus> {
    const kept = await this.file.lookup(key);
    const [attempted, delivered] = await Promise.all([
      kept?.attempted && this.file.read(key, kept.attempted),
      kept?.delivered && this.file.read(key, kept.delivered),
    ]);
    return {
      ...(attempted ? { attempted } : {}),
      ...(delivered ? { delivered } : {}),
      outcomeUnknown: kept !== undefined && !kept.delivered && kept.lastAttemptOpen,
    };
  }

  /**
   * Records that an attempt is about to send `key`. `plan` is kept only for the first attempt;
   * the first attempt's entry is returned, so every retry follows the same plan.
   */
  async recordAttempt(key: string, plan: Record<string, unknown>): Promise<DeliveryEntry> {
    return this.file.exclusive(key, async () => {
      const first = (await this.file.lookup(key))?.attempted;
      const entry: DeliveryEntry = { key, state: 'attempted', at: new Date().toISOString(), details: first ? {} : plan };
      const { at, kept } = await this.file.append(entry);
      const winner = first ?? kept.attempted;
      // Not ours when an earlier attempt exists, or another process recorded one just before us.
      return winner && winner.offset !== at.offset ? this.file.read(key, winner) : entry;
    });
  }

  /** Records that the latest attempt was refused outright: nothing went out. */
  async recordRefused(key: string, details: Record<string, unknown>): Promise<void> {
    await this.file.exclusive(key, () => this.file.append({ key, state: 'refused', at: new Date().toISOString(), details }));
  }

  /** Records that the remote side accepted `key`; the first such record wins. */
  async recordDelivered(key: string, details: Record<string, unknown>): Promise<DeliveryEntry> {
    return this.file.exclusive(key, async () => {
      const earlier = (await this.file.lookup(key))?.delivered;
      if (earlier) return this.file.read(key, earlier);
      const entry: DeliveryEntry = { key, state: 'delivered', at: new Date().toISOString(), details };
      const { at, kept } = await this.file.append(entry);
      return kept.delivered && kept.delivered.offset !== at.offset ? this.file.read(key, kept.delivered) : entry;
    });
  }
}

/** The first `attempted` and `delivered` lines, and whether the latest other entry is an attempt. */
function foldEntry(kept: KeyState | undefined, entry: DeliveryEntry, at: LinePosition): KeyState {
  const next: KeyState = { ...(kept ?? { lastAttemptOpen: false }) };
  if (entry.state === 'delivered') {
    next.delivered ??= at;
  } else {
    if (entry.state === 'attempted') next.attempted ??= at;
    next.lastAttemptOpen = entry.state === 'attempted';
  }
  return next;
}
