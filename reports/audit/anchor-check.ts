/**
 * Checks a dossier against its anchor in the write-once store. A hash chain cannot show that its
 * newest entries were cut off and the head recomputed (by someone holding the key, or before
 * signing); the anchor, written once when the run was archived and immutable since, can: the
 * dossier's head must be the anchored one, entry count and last event included.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { ANCHOR_FORMAT, type RunAnchor } from './archive';
import type { DossierDocument, RunEntryData } from './dossier-types';
import type { Check } from './verify-dossier';

export function checkAgainstAnchor(document: DossierDocument, anchor: unknown, dossierBytes?: Buffer): Check {
  const record = (anchor && typeof anchor === 'object' ? anchor : {}) as Partial<RunAnchor>;
  if (record.format !== ANCHOR_FORMAT) return { ok: false, detail: `not an anchor: format is ${JSON.stringify(record.format) ?? 'missing'}, expected "${ANCHOR_FORMAT}"` };
  const run = document.entries[0]?.data as Partial<RunEntryData> | undefined;
  if (run?.workflowId !== record.workflowId || run?.runId !== record.runId) {
    return { ok: false, detail: `the anchor is of run ${String(record.workflowId)} (${String(record.runId)}), the dossier of ${String(run?.workflowId)} (${String(run?.runId)})` };
  }
  const anchored = record.head;
  const head = document.head;
  if (!anchored || canonicalJson(anchored) !== canonicalJson(head)) {
    const shorter = anchored && head.entryCount < anchored.entryCount ? `: the dossier has ${head.entryCount} entries, the anchor ${anchored.entryCount} (entries were cut off)` : '';
    return { ok: false, detail: `the dossier's head ${head.headSha256.slice(0, 16)}… is not the anchored head ${String(anchored?.headSha256).slice(0, 16)}…${shorter}` };
  }
  if (canonicalJson(record.signature ?? null) !== canonicalJson(document.signature ?? null)) return { ok: false, detail: 'same head, but the signature differs from the anchored one' };
  const bytes = dossierBytes && record.dossierSha256 ? (createHash('sha256').update(dossierBytes).digest('hex') === record.dossierSha256 ? ', byte for byte the archived file' : ', re-serialised (same head, different bytes)') : '';
  return { ok: true, detail: `matches the anchor written ${String(record.archivedAt)}${bytes}` };
}
