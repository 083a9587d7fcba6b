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
import { promises as fs } from 'node:fs';
import path from 'node:path';

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
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly filePath: string) {}

  /** What is known about `key` so far. */
  async status(key: string): Promise<DeliveryStatus> {
    return statusOf(await this.readEntries(), key);
  }

  /**
   * Records that an attempt is about to send `key`. `plan` is kept only for the first attempt;
   * the first attempt's entry is returned, so every retry follows the same plan.
   */
  async recordAttempt(key: string, plan: Record<string, unknown>): Promise<DeliveryEntry> {
    return this.serialise(async () => {
      const first = statusOf(await this.readEntries(), key).attempted;
      const entry: DeliveryEntry = { key, state: 'attempted', at: new Date().toISOString(), details: first ? {} : plan };
      await this.append(entry);
      return first ?? entry;
    });
  }

  /** Records that the latest attempt was refused outright: nothing went out. */
  async recordRefused(key: string, details: Record<string, unknown>): Promise<void> {
    await this.serialise(() => this.append({ key, state: 'refused', at: new Date().toISOString(), details }));
  }

  /** Records that the remote side accepted `key`; the first such record wins. */
  async recordDelivered(key: string, details: Record<string, unknown>): Promise<DeliveryEntry> {
    return this.serialise(async () => {
      const earlier = statusOf(await this.readEntries(), key).delivered;
      if (earlier) return earlier;
      const entry: DeliveryEntry = { key, state: 'delivered', at: new Date().toISOString(), details };
      await this.append(entry);
      return entry;
    });
  }

  private async append(entry: DeliveryEntry): Promise<void> {
    await fs.mkdir(path.dirname(this.filePath), { recursive: true });
    const text = await this.readText();
    // A crash may have left a torn last line: start on a fresh one so this entry stays readable.
    const separator = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
    const handle = await fs.open(this.filePath, 'a');
    try {
      await handle.appendFile(`${separator}${JSON.stringify(entry)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private async readEntries(): Promise<DeliveryEntry[]> {
    return parseEntries(await this.readText());
  }

  private async readText(): Promise<string> {
    try {
      return await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
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

/** A torn line was never acknowledged to anyone, so skipping it is correct. */
function parseEntries(text: string): DeliveryEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as DeliveryEntry];
      } catch {
        return [];
      }
    });
}
