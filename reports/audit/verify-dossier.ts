/**
 * Checks a dossier file as an auditor receives it, offline: its format, the hash chain (naming the
 * first entry where it breaks), and the Ed25519 signature over the head with a public key the
 * auditor trusts. With the run's history at hand (live from Temporal, or an archived copy), it
 * also says whether the dossier still matches it: events added or removed, entries whose facts
 * changed, or events changed that no entry cites.
 */
import { verifyChain, type ChainVerdict } from './chain';
import { dossierEntries, type RunIdentity } from './dossier';
import { DOSSIER_FORMAT, type DossierDocument } from './dossier-types';
import { canonicalJson } from './canonical-json';
import type { RawHistory } from '../drill/history';
import { verifySignature, type HeadSignature } from './signing';

export type Check = { ok: true; detail: string } | { ok: false; detail: string };

export interface OfflineVerdict {
  ok: boolean;
  format: Check;
  chain: ChainVerdict;
  signature: Check;
}

export function verifyDossierOffline(document: unknown, publicKeyPem: string | undefined): OfflineVerdict {
  const record = (document && typeof document === 'object' ? document : {}) as Partial<DossierDocument>;
  const format: Check = record.format === DOSSIER_FORMAT ? { ok: true, detail: DOSSIER_FORMAT } : { ok: false, detail: `format: expected "${DOSSIER_FORMAT}", got ${JSON.stringify(record.format) ?? 'nothing'}` };
  const chain = verifyChain(document);
  const signature = checkSignature(record, chain, publicKeyPem);
  return { ok: format.ok && chain.ok && signature.ok, format, chain, signature };
}

function checkSignature(record: Partial<DossierDocument>, chain: ChainVerdict, publicKeyPem: string | undefined): Check {
  const signature = record.signature as HeadSignature | undefined;
  if (!signature) return { ok: false, detail: 'the dossier is not signed: its head is not protected, so its history counts and its newest entries cannot be trusted' };
  if (!publicKeyPem) return { ok: false, detail: `signed with key ${String(signature.keyId)}, but no public key was given to check it (--public-key FILE)` };
  if (!chain.ok || !record.head) return { ok: false, detail: 'not checked: the chain is broken' };
  const verdict = verifySignature(record.head, signature, publicKeyPem);
  return verdict.ok ? { ok: true, detail: `Ed25519, key ${signature.keyId}` } : { ok: false, detail: verdict.reason };
}

function entryDifference(index: number, kind: string, fresh: unknown, stored: unknown): string {
  if (kind !== 'coverage') return `entry ${index} (${kind}) differs from what the history says now`;
  const { historySha256: now, ...freshRest } = fresh as { historySha256?: string };
  const { historySha256: then, ...storedRest } = stored as { historySha256?: string };
  if (now !== then && canonicalJson(freshRest) === canonicalJson(storedRest)) {
    return `entry ${index} (coverage): events changed that no other entry cites (the history hashes to ${String(now).slice(0, 12)}…, the dossier recorded ${String(then).slice(0, 12)}…)`;
  }
  return `entry ${index} (coverage) differs: events were added, removed or reclassified`;
}

export interface HistoryComparison {
  ok: boolean;
  /** One line per difference, most telling first. */
  differences: string[];
}

/**
 * Rebuilds the entries from the history and compares them with the dossier's, entry by entry.
 * Only meaningful for a dossier whose chain verified (its entries are then what was exported).
 */
export function compareWithHistory(document: DossierDocument, history: RawHistory, identity: RunIdentity): HistoryComparison {
  const differences: string[] = [];
  const events = history.events ?? [];
  const lastEventId = Number(events[events.length - 1]?.eventId ?? 0);
  const { head } = document;
  if (events.length > head.historyEventCount) {
    differences.push(`the history now has ${events.length} events; the dossier covers ${head.historyEventCount}: ${events.length - head.historyEventCount} added since it was exported (events ${head.lastEventId + 1}–${lastEventId})`);
  } else if (events.length < head.historyEventCount) {
    differences.push(`the history now has ${events.length} events; the dossier covers ${head.historyEventCount}: ${head.historyEventCount - events.length} removed`);
  } else if (lastEventId !== head.lastEventId) {
    differences.push(`the history's last event is ${lastEventId}; the dossier's is ${head.lastEventId}`);
  }
  // Only the events the dossier covered are rebuilt, so a run that went on is compared fairly.
  const covered = { ...history, events: events.filter((event) => Number(event.eventId ?? 0) <= head.lastEventId) };
  const rebuilt = dossierEntries(covered, identity);
  const count = Math.max(rebuilt.length, document.entries.length);
  for (let index = 0; index < count; index++) {
    const fresh = rebuilt[index];
    const stored = document.entries[index];
    if (!fresh) differences.push(`entry ${index} (${stored?.kind}) has no counterpart in the history`);
    else if (!stored) differences.push(`the history yields an entry ${index} (${fresh.kind}) the dossier lacks`);
    else if (fresh.kind !== stored.kind || canonicalJson(fresh.data) !== canonicalJson(stored.data)) {
      differences.push(entryDifference(index, stored.kind, fresh.data, stored.data));
    }
  }
  return { ok: differences.length === 0, differences };
}
