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
 * The file is re-read on every call, so a restarted worker sees what the old one wrote. It is per
 * data folder: workers that do not share one do not share this record.
 */
import { JsonLinesFile } from '../json-lines-file';

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

export class DeliveryLog {
  private readonly file: JsonLinesFile<DeliveryEntry>;

  constructor(readonly filePath: string) {
    this.file = new JsonLinesFile(filePath);
  }

  /** What is known about `key` so far. */
  async status(key: string): Promise<DeliveryStatus> {
    return statusOf(await this.file.readAll(), key);
  }

  /**
   * Records that an attempt is about to send `key`. `plan` is kept only for the first attempt;
   * the first attempt's entry is returned, so every retry follows the same plan.
   */
  async recordAttempt(key: string, plan: Record<string, unknown>): Promise<DeliveryEntry> {
    return this.file.serialise(async () => {
      const first = statusOf(await this.file.readAll(), key).attempted;
      const entry: DeliveryEntry = { key, state: 'attempted', at: new Date().toISOString(), details: first ? {} : plan };
      await this.file.append(entry);
      return first ?? entry;
    });
  }

  /** Records that the latest attempt was refused outright: nothing went out. */
  async recordRefused(key: string, details: Record<string, unknown>): Promise<void> {
    await this.file.serialise(() => this.file.append({ key, state: 'refused', at: new Date().toISOString(), details }));
  }

  /** Records that the remote side accepted `key`; the first such record wins. */
  async recordDelivered(key: string, details: Record<string, unknown>): Promise<DeliveryEntry> {
    return this.file.serialise(async () => {
      const earlier = statusOf(await this.file.readAll(), key).delivered;
      if (earlier) return earlier;
      const entry: DeliveryEntry = { key, state: 'delivered', at: new Date().toISOString(), details };
      await this.file.append(entry);
      return entry;
    });
  }
}

function statusOf(entries: DeliveryEntry[], key: string): DeliveryStatus {
  const status: DeliveryStatus = { outcomeUnknown: false };
  for (const entry of entries) {
    if (entry.key !== key) continue;
    if (entry.state === 'attempted') status.attempted ??= entry;
    if (entry.state === 'delivered') status.delivered ??= entry;
    if (entry.state !== 'delivered') status.outcomeUnknown = entry.state === 'attempted';
  }
  if (status.delivered) status.outcomeUnknown = false;
  return status;
}
